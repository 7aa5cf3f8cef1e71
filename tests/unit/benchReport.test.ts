/**
 * The benchmark's bookkeeping that needs no cloud: the README drawn from a summary, the
 * stack-trace-free size of a state resource, the YAML program of the `yaml` contender,
 * OpenTofu's summary lines and the targets of issues 22 and 30.
 */
import * as yaml from "js-yaml";
import {
  OpSample,
  ScenarioResult,
  StateFigures,
  printedBytes,
  withoutStackTrace,
} from "../../bench/measure";
import { yamlProgram } from "../../bench/contenders";
import { Report, Summary, readme, smokeLine } from "../../bench/report";
import { evaluateTargets, ourShare } from "../../bench/targets";
import { tofuChangesOf } from "../../bench/tofuContender";

const machine = {
  nproc: 2,
  cpuModel: "test",
  memoryGiB: 1,
  kernel: "k",
  os: "o",
  node: "v24",
  pulumiCli: "v3.274.1",
  pulumiNodejsSdk: "3.276.0",
  engineParallelism: 8,
  openstackClient: "-",
  go: "-",
  glance: "-",
  keystone: "-",
  loadAverageAtStart: [1, 1, 1],
  loadAverageAtEnd: [2, 2, 2],
} as unknown as Summary["machine"];

const median = (v: number) => ({ median: v, min: v, max: v, n: 1 });

function summary(
  command: string,
  contenders: Record<string, number>,
  labels: string[],
  finishedAt: string,
): Summary {
  return {
    kind: "pim-bench-summary",
    command,
    startedAt: finishedAt,
    finishedAt,
    options: {
      sizes: [10],
      images: [],
      contenders: Object.keys(contenders) as Summary["options"]["contenders"],
      repeats: 1,
      scaleContenders: Object.keys(contenders) as Summary["options"]["contenders"],
      scaleRepeats: 1,
    },
    machine,
    bridged: { available: false, reason: "not selected" },
    glance: `glance of ${command}`,
    results: labels.map((label) => ({
      label,
      images: 1,
      perImage: Number(/^N=(\d+)$/.exec(label)?.[1] ?? 10),
      total: Number(/^N=(\d+)$/.exec(label)?.[1] ?? 10),
      contenders: Object.fromEntries(
        Object.entries(contenders).map(([c, up]) => [
          c,
          { medians: { up: median(up) }, firstRequests: {} },
        ]),
      ),
    })),
    targets: [
      { id: "requests", target: "r", met: command === "full" ? true : null, measured: command },
      { id: "state-package", target: "s", met: false, measured: command },
      {
        id: "faster-than-bridged-package",
        target: "f",
        met: command === "full" ? true : null,
        measured: command === "full" ? "2 s vs 3 s" : "not measured",
      },
    ],
    harnessProblems: [],
  };
}

describe("the headline at N = 100", () => {
  const full = summary(
    "full",
    { ours: 4, floor: 0.5, bridged: 5, tofu: 2 },
    ["N=100"],
    "2026-11-27",
  );

  test("compares with OpenTofu, the bridged provider and the floor", () => {
    const line = readme(full)
      .split("\n")
      .find((l) => l.startsWith("- N = 100 members, `pulumi up`, provider from the repository"));
    expect(line).toBe(
      "- N = 100 members, `pulumi up`, provider from the repository: 4.00 s; 2.00× slower than " +
        "OpenTofu (2.00 s); 1.3× faster than the bridged " +
        "provider (5.00 s); 8.0× the floor (0.50 s).",
    );
  });
});

describe("state figures", () => {
  const resource = {
    urn: "urn:pulumi:s::p::imagemembers:index:ImageMember::m",
    type: "imagemembers:index:ImageMember",
    inputs: { imageId: "i", memberId: "m" },
    sourcePosition: "project:///index.ts#12,5",
    stackTrace: { frames: [{ sourcePosition: "project:///index.ts#12,5" }, { pc: "<anonymous>" }] },
  };

  test("printedBytes counts JSON as stack export prints it, indented by 4 spaces", () => {
    expect(printedBytes({ a: ["é"] })).toBe(
      Buffer.byteLength('{\n    "a": [\n        "é"\n    ]\n}'),
    );
  });

  test("withoutStackTrace drops what the engine records of the program's stack, and nothing else", () => {
    expect(withoutStackTrace(resource)).toEqual({
      urn: resource.urn,
      type: resource.type,
      inputs: resource.inputs,
    });
    expect(resource.stackTrace.frames).toHaveLength(2); // the original is left alone
  });
});

