/**
 * The targets of issues 7, 14, 22 and 30, evaluated on a run's results (every sample, their
 * medians, the state figures). The one place a target is defined; bench/report.ts shows them.
 */
import {
  ContenderName,
  OpName,
  OpSample,
  ScenarioResult,
  Stats,
  describe,
  ops,
  upCpuOf,
} from "./measure";

export interface Target {
  id: string;
  target: string;
  met: boolean | null;
  measured: string;
}

/** The contenders the targets of issue 7 are about (the dynamic provider, three ways). */
export const providerContenders: ContenderName[] = ["ours", "package", "members"];
/** Issue 14's target for the state of one plugin ImageMember. */
const pluginStateTargetBytes = 1536;

/** A scenario of a run's results or of its summary: what the medians are read from. */
type Medians =
  | { contenders: Partial<Record<ContenderName, { medians: Partial<Record<OpName, Stats>> }>> }
  | undefined;

/** A scenario's median seconds of an operation, from a run's results or from its summary. */
export function med(s: Medians, c: ContenderName, op: OpName): number | undefined {
  return s?.contenders[c]?.medians[op]?.median;
}

/**
 * Pulumi's own floor for each contender our share is taken of (issue 30): the empty program of
 * its language, or as many no-op dynamic resources for one dynamic resource per member. The
 * ImageMembers rows' floor is the empty program: one dynamic provider's start stays in our share.
 */
export const pulumiFloorOf: Partial<Record<ContenderName, ContenderName>> = {
  members: "emptyTs",
  yaml: "emptyYaml",
  membersYaml: "emptyYaml",
  ours: "noopDynamic",
  package: "noopDynamic",
  plugin: "emptyTs",
};
/** The operations the target takes our share of. */
const shareOps: OpName[] = ["up", "destroy"];

/** A median as Pulumi's floor + the API's (the direct floor) + ours (seconds, part of the total). */
export type Share = Record<"total" | "pulumi" | "api" | "ours" | "part", number>;

export function ourShare(s: Medians, c: ContenderName, op: OpName): Share | undefined {
  const floor = pulumiFloorOf[c];
  const [total, pulumi, api] = [med(s, c, op), floor && med(s, floor, op), med(s, "floor", op)];
  if (total === undefined || pulumi === undefined || api === undefined) return undefined;
  const ours = total - pulumi - api;
  return { total, pulumi, api, ours, part: total > 0 ? ours / total : 0 };
}

/** "0.42 s (10 %)": our share, in seconds and as part of the row. */
export const shareText = (x: Share): string =>
  `${x.ours.toFixed(2)} s (${Math.round(100 * x.part)} %)`;

/** "3.2× faster" or "1.2× slower": how `ours` seconds compare with `theirs`. */
export function ratioText(ours: number, theirs: number): string {
  return ours <= theirs
    ? `${(theirs / ours).toFixed(1)}× faster`
    : `${(ours / theirs).toFixed(2)}× slower`;
}

const ms = (seconds: number) => (seconds * 1000).toFixed(1);
const s2 = (seconds: number) => seconds.toFixed(2);
const peerName = (c: ContenderName) =>
  ({ tofu: "OpenTofu (tofu apply)" })[c as string] ??
  "the bridged provider (@pulumi/openstack ImageAccess)";
const sizes = (...n: number[]) => n.map((x) => `N=${x}`);
const defined = <T>(x: (T | undefined)[]): x is T[] => !x.includes(undefined);

/** A figure of `up` of a contender in a scenario, named: median seconds, or CPU seconds. */
type Figure = [string, (s: ScenarioResult, c: ContenderName) => number | undefined];
const cpuOf = (s: ScenarioResult, c: ContenderName) => s.contenders[c] && upCpuOf(s.contenders[c]!);
const up = (s: ScenarioResult, c: ContenderName) => med(s, c, "up");
const wall: Figure = ["wall time", up];
const program: Figure = ["program CPU", (s, c) => cpuOf(s, c)?.program];
const client: Figure = [
  "client CPU (engine + program + provider)",
  (s, c) => {
    const u = cpuOf(s, c);
    const known = u?.engine !== undefined && u.provider !== undefined; // OpenTofu has no program
    return known ? u.engine! + u.provider! + (u.program ?? 0) : undefined;
  },
];

/**
 * Targets comparing a contender's figures with another's: id, the two, the scenarios compared
 * (all needed), at most this many times the other's figure ("<": less), the figures, the issue.
 */
