/**
 * CPU profiles of one `pulumi up` (then `destroy`) per contender, for issue 22: the program's
 * Node.js, the dynamic provider and the plugin, each profiled by bench/cpuProfilePreload.js
 * (through NODE_OPTIONS), summarized by self time. Also the user-choosable engine settings.
 *
 *   node -r ts-node/register/transpile-only bench/profile.ts [--n 100] [--contenders package,plugin]
 *        [--settings] [--repeats 2]
 *
 * Raw profiles and the summary JSON go to bench/out/profile-<time>/ (git-ignored).
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";
import { loadCloudFile } from "../tests/support/realCloud";
import { Cloud } from "./cloud";
import { EngineContender } from "./engine";
import { log, round } from "./measure";
import { pluginContender } from "./plugin";
import { makePackageProject, packRepository } from "./projects";
import { modulesByPackage } from "./profileModules";
import { summarizeProfile } from "./profileSummary";

const dynamicProviderPattern = /node\s+\S*cmd\/dynamic-provider(\/index\.js)?(\s|$)/;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const n = Number(arg("n", "100"));
  const repeats = Number(arg("repeats", "2"));
  const wanted = arg("contenders", "package,plugin").split(",");
  const settings = process.argv.includes("--settings");
  const outDir = path.join(
    projectRoot,
    "bench/out",
    `profile-${new Date().toISOString().replace(/[:.]/g, "-")}`,
  );
  fs.mkdirSync(outDir, { recursive: true });
  const cloud = new Cloud(loadCloudFile());
  await cloud.start();
  const tempDirs: string[] = [];
  const results: Record<string, unknown> = {};
  try {
    const contenders: EngineContender[] = [];
    if (wanted.includes("package")) {
      log("packing this repository and installing it into a temporary project");
      const packed = packRepository();
      tempDirs.push(packed.dir);
      const dir = makePackageProject(packed.tarball);
      tempDirs.push(dir);
      contenders.push(new EngineContender("package", dir, cloud, dynamicProviderPattern));
    }
    if (wanted.includes("plugin")) contenders.push(pluginContender(cloud));
    for (const c of contenders) {
      await c.init();
      const imageId = await cloud.driver.createImage();
      await c.configure([imageId], n);
      if (!settings) {
        // The modules are listed before the temporary project is removed.
        const profileDir = path.join(outDir, c.name);
        c.project.env.PIM_CPU_PROFILE_DIR = profileDir;
        c.project.env.NODE_OPTIONS = `--require ${path.join(projectRoot, "bench/cpuProfilePreload.js")}`;
        const up = await c.measure("up");
        const state = await c.state(n);
        delete c.project.env.NODE_OPTIONS;
        delete c.project.env.PIM_CPU_PROFILE_DIR;
        await c.measure("destroy");
        const profiles = fs
          .readdirSync(profileDir)
          .filter((f) => f.endsWith(".cpuprofile"))
          .map((f) => {
            const modules = path.join(profileDir, f.replace(/\.cpuprofile$/, ".modules.json"));
            return {
              file: f,
              ...summarizeProfile(JSON.parse(fs.readFileSync(path.join(profileDir, f), "utf8"))),
              modules: fs.existsSync(modules)
                ? modulesByPackage(JSON.parse(fs.readFileSync(modules, "utf8")))
                : undefined,
            };
          });
        results[c.name] = { up, state, profiles };
        log(`${c.name}: up ${up.seconds} s, state ${state.bytesPerMember} B/member`);
        continue;
      }
      // The settings a user can choose, each alone, `up` then `destroy`, `repeats` times.
      const variants: [string, Record<string, string>, string[]][] = [
        ["default", {}, []],
        ["PULUMI_SKIP_CHECKPOINTS=true", { PULUMI_SKIP_CHECKPOINTS: "true" }, []],
        ["--parallel 8", {}, ["--parallel", "8"]],
        ["--parallel 64", {}, ["--parallel", "64"]],
      ];
      // Last: it rewrites the project (a JavaScript program, no ts-node).
      if (c.name === "package") variants.push(["typescript: false", {}, []]);
      const rows: Record<string, unknown>[] = [];
      for (let r = 0; r < repeats; r++) {
        for (const [label, env, extra] of variants) {
          if (c.name === "package") {
            useJavaScriptProgram(c.project.projectDir, label === "typescript: false");
          }
          Object.assign(c.project.env, env);
          const measured = await measureWithArgs(c, extra, n);
          for (const key of Object.keys(env)) delete c.project.env[key];
          rows.push({ contender: c.name, label, repeat: r, ...measured });
          log(`${c.name} ${label}: ${JSON.stringify(measured)}`);
        }
      }
      results[c.name] = { settings: rows };
    }
  } finally {
    fs.writeFileSync(path.join(outDir, "summary.json"), JSON.stringify(results, null, 2));
    log(`wrote ${path.join(outDir, "summary.json")}`);
    await cloud.driver.cleanUp().catch(() => undefined);
    await cloud.stop();
    for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

/**
 * The bench program as JavaScript (`index.js`, CommonJS) with `typescript: false`: the
 * language host then registers no ts-node, hence no source-map call-site wrapping.
 */
function useJavaScriptProgram(dir: string, javaScript: boolean): void {
  const js = `const pulumi = require("@pulumi/pulumi");
const { ImageMember } = require("pulumi-image-members");

const config = new pulumi.Config();
const imageIds = config.requireObject("imageIds");
const membersPerImage = config.requireNumber("membersPerImage");

imageIds.forEach((imageId, i) => {
  for (let m = 0; m < membersPerImage; m++) {
    const memberId = \`bench-project-\${String(m).padStart(3, "0")}\`;
    new ImageMember(\`m-\${i}-\${m}\`, { imageId, memberId });
  }
});

exports.members = imageIds.length * membersPerImage;
`;
  fs.writeFileSync(path.join(dir, "index.js"), js);
  const yaml = fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8");
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    javaScript
      ? yaml
          .replace("typescript: true", "typescript: false")
          .replace("main: index.ts", "main: index.js")
      : yaml
          .replace("typescript: false", "typescript: true")
          .replace("main: index.js", "main: index.ts"),
  );
}

/** `up` and `destroy` with extra CLI arguments (the harness's own `up` takes none). */
async function measureWithArgs(
  c: EngineContender,
  extra: string[],
  n: number,
): Promise<{
  bytesPerMember?: number;
  stackTraceFrames?: number;
  up: number;
  destroy: number;
  programCpu?: number;
  providerCpu?: number;
  engineCpu?: number;
}> {
  if (extra.length === 0) {
    const up = await c.measure("up");
    const state = await c.state(n);
    const destroy = await c.measure("destroy");
    return {
      bytesPerMember: state.bytesPerMember,
      stackTraceFrames: state.stackTraceFrames,
      up: up.seconds,
      destroy: destroy.seconds,
      programCpu: up.programCpuSeconds,
      providerCpu: up.providerCpuSeconds,
      engineCpu: up.engineCpuSeconds,
    };
  }
  const stack = ["--stack", c.project.stack, "--config-file", c.project.configFile];
  const t0 = Date.now();
  await c.project.run(["up", "--yes", "--skip-preview", ...extra, ...stack]);
  const up = round((Date.now() - t0) / 1000);
  const t1 = Date.now();
  await c.project.run(["destroy", "--yes", "--skip-preview", ...extra, ...stack]);
  return { up, destroy: round((Date.now() - t1) / 1000) };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
