/**
 * The benchmark's bookkeeping that needs no cloud: a smaller run merged into a summary
 * (--merge-into), the stack-trace-free size of a state resource, the YAML program of the
 * `yaml` contender, and the README rows drawn from both.
 */
import * as yaml from "js-yaml";
import { printedBytes, withoutStackTrace } from "../../bench/measure";
import { yamlProgram } from "../../bench/plugin";
import { tofuChangesOf } from "../../bench/tofu";
import { readme } from "../../bench/readme";
import { Summary, mergeSummaries } from "../../bench/summary";

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
      images: undefined,
      contenders: Object.keys(contenders) as Summary["options"]["contenders"],
      repeats: 1,
      cliSample: 10,
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

describe("mergeSummaries (--merge-into)", () => {
  const full = summary(
    "full",
    { ours: 3, package: 2, floor: 0.2 },
    ["N=10", "N=100"],
    "2026-11-27",
  );
  const later = summary("later", { package: 2.5, plugin: 1.5 }, ["N=10"], "2026-12-02");
  const merged = mergeSummaries(full, later);

  test("the later run's contenders replace theirs in every scenario; the others keep the full run's", () => {
    const n10 = merged.results.find((r) => r.label === "N=10")!;
    expect(n10.contenders.ours?.medians.up?.median).toBe(3);
    expect(n10.contenders.floor?.medians.up?.median).toBe(0.2);
    expect(n10.contenders.package?.medians.up?.median).toBe(2.5);
    expect(n10.contenders.plugin?.medians.up?.median).toBe(1.5);
    // A scenario the later run did not measure loses the replaced contender's old figures.
    const n100 = merged.results.find((r) => r.label === "N=100")!;
    expect(n100.contenders.package).toBeUndefined();
    expect(n100.contenders.ours?.medians.up?.median).toBe(3);
  });

  test("targets the later run evaluated replace theirs; one it could not evaluate that compares a replaced contender says so", () => {
    expect(merged.targets.find((t) => t.id === "requests")?.measured).toBe("full");
    expect(merged.targets.find((t) => t.id === "state-package")?.measured).toBe("later");
    expect(merged.targets.find((t) => t.id === "faster-than-bridged-package")).toEqual({
      id: "faster-than-bridged-package",
      target: "f",
      met: null,
      measured:
        "not evaluated again: the figures of package now come from the run of 2026-12-02, which " +
        "did not measure everything this compares (the run of 2026-11-27 measured: 2 s vs 3 s)",
    });
    expect(readme(merged)).toContain(
      "- not evaluated again: f. The figures of package now come from the run of 2026-12-02",
    );
  });

  test("the merged run is recorded with its contenders, and a later merge of the same contender takes it over", () => {
    expect(merged.merged).toEqual([
      expect.objectContaining({ command: "later", contenders: ["package", "plugin"] }),
    ]);
    const again = mergeSummaries(merged, summary("again", { plugin: 1.4 }, ["N=10"], "2026-12-03"));
    expect(again.merged?.map((m) => [m.command, m.contenders])).toEqual([
      ["later", ["package"]],
      ["again", ["plugin"]],
    ]);
    // Staled twice, it still quotes what the full run measured, once.
    const twice = mergeSummaries(
      again,
      summary("third", { package: 2.4 }, ["N=10"], "2026-12-04"),
    ).targets.find((t) => t.id === "faster-than-bridged-package");
    expect(twice?.measured).toMatch(/from the run of 2026-12-04, .*measured: 2 s vs 3 s\)$/);
    expect(twice?.measured.match(/not evaluated again/g)).toHaveLength(1);
  });

  test("the README names the rows of the merged run and where they come from", () => {
    const text = readme(merged);
    expect(text).toContain(
      "except the rows of package, plugin: measured 2026-12-02 by a smaller run, `later` (1 repeat), merged in",
    );
    expect(text).toMatch(/## Merged runs\n\n[^\n]+\n\n- package, plugin: `later`/);
    expect(text).toMatch(/\| N=10 +\| plugin +\| 1\.50 /);
  });
});

describe("the headline at N = 100", () => {
  const full = summary(
    "full",
    { ours: 4, floor: 0.5, bridged: 5, tofu: 2 },
    ["N=100"],
    "2026-11-27",
  );

  test("compares with OpenTofu measured in the same run, and marks the bridged figures as from another machine", () => {
    const line = readme(full)
      .split("\n")
      .find((l) => l.startsWith("- N = 100 members, `pulumi up`, provider from the repository"));
    expect(line).toBe(
      "- N = 100 members, `pulumi up`, provider from the repository: 4.00 s; 2.00× slower than " +
        "OpenTofu (2.00 s; the same run); the CLI loop: not measured; 1.3× faster than the bridged " +
        "provider (5.00 s; plugin built on another machine, the same run); 8.0× the floor (0.50 s).",
    );
    expect(readme(full)).toContain(
      "- N = 100 members, OpenTofu with terraform-provider-openstack (`openstack_images_image_access_v2`, " +
        "`count`): `tofu apply` 2.00 s",
    );
  });

  test("names the run OpenTofu's figures come from when a later run replaced them", () => {
    const merged = mergeSummaries(full, summary("later", { tofu: 1.8 }, ["N=100"], "2026-12-02"));
    expect(readme(merged)).toContain("than OpenTofu (1.80 s; measured 2026-12-02)");
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
  const full = summary(
    "full",
    { package: 2, plugin: 2, members: 1, tofu: 3, bridged: 4 },
    labels,
    "2026-11-27",
  );
  const find = (s: Summary, id: string) => s.targets.find((t) => t.id === id);

  test("evaluated again after a merge, naming the run of each figure compared", () => {
    const later = summary("later", { package: 3.5, tofu: 3 }, labels, "2026-12-02");
    const merged = mergeSummaries(full, later);
    const tofu = find(merged, "speed-tofu-package")!;
    expect(tofu.met).toBe(false); // 3.5 s against 3 s
    expect(tofu.measured).toContain("N=100: 3.50 s vs 3.00 s, 1.17× slower");
    expect(tofu.measured).not.toContain("[runs:"); // both from the later run
    const bridged = find(merged, "speed-bridged-package")!;
    expect(bridged.met).toBe(true); // 3.5 s against 4 s
    expect(bridged.measured).toContain("[runs: package 2026-12-02, bridged 2026-11-27]");
  });

  test("ImageMembers' lead: met only at 1.9× every peer, unevaluated without them", () => {
    const lead = (ups: Record<string, number>) =>
      find(mergeSummaries(full, summary("later", ups, labels, "2026-12-02")), "members-lead")!;
    expect(lead({ members: 1.5 }).met).toBe(true); // tofu 3 / 1.5 = 2.0, bridged 2.7
    expect(lead({ members: 1.7 }).met).toBe(false); // tofu 3 / 1.7 = 1.76
    const alone = summary("alone", { members: 1 }, labels, "2026-12-02");
    expect(mergeSummaries(alone, alone).targets.find((t) => t.id === "members-lead")!.met).toBe(
      null,
    );
  });
});