type Comparison = [string, ContenderName, ContenderName, string[], number | "<", Figure[], number];
const issue22: ContenderName[] = ["package", "plugin"];
const peers: ContenderName[] = ["tofu", "bridged"];
const atScale = ["5x100", "10x100"];
const comparisons: Comparison[] = [
  ...providerContenders.map((c): Comparison => [
    `faster-than-bridged-${c}`,
    c,
    "bridged",
    sizes(100),
    "<",
    [wall],
    7,
  ]),
  ...issue22.flatMap((c): Comparison[] => [
    ...peers.map((p): Comparison => [`speed-${p}-${c}`, c, p, sizes(10, 100, 200), 1, [wall], 22]),
    [`program-cpu-bridged-${c}`, c, "bridged", sizes(100), 1, [program], 22],
    [`cpu-tofu-${c}`, c, "tofu", sizes(100), 1.5, [client], 22],
  ]),
  [
    "beats-tofu-membersYaml",
    "membersYaml",
    "tofu",
    [...sizes(50, 100, 200), ...atScale],
    "<",
    [wall, client],
    30,
  ],
  ["beats-tofu-members", "members", "tofu", [...sizes(200), ...atScale], "<", [wall, client], 30],
  ["scale-tofu-package", "package", "tofu", atScale, 1.4, [wall], 30],
];

/** A scenario's verdict and figures, or undefined where it did not measure what is compared. */
type Check = (s: ScenarioResult) => [boolean, string] | undefined;

