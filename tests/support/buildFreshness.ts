/**
 * Some unit tests run the build (`dist/`) rather than the sources: the serialized provider
 * loads `dist/provider/serialization/runtime.js`, as the engine's provider process does. These helpers tell
 * whether that build is older than the sources, so such a test never checks stale code.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const configFiles = ["tsconfig.json", "tsconfig.build.json"];

function sourcesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** The sources (relative to `root`) whose build output is missing or older than they are. */
export function staleSources(root: string): string[] {
  const sources = sourcesUnder(path.join(root, "provider"));
  const configTime = Math.max(
    0,
    ...configFiles
      .map((f) => path.join(root, f))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.statSync(f).mtimeMs),
  );
  return sources
    .filter((source) => {
      const relative = path.relative(root, source);
      const output = path.join(root, "dist", relative.replace(/\.ts$/, ".js"));
      if (!fs.existsSync(output)) return true;
      const built = fs.statSync(output).mtimeMs;
      return built < fs.statSync(source).mtimeMs || built < configTime;
    })
    .map((source) => path.relative(root, source));
}

/** Throws, saying what to run, when the build is older than the sources. */
export function assertFreshBuild(root: string): void {
  const stale = staleSources(root);
  if (stale.length > 0) {
    const shown =
      stale.slice(0, 5).join(", ") + (stale.length > 5 ? `, and ${stale.length - 5} more` : "");
    throw new Error(
      `dist/ is older than the sources (${shown}), and this test runs dist/: run npm run build ` +
        `(npm test builds first; jest --selectProjects unit builds in its global setup).`,
    );
  }
}

/** The plugin's schema, which `npm run build` writes after tsc (scripts/plugin-schema.ts). */
const pluginSchema = path.join("dist", "provider", "plugin", "schema.json");

/** True when the plugin's schema is missing or older than a source it is generated from. */
function staleSchema(root: string): boolean {
  const schema = path.join(root, pluginSchema);
  if (!fs.existsSync(schema)) return true;
  const built = fs.statSync(schema).mtimeMs;
  return sourcesUnder(path.join(root, "provider")).some((s) => fs.statSync(s).mtimeMs > built);
}

/**
 * Builds what `npm run build` builds, when stale: tsc -p tsconfig.build.json, then the plugin's
 * schema (a fresh checkout has neither; a test of the plugin's process needs both). Then
 * checks the build is fresh.
 */
export function buildIfStale(root: string): void {
  if (staleSources(root).length > 0) {
    execFileSync(
      process.execPath,
      [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")],
      { cwd: root, stdio: "inherit" },
    );
  }
  if (staleSchema(root)) {
    execFileSync(
      process.execPath,
      [
        "-r",
        require.resolve("ts-node/register/transpile-only"),
        path.join(root, "scripts", "plugin-schema.ts"),
      ],
      { cwd: root, stdio: "inherit" },
    );
  }
  assertFreshBuild(root);
}