describe("the yaml contender's program", () => {
  test("lists one ImageMember of the plugin per image and member, the plugin found in the repository's bin/", () => {
    const doc = yaml.load(yamlProgram(["img-a", "img-b"], 3)) as {
      runtime: string;
      plugins: { providers: { name: string; path: string }[] };
      resources: Record<string, { type: string; properties: Record<string, string> }>;
    };
    expect(doc.runtime).toBe("yaml");
    expect(doc.plugins.providers[0]?.name).toBe("imagemembers");
    expect(doc.plugins.providers[0]?.path).toMatch(/\/bin$/);
    expect(Object.keys(doc.resources)).toHaveLength(6);
    expect(doc.resources["m-1-2"]).toEqual({
      type: "imagemembers:index:ImageMember",
      properties: { imageId: "img-b", memberId: "bec40000000000000000000000000002" },
    });
  });

  test("membersYaml: one ImageMembers per image holding all its member ids", () => {
    const doc = yaml.load(yamlProgram(["img-a", "img-b"], 3, true)) as {
      resources: Record<string, { type: string; properties: Record<string, unknown> }>;
    };
    expect(Object.keys(doc.resources)).toEqual(["i-0", "i-1"]);
    expect(doc.resources["i-1"]).toEqual({
      type: "imagemembers:index:ImageMembers",
      properties: {
        imageId: "img-b",
        memberIds: [0, 1, 2].map((m) => `bec4${"0".repeat(25)}00${m}`),
      },
    });
  });

  test("with no member yet it declares no resource (the stack can be created before a scenario)", () => {
    expect((yaml.load(yamlProgram([], 0)) as Record<string, unknown>).resources).toBeUndefined();
  });
});

test("OpenTofu's summary lines in the Pulumi engine's words, as the harness checks them", () => {
  expect(
    tofuChangesOf(
      "Plan: 10 to add, 0 to change, 0 to destroy.\n...\nApply complete! Resources: 10 added, 0 changed, 0 destroyed.\n",
    ),
  ).toEqual({
    "to create": 10,
    "to update": 0,
    "to delete": 0,
    created: 10,
    updated: 0,
    deleted: 0,
  });
  expect(tofuChangesOf("Destroy complete! Resources: 10 destroyed.\n")).toEqual({ deleted: 10 });
  expect(tofuChangesOf("No changes. Your infrastructure matches the configuration.\n")).toEqual({});
});

describe("issue 22's targets, on medians", () => {
  const labels = ["N=10", "N=100", "N=200"];
  /** A run's results: one sample of `up` per contender and scenario, its median the same. */
  const run = (ups: Record<string, number>): ScenarioResult[] =>
    summary("run", ups, labels, "2026-12-02").results.map((r) => ({
      ...r,
      contenders: Object.fromEntries(
        Object.entries(r.contenders).map(([c, s]) => [
          c,
          { ...s, samples: { up: [{ seconds: s!.medians.up!.median } as OpSample] } },
        ]),
      ),
    }));
  const find = (results: ScenarioResult[], id: string) =>
    evaluateTargets(results, ["package", "plugin", "members", "tofu", "bridged"]).find(
      (t) => t.id === id,
    );
  const full = { package: 2, plugin: 2, members: 1, tofu: 3, bridged: 4 };

  test("evaluated on the run's medians, every size compared", () => {
    const results = run({ ...full, package: 3.5 });
    const tofu = find(results, "speed-tofu-package")!;
    expect(tofu.met).toBe(false); // 3.5 s against 3 s
    expect(tofu.measured).toContain("N=100: 3.50 s vs 3.00 s, 1.17× slower");
    expect(find(results, "speed-bridged-package")!.met).toBe(true); // 3.5 s against 4 s
    expect(find(run({ package: 2, tofu: 3 }), "speed-bridged-package")!.met).toBe(null);
  });

  test("ImageMembers' lead: met only at 1.9× every peer, unevaluated without them", () => {
    const lead = (members: number) => find(run({ ...full, members }), "members-lead")!;
    expect(lead(1.5).met).toBe(true); // tofu 3 / 1.5 = 2.0, bridged 2.7
    expect(lead(1.7).met).toBe(false); // tofu 3 / 1.7 = 1.76
    expect(find(run({ members: 1 }), "members-lead")!.met).toBe(null);
  });
});