/** Every target, on the results of a run that measured `selected`. */
export function evaluateTargets(results: ScenarioResult[], selected: ContenderName[]): Target[] {
  const targets: Target[] = [];
  const add = (id: string, target: string, met: boolean | null, measured: string) =>
    targets.push({ id, target, met, measured });
  const byLabel = (label: string) => results.find((r) => r.label === label);
  /**
   * A target checked scenario by scenario: in those of `labels`, all needed (else not
   * evaluated), or in every scenario that measured what it compares (at least one).
   */
  const perScenario = (
    [id, target, labels]: [string, string, string[] | undefined],
    check: Check,
    unmeasured = "not measured",
    after = "",
  ) => {
    const known = (labels?.map(byLabel) ?? results).flatMap((s) => {
      const x = s && check(s);
      return x ? [[s.label, ...x] as const] : [];
    });
    const complete = known.length > 0 && known.length === (labels ?? known).length;
    const text = known.map(([label, , figures]) => `${label}: ${figures}`).join("; ");
    add(
      id,
      target,
      complete ? known.every(([, ok]) => ok) : null,
      text ? text + after : unmeasured,
    );
  };

  // Issue 7: marginal cost per member at N=200 vs N=100, against the floor's per-member cost.
  for (const c of providerContenders) {
    const target = `pulumi up, ${describe(c)}: (t(200) − t(100)) / 100 ≤ 1.5 × the floor's per-member cost`;
    const marginal = (s200: ScenarioResult, who: ContenderName) => {
      const [t100, t200] = [byLabel("N=100"), s200].map((s) => s && up(s, who));
      return t100 === undefined || t200 === undefined ? undefined : (t200 - t100) / 100;
    };
    const check: Check = (s) => {
      const [ours, floor, f200] = [marginal(s, c), marginal(s, "floor"), up(s, "floor")];
      if (ours === undefined || floor === undefined || f200 === undefined) return undefined;
      const bridged = marginal(s, "bridged");
      const also = bridged === undefined ? "" : `; the bridged provider's ${ms(bridged)} ms`;
      const text = `${ms(ours)} ms/member marginal vs the floor's ${ms(f200 / 200)} ms/member (t(200)/200; its own marginal ${ms(floor)} ms) → ${(ours / (f200 / 200)).toFixed(1)}×${also}`;
      return [ours / (f200 / 200) <= 1.5, text];
    };
    perScenario(
      [`marginal-cost-${c}`, target, sizes(200)],
      check,
      "not measured (needs sizes 100 and 200, this contender and the floor)",
    );
  }

  // Issues 7 and 14: one Glance request per member created, two per member deleted (the DELETE
  // and the read that confirms it stayed deleted, issue 27), none for no-op up and preview; one
  // authentication per provider process that called Glance (the dynamic provider), or per run
  // that called Glance (the plugin: a YAML program's language host starts a plugin process of
  // its own to read the schema, which sends nothing).
  const perMember = `exactly one Glance request per member created and two per member deleted (the DELETE and its confirming read), zero for no-op up and preview`;
  const engineRuns = "engine runs: up N and destroy 2N Glance requests, no-op up and preview 0";
  const requests: [string, string, ContenderName[], string, (x: OpSample) => string | false][] = [
    [
      "requests",
      `${perMember}, one Keystone authentication per provider process`,
      ["ours"],
      `${engineRuns}, 1 auth per provider process that called Glance (0 otherwise)`,
      ({ glanceTotal, keystoneAuths: auths, providerProcesses: n }) =>
        glanceTotal > 0
          ? auths !== Math.max(n, 1) && `${auths} Keystone auths for ${n} provider process(es)`
          : auths > Math.max(n, 1) && `${auths} Keystone auths without Glance work`,
    ],
    [
      "requests-plugin",
      `the provider plugin: ${perMember}, one Keystone authentication per run that calls Glance (issue 14)`,
      ["plugin", "yaml"],
      `${engineRuns}, 1 auth when Glance was called (0 otherwise)`,
      ({ glanceTotal, keystoneAuths: auths }) =>
        auths !== (glanceTotal > 0 ? 1 : 0) &&
        `${auths} Keystone auths (want ${glanceTotal > 0 ? 1 : 0})`,
    ],
  ];
  for (const [id, target, contenders, allGood, authsOf] of requests) {
    const samples = results.flatMap((s) =>
      contenders.flatMap((c) =>
        ops.flatMap((op) =>
          (s.contenders[c]?.samples[op] ?? []).map((x) => [s, c, op, x] as const),
        ),
      ),
    );
    const bad = samples.flatMap(([s, c, op, x]) => {
      const where = contenders.length > 1 ? `${s.label} ${c} ${op}` : `${s.label} ${op}`;
      const want = { up: s.total, destroy: 2 * s.total, refresh: -1 }[op as string] ?? 0;
      const glance =
        want >= 0 && x.glanceTotal !== want && `${x.glanceTotal} Glance requests (want ${want})`;
      return [glance, authsOf(x)].flatMap((problem) => (problem ? [`${where}: ${problem}`] : []));
    });
    const shown = bad.slice(0, 6).join("; ") + (bad.length > 6 ? `; … ${bad.length - 6} more` : "");
    const measured = bad.length ? shown : `all ${samples.length} ${allGood}`;
    add(
      id,
      target,
      samples.length ? !bad.length : null,
      samples.length ? measured : "not measured",
    );
  }

  // Issue 7: state ≤ 2 KB per member.
  for (const c of providerContenders) {
    const last = [...results].reverse().find((s) => s.contenders[c]?.state)?.contenders[c]?.state;
    const one =
      c === "members" ? `ImageMembers resource (${last?.members} members)` : "member resource";
    const after =
      last &&
      `; one ${one} is ${last.memberResourceBytes} B, of which inputs + outputs ${last.providerControlledBytes} B and what the engine records (urn, parent, provider reference, stack trace, timestamps, …) ${last.engineRecordedBytes} B`;
    perScenario(
      [`state-${c}`, `state ≤ 2 KB (2048 B) per member (${describe(c)})`, undefined],
      ({ contenders: { [c]: r } }) =>
        r?.state && [
          r.state.bytesPerMember <= 2048,
          `${r.state.bytesPerMember} B/member (__provider ${r.state.providerBytes} B × ${r.state.providerCopiesPerMember})`,
        ],
      "not measured",
      after,
    );
  }

  // Issue 14: one plugin ImageMember in state, without the stack trace the engine records from
  // the language host (it records one for every provider alike, and its size depends on the
  // language), as tests/e2e/plugin.test.ts checks it; the rest is reported beside it.
  for (const c of ["plugin", "yaml"] as ContenderName[]) {
    const target = `the provider plugin's ImageMember ≤ 1.5 KB (${pluginStateTargetBytes} B) per member in state, one member resource without the stack trace the engine records (${describe(c)}; issue 14)`;
    perScenario([`state-${c}`, target, undefined], ({ contenders: { [c]: r } }) => {
      const f = r?.state;
      const without = f?.memberResourceBytesWithoutStackTrace;
      if (!f || without === undefined) return undefined;
      const text = `${without} B without the stack trace, ${f.memberResourceBytes} B with it (${f.stackTraceFrames} frames); stack export ${f.bytesPerMember} B/member, ${f.bytesPerMemberWithoutStackTraces} B without stack traces`;
      return [without <= pluginStateTargetBytes, text];
    });
  }

  for (const [id, c, other, labels, limit, figures, issue] of comparisons) {
    const than = limit === "<" ? "less than" : limit === 1 ? "no more than" : `at most ${limit}×`;
    const target = `${figures.map(([name]) => name).join(" and ")} of pulumi up, ${describe(c)}, at ${labels.join(", ")}: ${than} ${peerName(other)} (issue ${issue})`;
    const problem = labels
      .map((l) => byLabel(l)?.contenders[other])
      .find((r) => r?.error ?? r?.note);
    const why = problem?.error ?? problem?.note;
    const unmeasured = `not measured${why ? `: ${why}` : selected.includes(other) ? ` (needs ${c} and ${other})` : " (not selected)"}`;
    const check: Check = (s) => {
      const pairs = figures.map(([, f]) => [f(s, c), f(s, other)]);
      if (!defined(pairs.flat())) return undefined;
      const ok = pairs.every(([a, b]) => (limit === "<" ? a! < b! : a! <= limit * b!));
      const text = pairs.map(
        ([a, b], i) =>
          `${figures.length > 1 ? `${figures[i][0]} ` : ""}${s2(a!)} s vs ${s2(b!)} s, ${ratioText(a!, b!)}`,
      );
      return [ok, text.join(", ")];
    };
    perScenario([id, target, labels], check, unmeasured, why ? ` (${why})` : "");
  }

  // Issue 30: our share (time less Pulumi's floor and the API's) of every ImageMembers row.
  const share: Check = (s) => {
    const shares = (["members", "membersYaml"] as ContenderName[]).flatMap((c) =>
      shareOps.flatMap((op) => {
        const x = ourShare(s, c, op);
        return x
          ? [[x.part <= 0.15, `${c} ${op} ${shareText(x)} of ${s2(x.total)} s`] as const]
          : [];
      }),
    );
    return shares.length
      ? [shares.every(([ok]) => ok), shares.map(([, t]) => t).join(", ")]
      : undefined;
  };
  perScenario(
    [
      "our-share-members",
      `our share (time less Pulumi's floor, the empty program of its language, and the API floor) ≤ 15 % of every ImageMembers row, pulumi up and destroy (issue 30)`,
      undefined,
    ],
    share,
    "not measured (needs members and emptyTs, or membersYaml and emptyYaml, and floor)",
  );

  // Issue 22: ImageMembers keeps its lead, at least 1.9× faster than every peer at N = 100.
  const lead: Check = (s) => {
    const [members, ...theirs] = [up(s, "members"), ...peers.map((p) => up(s, p))];
    if (members === undefined || !defined(theirs)) return undefined;
    const text = peers.map(
      (p, i) => `${peerName(p)} ${s2(theirs[i])} s: ${(theirs[i] / members).toFixed(2)}×`,
    );
    return [
      theirs.every((t) => t / members >= 1.9),
      `${text.join("; ")} (ImageMembers ${s2(members)} s)`,
    ];
  };
  const leadTarget =
    "pulumi up at N = 100, one ImageMembers per image: at least 1.9× faster than every peer (OpenTofu, the bridged provider; issue 22)";
  perScenario(
    ["members-lead", leadTarget, sizes(100)],
    lead,
    "not measured (needs members and the peers)",
  );

  // Issue 30: ImageMembers from TypeScript within Pulumi's TypeScript floor + the API's + 10 %;
  // one ImageMember per member in `stack export`.
  const floors: Check = (s) => {
    const x = ["members", "emptyTs", "floor"].map((c) => up(s, c as ContenderName));
    if (!defined(x)) return undefined;
    const [a, limit] = [x[0], 1.1 * (x[1] + x[2])];
    return [a <= limit, `${s2(a)} s vs 1.1 × (${s2(x[1])} + ${s2(x[2])}) = ${s2(limit)} s`];
  };
  perScenario(
    [
      "members-within-floors",
      `pulumi up, ${describe("members")}, at every size: no more than 1.1 × (Pulumi's floor, the empty TypeScript program, + the API floor) (issue 30)`,
      undefined,
    ],
    floors,
    "not measured (needs members, emptyTs and floor)",
  );
  perScenario(
    [
      "state-package-issue30",
      `one ImageMember per member (${describe("package")}): \`stack export\` ≤ 1.6 KB (1638 B) per member (issue 30)`,
      undefined,
    ],
    ({ contenders: { package: r } }) =>
      r?.state && [r.state.bytesPerMember <= 1638, `${r.state.bytesPerMember} B/member`],
  );
  return targets;
}
