/**
 * The settings a user can choose, measured for every contender alike (issue 22): each
 * setting alone, `up` then `destroy` of N members, in turn, `repeats` times, with the CPU of
 * each process and the state's size. Run by `bench/profile.ts --settings`.
 */
import * as fs from "fs";
import * as path from "path";
import { Cloud } from "./cloud";
import { makeContenders } from "./contenders";
import { EngineContender, StatefulContender } from "./engine";
import { log, round, stats } from "./measure";
import { ContenderName } from "./options";
import { TofuContender } from "./tofu";

export interface SettingRow {
  contender: ContenderName;
  setting: string;
  repeat: number;
  up: number;
  destroy: number;
  programCpu?: number;
  providerCpu?: number;
  engineCpu?: number;
  bytesPerMember: number;
  stackTraceFrames?: number;
}

interface Setting {
  label: string;
  env?: Record<string, string>;
  args?: string[];
  /** Rewrites the program before (true) and back after (false). */
  program?: (dir: string, on: boolean) => void;
}

/** The Pulumi contenders' settings; `typeScript` for those whose program is TypeScript. */
function pulumiSettings(c: ContenderName): Setting[] {
  const typeScript = c !== "yaml";
  return [
    { label: "default" },
    { label: "PULUMI_SKIP_CHECKPOINTS=true", env: { PULUMI_SKIP_CHECKPOINTS: "true" } },
    { label: "--parallel 2", args: ["--parallel", "2"] },
    { label: "--parallel 64", args: ["--parallel", "64"] },
    ...(typeScript
      ? [
          // The harness runs every program transpile-only; Pulumi's own default type-checks it.
          {
            label: "PULUMI_NODEJS_TRANSPILE_ONLY=false",
            env: { PULUMI_NODEJS_TRANSPILE_ONLY: "false" },
          },
        ]
      : []),
    ...(c === "package"
      ? [{ label: "typescript: false, index.js", program: javaScriptProgram }]
      : []),
  ];
}

const tofuSettings: Setting[] = [
  { label: "default (-parallelism=10)" },
  { label: "-parallelism=2", args: ["-parallelism=2"] },
  { label: "-parallelism=64", args: ["-parallelism=64"] },
];

export async function measureSettings(
  names: ContenderName[],
  cloud: Cloud,
  n: number,
  repeats: number,
  tempDirs: string[],
): Promise<SettingRow[]> {
  const { contenders } = makeContenders(names, cloud, tempDirs);
  const rows: SettingRow[] = [];
  for (const name of names) {
    const c = contenders[name];
    if (!c) continue;
    await c.init();
    await c.configure([await cloud.driver.createImage()], n);
    const settings = c instanceof TofuContender ? tofuSettings : pulumiSettings(name);
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const setting of settings) {
        const row = await measureOne(c, setting, n);
        rows.push({ contender: name, setting: setting.label, repeat, ...row });
        log(`${name} ${setting.label}: ${JSON.stringify(row)}`);
      }
    }
  }
  return rows;
}

async function measureOne(
  c: StatefulContender,
  setting: Setting,
  n: number,
): Promise<Omit<SettingRow, "contender" | "setting" | "repeat">> {
  const engine = c instanceof EngineContender ? c : undefined;
  const env = engine?.project.env;
  if (env) Object.assign(env, setting.env ?? {});
  c.operationArgs = setting.args ?? [];
  if (engine && setting.program) setting.program(engine.project.projectDir, true);
  try {
    const up = await c.measure("up");
    const state = await c.state(n);
    const destroy = await c.measure("destroy");
    return {
      up: up.seconds,
      destroy: destroy.seconds,
      programCpu: up.programCpuSeconds,
      providerCpu: up.providerCpuSeconds,
      engineCpu: up.engineCpuSeconds,
      bytesPerMember: state.bytesPerMember,
      stackTraceFrames: state.stackTraceFrames,
    };
  } finally {
    for (const key of Object.keys(setting.env ?? {})) delete env?.[key];
    c.operationArgs = [];
    if (engine && setting.program) setting.program(engine.project.projectDir, false);
  }
}

/** Medians per contender and setting, as the Markdown table docs/benchmarks/profile.md shows. */
export function settingsTable(rows: SettingRow[], n: number, repeats: number): string {
  const groups = new Map<string, SettingRow[]>();
  for (const r of rows) {
    const key = `${r.contender}\u0000${r.setting}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const median = (xs: (number | undefined)[]) => {
    const known = xs.filter((x): x is number => typeof x === "number");
    return known.length === 0 ? "–" : String(round(stats(known).median, 2));
  };
  const lines = [
    `N = ${n}, medians of ${repeats} (up then destroy per setting, in turn). CPU in seconds of \`up\`.`,
    "",
    "| contender | setting | up (s) | destroy (s) | program CPU | provider CPU | engine CPU | state B/member |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const group of groups.values()) {
    const [first] = group;
    lines.push(
      `| ${first.contender} | ${first.setting} | ${median(group.map((r) => r.up))} | ` +
        `${median(group.map((r) => r.destroy))} | ${median(group.map((r) => r.programCpu))} | ` +
        `${median(group.map((r) => r.providerCpu))} | ${median(group.map((r) => r.engineCpu))} | ` +
        `${median(group.map((r) => r.bytesPerMember))} |`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * The package's bench program as JavaScript (`index.js`, CommonJS) with `typescript: false`:
 * the language host then registers no ts-node, hence no source maps.
 */
function javaScriptProgram(dir: string, on: boolean): void {
  const js = `const pulumi = require("@pulumi/pulumi");
const { ImageMember } = require("pulumi-image-members");

const config = new pulumi.Config();
const imageIds = config.requireObject("imageIds");
const membersPerImage = config.requireNumber("membersPerImage");

imageIds.forEach((imageId, i) => {
  for (let m = 0; m < membersPerImage; m++) {
    const memberId = \`bec4${"0".repeat(25)}\${String(m).padStart(3, "0")}\`;
    new ImageMember(\`m-\${i}-\${m}\`, { imageId, memberId });
  }
});

exports.members = imageIds.length * membersPerImage;
`;
  fs.writeFileSync(path.join(dir, "index.js"), js);
  const yaml = fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8");
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    on
      ? yaml
          .replace("typescript: true", "typescript: false")
          .replace("main: index.ts", "main: index.js")
      : yaml
          .replace("typescript: false", "typescript: true")
          .replace("main: index.js", "main: index.ts"),
  );
}
