import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertFreshBuild, buildIfStale, staleSources } from "../support/buildFreshness";

/** A tiny project: provider/a.ts, provider/sub/b.ts, their build, and set modification times. */
describe("the check that the build the serialization and gRPC tests run is current", () => {
  let root: string;
  const file = (relative: string) => path.join(root, relative);
  const write = (relative: string, text: string, secondsAgo: number) => {
    fs.mkdirSync(path.dirname(file(relative)), { recursive: true });
    fs.writeFileSync(file(relative), text);
    const time = new Date(Date.now() - secondsAgo * 1000);
    fs.utimesSync(file(relative), time, time);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "freshness-"));
    write("tsconfig.json", "{}", 100);
    write("tsconfig.build.json", "{}", 100);
    write("provider/a.ts", "export const a = 1;\n", 60);
    write("provider/sub/b.ts", "export const b = 1;\n", 60);
    write("provider/types.d.ts", "export {};\n", 1); // declarations have no output
    write("dist/provider/a.js", "", 30);
    write("dist/provider/sub/b.js", "", 30);
    write("dist/provider/plugin/schema.json", "{}", 30);
    // The schema generator's stand-in: writes the schema where scripts/plugin-schema.ts does.
    write(
      "scripts/plugin-schema.ts",
      'import * as fs from "fs";\n' +
        'fs.mkdirSync("dist/provider/plugin", { recursive: true });\n' +
        'fs.writeFileSync("dist/provider/plugin/schema.json", JSON.stringify({ generated: true }));\n',
      100,
    );
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test("a build newer than every source is current", () => {
    expect(staleSources(root)).toEqual([]);
    expect(() => assertFreshBuild(root)).not.toThrow();
  });

  test("a source edited after the build, a source never built, or a newer tsconfig make it stale", () => {
    write("provider/sub/b.ts", "export const b = 2;\n", 1);
    expect(staleSources(root)).toEqual([path.join("provider", "sub", "b.ts")]);
    write("provider/c.ts", "export const c = 1;\n", 60);
    expect(staleSources(root)).toEqual(["provider/c.ts", "provider/sub/b.ts"].map(path.normalize));
    expect(() => assertFreshBuild(root)).toThrow(
      /^dist\/ is older than the sources \(provider\/c\.ts, provider\/sub\/b\.ts\), and this test runs dist\/: run npm run build/,
    );

    write("provider/sub/b.ts", "export const b = 2;\n", 60);
    write("provider/c.ts", "export const c = 1;\n", 60);
    write("dist/provider/c.js", "", 30);
    expect(staleSources(root)).toEqual([]);
    write("tsconfig.build.json", '{"compilerOptions": {}}', 1);
    expect(staleSources(root)).toHaveLength(3);
  });

  test("buildIfStale rebuilds a stale build with tsc, after which it is current", () => {
    write(
      "tsconfig.build.json",
      JSON.stringify({ compilerOptions: { outDir: "dist", rootDir: "." }, include: ["provider"] }),
      100,
    );
    write("provider/sub/b.ts", "export const b: number = 2;\n", 1);
    expect(staleSources(root)).toHaveLength(1);
    buildIfStale(root);
    expect(staleSources(root)).toEqual([]);
    expect(fs.readFileSync(file("dist/provider/sub/b.js"), "utf8")).toMatch(/b = 2/);
  }, 60_000);

  // A fresh checkout's first unit run: tsc alone left the plugin's schema out, and the tests of
  // the plugin's process failed on it (seen in every new worktree).
  test("buildIfStale writes a missing or outdated plugin schema, as npm run build does", () => {
    fs.rmSync(file("dist/provider/plugin/schema.json"));
    buildIfStale(root);
    expect(JSON.parse(fs.readFileSync(file("dist/provider/plugin/schema.json"), "utf8"))).toEqual({
      generated: true,
    });

    write("dist/provider/plugin/schema.json", "{}", 45); // older than provider/a.ts's build
    write("dist/provider/a.js", "", 1);
    write("provider/a.ts", "export const a = 1;\n", 40); // newer than the schema
    buildIfStale(root);
    expect(JSON.parse(fs.readFileSync(file("dist/provider/plugin/schema.json"), "utf8"))).toEqual({
      generated: true,
    });
  }, 60_000);
});