describe("issue 30: our share, a row less Pulumi's floor of its kind and the API floor", () => {
  const floors = { emptyTs: 1.7, emptyYaml: 1.2, noopDynamic: 2.7, floor: 2 };
  const scenario = (ups: Record<string, number>, base: Record<string, number> = floors) =>
    summary("run", { ...base, ...ups }, ["N=10"], "2026-12-06");
  const target = (ups: Record<string, number>, base: Record<string, number> = floors) =>
    evaluateTargets(scenario(ups, base).results as unknown as ScenarioResult[], [
      "members",
      "emptyTs",
      "floor",
    ]).find((t) => t.id === "our-share-members")!;

  test("each kind of row less its own floor: empty TypeScript, empty YAML, no-op dynamic resources", () => {
    const s = scenario({ members: 4.2, yaml: 3.6, membersYaml: 3.5, ours: 5.1 }).results[0];
    const members = ourShare(s, "members", "up")!;
    expect(members.ours).toBeCloseTo(0.5); // 4.2 − 1.7 − 2
    expect(members.part).toBeCloseTo(0.5 / 4.2);
    expect(ourShare(s, "yaml", "up")!.ours).toBeCloseTo(0.4); // 3.6 − 1.2 − 2
    expect(ourShare(s, "membersYaml", "up")!.ours).toBeCloseTo(0.3); // 3.5 − 1.2 − 2
    expect(ourShare(s, "ours", "up")!.ours).toBeCloseTo(0.4); // 5.1 − 2.7 − 2
    expect(ourShare(s, "members", "destroy")).toBeUndefined(); // not measured
    expect(ourShare(s, "tofu", "up")).toBeUndefined(); // no Pulumi floor
  });

  test("the ImageMembers target: met at 15 %, not met with the figure, not evaluated without the floors", () => {
    expect(target({ members: 4.2 }).met).toBe(true); // 12 %
    const over = target({ members: 5 });
    expect(over.met).toBe(false); // 1.3 s of 5 s, 26 %
    expect(over.measured).toBe("N=10: members up 1.30 s (26 %) of 5.00 s");
    expect(target({ members: 4.2 }, { floor: 2 }).met).toBe(null); // no empty TypeScript program
  });

  test("the README splits every row three ways: Pulumi's floor, the API's and ours", () => {
    expect(readme(scenario({ members: 4.2 }))).toMatch(
      /\| N=10 +\| members +\| 1\.70 \+ 2\.00 \+ 0\.50 \(12 %\) +\| – /,
    );
  });
});

describe("issue 30's targets against OpenTofu and Pulumi's floors", () => {
  const labels = ["N=50", "N=100", "N=200", "5x100", "10x100"];
  /** [up seconds, client CPU seconds] per contender, the same in every scenario. */
  type Figures = Record<string, [number, number]>;
  const run = (figures: Figures, bytesPerMember = 1500): ScenarioResult[] =>
    labels.map((label) => {
      const [images, perImage] = /^N=/.test(label)
        ? [1, Number(label.slice(2))]
        : label.split("x").map(Number);
      const contenders = Object.entries(figures).map(([c, [up, cpu]]) => {
        const sample = { seconds: up, engineCpuSeconds: cpu / 2, providerCpuSeconds: cpu / 2 };
        const state = c === "package" ? { state: { bytesPerMember } as StateFigures } : {};
        const result = { samples: { up: [sample as OpSample] }, medians: { up: median(up) } };
        return [c, { ...result, ...state }];
      });
      return {
        label,
        images,
        perImage,
        total: images * perImage,
        contenders: Object.fromEntries(contenders),
      };
    });
  const good: Figures = {
    membersYaml: [2, 1],
    members: [2.5, 1.2],
    package: [4, 3],
    tofu: [3, 1.5],
    emptyTs: [1.5, 1],
    floor: [0.8, 0],
  };
  const met = (id: string, figures: Figures, bytesPerMember?: number) =>
    evaluateTargets(run(figures, bytesPerMember), ["members", "tofu"]).find((t) => t.id === id)!
      .met;

  test("ImageMembers from YAML and from TypeScript: faster than OpenTofu in wall time and CPU", () => {
    expect(met("beats-tofu-membersYaml", good)).toBe(true);
    expect(met("beats-tofu-membersYaml", { ...good, membersYaml: [2, 1.6] })).toBe(false); // CPU
    expect(met("beats-tofu-members", good)).toBe(true);
    expect(met("beats-tofu-members", { ...good, members: [3.1, 1] })).toBe(false); // wall
    const withoutTofu = Object.fromEntries(Object.entries(good).filter(([c]) => c !== "tofu"));
    expect(met("beats-tofu-members", withoutTofu)).toBe(null);
  });

  test("ImageMembers from TypeScript within 1.1 × (the empty TypeScript program + the API floor)", () => {
    expect(met("members-within-floors", good)).toBe(true); // 2.5 ≤ 1.1 × 2.3 = 2.53
    expect(met("members-within-floors", { ...good, members: [2.6, 1] })).toBe(false);
  });

  test("ImageMember per member at 5x100 and 10x100: at most 1.4× OpenTofu's apply", () => {
    expect(met("scale-tofu-package", good)).toBe(true); // 4 ≤ 4.2
    expect(met("scale-tofu-package", { ...good, package: [4.3, 3] })).toBe(false);
  });

  test("one ImageMember per member: at most 1638 B per member in stack export", () => {
    expect(met("state-package-issue30", good, 1638)).toBe(true);
    expect(met("state-package-issue30", good, 1639)).toBe(false);
  });
});

test("the smoke line CI prints: ours, the floor, the plugin and OpenTofu, in the columns it always had", () => {
  const sample = (seconds: number, glanceTotal: number, peak?: number): OpSample => ({
    seconds,
    glanceTotal,
    glance: {},
    keystoneTotal: 2,
    keystoneAuths: 1,
    keystone: {},
    providerProcesses: 1,
    providerPeakRssMb: peak,
  });
  const opsOf = (base: number, glance: number[]) => ({
    up: [sample(base, glance[0], 101.5)],
    noop: [sample(base / 2, glance[1])],
    preview: [sample(base / 3, glance[2])],
    refresh: [sample(base / 4, glance[3])],
    destroy: [sample(base / 5, glance[4])],
  });
  const state = {
    bytesPerMember: 2603.4,
    bytesPerMemberWithoutStackTraces: 1200.5,
    providerBytes: 283,
    memberResourceBytes: 1920.3,
    memberResourceBytesWithoutStackTrace: 1145.3,
  } as StateFigures;
  const report = {
    results: [
      {
        label: "N=10",
        images: 1,
        perImage: 10,
        total: 10,
        contenders: {
          ours: { samples: opsOf(12.345, [10, 0, 0, 10, 10]), medians: {}, state },
          floor: { samples: { up: [sample(0.25, 10)] }, medians: {} },
          plugin: { samples: opsOf(4.5, [10, 0, 0, 10, 10]), medians: {}, state },
          tofu: {
            samples: opsOf(2.2, [10, 10, 10, 10, 10]),
            medians: {},
            state: { ...state, bytesPerMember: 387.2 },
          },
        },
      },
    ],
    harnessProblems: [],
  } as unknown as Report;
  expect(smokeLine(report)).toBe(
    "bench smoke N=10: up 12.3 s noop 6.17 s preview 4.12 s refresh 3.09 s destroy 2.47 s (floor up 0.25 s); " +
      "Glance up/noop/preview/destroy 10/0/0/10; " +
      "Keystone auths up 1; " +
      "state 2603.4 B/member (1200.5 B without stack traces; " +
      "__provider 283 B); " +
      "provider peak 101.5 MB; " +
      "plugin: up 4.50 s, noop 2.25 s, preview 1.50 s, refresh 1.13 s, destroy 0.90 s; " +
      "Glance up/noop/preview/destroy 10/0/0/10; " +
      "state 2603.4 B/member (1200.5 B without stack traces), one ImageMember 1920.3 B (1145.3 B without its stack trace); " +
      "tofu: up 2.20 s, noop 1.10 s, preview 0.73 s, refresh 0.55 s, destroy 0.44 s; " +
      "Glance 10/10/10/10/10; " +
      "state 387.2 B/member; " +
      "harness OK",
  );
  report.harnessProblems.push("N=10 tofu up: no provider process was seen");
  expect(smokeLine(report)).toMatch(
    /; HARNESS BROKEN: N=10 tofu up: no provider process was seen$/,
  );
});
