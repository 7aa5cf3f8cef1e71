/**
 * The targets of issues 7, 14, 22 and 30, evaluated on a run's results (every sample, their
 * medians, the state figures). The one place a target is defined; bench/report.ts shows them.
 */
import {
  ContenderName,
  OpName,
  OpSample,
  ScenarioResult,
  StateFigures,
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
export const pluginStateTargetBytes = 1536;
/** Issue 30's target for one ImageMember (one resource per member) in `stack export`. */
const memberStateTargetBytes = 1638;
/** Issue 22: the resources that must keep up with the peers users would pick. */
const perMember: ContenderName[] = ["package", "plugin"];
const peers: ContenderName[] = ["tofu", "bridged"];

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
/** The operations the headline and the target take our share of. */
export const shareOps: OpName[] = ["up", "destroy"];
/** Issue 30: our share at most this part of every ImageMembers row. */
const ourShareTarget = 0.15;

/** A median as Pulumi's floor + the API's (the direct floor) + ours (seconds, part of the total). */
export interface Share {
  total: number;
  pulumi: number;
  api: number;
  ours: number;
  part: number;
}

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
  c === "tofu" ? "OpenTofu's apply" : "the bridged provider (@pulumi/openstack ImageAccess)";

/** Every target, on the results of a run that measured `selected`. */
export function evaluateTargets(results: ScenarioResult[], selected: ContenderName[]): Target[] {
  const targets: Target[] = [];
  const add = (id: string, target: string, met: boolean | null, measured: string) =>
    targets.push({ id, target, met, measured });
  const bySize = (n: number) => results.find((r) => r.images === 1 && r.perImage === n);
  const [s100, s200] = [bySize(100), bySize(200)];
  const up = (s: ScenarioResult | undefined, c: ContenderName) => med(s, c, "up");

  // Issue 7: marginal cost per member at N=200 vs N=100, against the floor's per-member cost.
  const [f100, f200] = [up(s100, "floor"), up(s200, "floor")];
  const [b100, b200] = [up(s100, "bridged"), up(s200, "bridged")];
  for (const c of providerContenders) {
    const [o100, o200] = [up(s100, c), up(s200, c)];
    const target = `pulumi up, ${describe(c)}: (t(200) − t(100)) / 100 ≤ 1.5 × the floor's per-member cost`;
    if (o100 === undefined || o200 === undefined || f100 === undefined || f200 === undefined) {
      const why = "not measured (needs sizes 100 and 200, this contender and the floor)";
      add(`marginal-cost-${c}`, target, null, why);
      continue;
    }
    const marginal = (o200 - o100) / 100;
    const ratio = marginal / (f200 / 200);
    const bridged =
      b100 !== undefined && b200 !== undefined
        ? `; for comparison the bridged provider's marginal is ${ms((b200 - b100) / 100)} ms/member`
        : "";
    add(
      `marginal-cost-${c}`,
      target,
      ratio <= 1.5,
      `${ms(marginal)} ms/member marginal vs the floor's ${ms(f200 / 200)} ms/member ` +
        `(t(200)/200; the floor's own marginal ${ms((f200 - f100) / 100)} ms) → ${ratio.toFixed(1)}×${bridged}`,
    );
  }

  // Issues 7 and 14: one Glance request per member created, two per member deleted (the DELETE
  // and the read that confirms it stayed deleted, issue 27), none for no-op up and preview; one
  // authentication per provider process that called Glance (the dynamic provider), or per run
  // that called Glance (the plugin: a YAML program's language host starts a plugin process of
  // its own to read the schema, which sends nothing).
  const requests = (
    id: string,
    target: string,
    contenders: ContenderName[],
    authsOf: (s: OpSample) => string | undefined,
    allGood: string,
  ) => {
    const bad: string[] = [];
    let checked = 0;
    for (const s of results) {
      for (const c of contenders) {
        for (const op of ops) {
          for (const sample of s.contenders[c]?.samples[op] ?? []) {
            checked++;
            const where = contenders.length > 1 ? `${s.label} ${c} ${op}` : `${s.label} ${op}`;
            const want = { up: s.total, destroy: 2 * s.total, refresh: -1 }[op as string] ?? 0;
            if (want >= 0 && sample.glanceTotal !== want) {
              bad.push(`${where}: ${sample.glanceTotal} Glance requests (want ${want})`);
            }
            const auths = authsOf(sample);
            if (auths) bad.push(`${where}: ${auths}`);
          }
        }
      }
    }
    const shown = bad.slice(0, 6).join("; ") + (bad.length > 6 ? `; … ${bad.length - 6} more` : "");
    const measured =
      checked === 0 ? "not measured" : bad.length ? shown : `all ${checked} ${allGood}`;
    add(id, target, checked === 0 ? null : bad.length === 0, measured);
  };
  const perDeleted =
    "two per member deleted (the DELETE and its confirming read), zero for no-op up and preview";
  const engineRuns = "engine runs: up N and destroy 2N Glance requests, no-op up and preview 0";
  requests(
    "requests",
    `exactly one Glance request per member created and ${perDeleted}, one Keystone authentication per provider process`,
    ["ours"],
    (s) => {
      const processes = Math.max(s.providerProcesses, 1);
      if (s.glanceTotal > 0 && s.keystoneAuths !== processes) {
        return `${s.keystoneAuths} Keystone auths for ${s.providerProcesses} provider process(es)`;
      }
      return s.glanceTotal === 0 && s.keystoneAuths > processes
        ? `${s.keystoneAuths} Keystone auths without Glance work`
        : undefined;
    },
    `${engineRuns}, 1 auth per provider process that called Glance (0 otherwise)`,
  );
  requests(
    "requests-plugin",
    `the provider plugin: exactly one Glance request per member created and ${perDeleted}, one Keystone authentication per run that calls Glance (issue 14)`,
    ["plugin", "yaml"],
    (s) => {
      const want = s.glanceTotal > 0 ? 1 : 0;
      return s.keystoneAuths !== want
        ? `${s.keystoneAuths} Keystone auths (want ${want})`
        : undefined;
    },
    `${engineRuns}, 1 auth when Glance was called (0 otherwise)`,
  );

  // Issue 7: state ≤ 2 KB per member.
  const statesOf = (c: ContenderName) =>
    results
      .map((s) => [s, s.contenders[c]?.state] as const)
      .filter((x): x is [ScenarioResult, StateFigures] => !!x[1]);
  for (const c of providerContenders) {
    const figures = statesOf(c);
    if (figures.length === 0) {
      add(`state-${c}`, `state ≤ 2 KB per member (${describe(c)})`, null, "not measured");
      continue;
    }
    const last = figures[figures.length - 1][1];
    const one =
      c === "members"
        ? `ImageMembers resource (${last.members / Math.max(last.resources ?? 1, 1)} members)`
        : "member resource";
    const each = figures.map(
      ([s, f]) =>
        `${s.label}: ${f.bytesPerMember} B/member (__provider ${f.providerBytes} B × ${f.providerCopiesPerMember})`,
    );
    add(
      `state-${c}`,
      `state ≤ 2 KB (2048 B) per member (${describe(c)})`,
      Math.max(...figures.map(([, f]) => f.bytesPerMember)) <= 2048,
      each.join("; ") +
        `; one ${one} is ${last.memberResourceBytes} B, of which inputs + outputs ${last.providerControlledBytes} B ` +
        `and what the engine records (urn, parent, provider reference, stack trace, timestamps, …) ${last.engineRecordedBytes} B`,
    );
  }

  // Issue 14: one plugin ImageMember in state, without the stack trace the engine records from
  // the language host (it records one for every provider alike, and its size depends on the
  // language), as tests/e2e/plugin.test.ts checks it; the rest is reported beside it.
  for (const c of ["plugin", "yaml"] as ContenderName[]) {
    const target = `the provider plugin's ImageMember ≤ 1.5 KB (${pluginStateTargetBytes} B) per member in state, one member resource without the stack trace the engine records (${describe(c)}; issue 14)`;
    const figures = statesOf(c).filter(
      ([, f]) => f.memberResourceBytesWithoutStackTrace !== undefined,
    );
    const without = figures.map(([, f]) => f.memberResourceBytesWithoutStackTrace!);
    const each = figures.map(
      ([s, f]) =>
        `${s.label}: ${f.memberResourceBytesWithoutStackTrace} B without the stack trace, ` +
        `${f.memberResourceBytes} B with it (${f.stackTraceFrames} frames); ` +
        `stack export ${f.bytesPerMember} B/member, ${f.bytesPerMemberWithoutStackTraces} B without stack traces`,
    );
    if (figures.length === 0) add(`state-${c}`, target, null, "not measured");
    else add(`state-${c}`, target, Math.max(...without) <= pluginStateTargetBytes, each.join("; "));
  }

  // Issue 7: faster than the CLI loop and the bridged provider at N=100.
  for (const c of providerContenders) {
    for (const other of ["cli", "bridged"] as ContenderName[]) {
      const [a, b] = [up(s100, c), up(s100, other)];
      const note = s100?.contenders[other]?.error ?? s100?.contenders[other]?.note;
      const them = other === "cli" ? "the CLI loop" : peerName(other);
      const unmeasured = `not measured${note ? `: ${note}` : selected.includes(other) ? "" : " (not selected)"}`;
      add(
        `faster-than-${other}-${c}`,
        `pulumi up at N=100, ${describe(c)}, faster than ${them}`,
        a !== undefined && b !== undefined ? a < b : null,
        a !== undefined && b !== undefined
          ? `${s2(a)} s vs ${s2(b)} s: ${ratioText(a, b)}` + (note ? ` (${note})` : "")
          : unmeasured,
      );
    }
  }

  // Issue 22: pulumi up at N = 10, 100, 200 no slower than each peer.
  const sizes = [10, 100, 200].map((n) => [n, bySize(n)] as const);
  for (const c of perMember) {
    for (const peer of peers) {
      const known = sizes
        .map(([n, s]) => [n, up(s, c), up(s, peer)] as const)
        .filter((x): x is [number, number, number] => x[1] !== undefined && x[2] !== undefined);
      const each = known.map(([n, a, b]) => `N=${n}: ${s2(a)} s vs ${s2(b)} s, ${ratioText(a, b)}`);
      add(
        `speed-${peer}-${c}`,
        `pulumi up, ${describe(c)}, at N = 10, 100 and 200: no slower than ${peerName(peer)} (issue 22)`,
        known.length < sizes.length ? null : known.every(([, a, b]) => a <= b),
        known.length === 0 ? `not measured (needs ${c} and ${peer})` : each.join("; "),
      );
    }
  }

  // Issue 22: program CPU of up at N = 100 no more than the bridged resource's; CPU of the
  // whole up (engine, program, provider) at most 1.5× OpenTofu's.
  const cpu100 = (c: ContenderName) => {
    const r = s100?.contenders[c];
    return r && upCpuOf(r);
  };
  const wholeCpu = (c: ContenderName) => {
    const u = cpu100(c);
    return u?.engine === undefined || u.provider === undefined
      ? undefined
      : u.engine + u.provider + (u.program ?? 0);
  };
  for (const c of perMember) {
    const [a, b] = [cpu100(c)?.program, cpu100("bridged")?.program];
    add(
      `program-cpu-bridged-${c}`,
      `program CPU of pulumi up at N = 100, ${describe(c)}: no more than the bridged resource's (issue 22)`,
      a === undefined || b === undefined ? null : a <= b,
      a === undefined || b === undefined
        ? `not measured (needs ${c} and bridged)`
        : `${s2(a)} s vs ${s2(b)} s (${ms(a / 100)} vs ${ms(b / 100)} ms per member)`,
    );
  }
  for (const c of perMember) {
    const [a, tofu] = [wholeCpu(c), wholeCpu("tofu")];
    add(
      `cpu-tofu-${c}`,
      `CPU of the whole pulumi up at N = 100 (engine, program, provider), ${describe(c)}: at most 1.5× OpenTofu's apply (issue 22)`,
      a === undefined || tofu === undefined ? null : a <= 1.5 * tofu,
      a === undefined || tofu === undefined
        ? `not measured (needs ${c} and tofu)`
        : `${s2(a)} s vs ${s2(tofu)} s: ${(a / tofu).toFixed(1)}×`,
    );
  }

  // Issue 30: our share (time less Pulumi's floor and the API's) of every ImageMembers row.
  const shares = results.flatMap((s) =>
    (["members", "membersYaml"] as ContenderName[]).flatMap((c) =>
      shareOps.flatMap((op) => {
        const x = ourShare(s, c, op);
        return x ? [`${s.label} ${c} ${op}: ${shareText(x)} of ${s2(x.total)} s`] : [];
      }),
    ),
  );
  const within = results.every((s) =>
    (["members", "membersYaml"] as ContenderName[]).every((c) =>
      shareOps.every((op) => (ourShare(s, c, op)?.part ?? 0) <= ourShareTarget),
    ),
  );
  add(
    "our-share-members",
    `our share (time less Pulumi's floor, the empty program of its language, and the API floor) ≤ ${100 * ourShareTarget} % of every ImageMembers row, pulumi up and destroy (issue 30)`,
    shares.length === 0 ? null : within,
    shares.length === 0
      ? "not measured (needs members and emptyTs, or membersYaml and emptyYaml, and floor)"
      : shares.join("; "),
  );

  // Issue 30: ImageMembers against OpenTofu at scale, in wall time and in the CPU of the whole
  // client (engine, program, provider; OpenTofu has no program).
  const byLabel = (label: string) => results.find((r) => r.label === label);
  const cpuOf = (s: ScenarioResult | undefined, c: ContenderName) => {
    const u = s?.contenders[c] && upCpuOf(s.contenders[c]!);
    return u?.engine === undefined || u.provider === undefined
      ? undefined
      : u.engine + u.provider + (u.program ?? 0);
  };
  const beatsTofu: [ContenderName, string[]][] = [
    ["membersYaml", ["N=50", "N=100", "N=200", "5x100", "10x100"]],
    ["members", ["N=200", "5x100", "10x100"]],
  ];
  for (const [c, labels] of beatsTofu) {
    const known = labels
      .map((l) => [l, ...[up, cpuOf].flatMap((f) => [f(byLabel(l), c), f(byLabel(l), "tofu")])])
      .filter((x): x is [string, number, number, number, number] => !x.includes(undefined));
    add(
      `beats-tofu-${c}`,
      `pulumi up, ${describe(c)}, at ${labels.join(", ")}: faster than OpenTofu's apply in wall time and in client CPU (engine + program + provider; issue 30)`,
      known.length < labels.length ? null : known.every(([, a, b, ca, cb]) => a < b && ca < cb),
      known.length === 0
        ? `not measured (needs ${c} and tofu)`
        : known
            .map(
              ([l, a, b, ca, cb]) =>
                `${l}: ${s2(a)} s vs ${s2(b)} s wall, ${s2(ca)} s vs ${s2(cb)} s CPU`,
            )
            .join("; "),
    );
  }

  // Issue 30: ImageMembers from TypeScript within Pulumi's TypeScript floor plus the API's + 10 %.
  const floors = results
    .map((s) => [s.label, up(s, "members"), up(s, "emptyTs"), up(s, "floor")] as const)
    .filter((x): x is [string, number, number, number] => !x.includes(undefined));
  add(
    "members-within-floors",
    `pulumi up, ${describe("members")}, at every size: no more than 1.1 × (Pulumi's floor, the empty TypeScript program, + the API floor) (issue 30)`,
    floors.length === 0 ? null : floors.every(([, a, e, f]) => a <= 1.1 * (e + f)),
    floors.length === 0
      ? "not measured (needs members, emptyTs and floor)"
      : floors
          .map(
            ([l, a, e, f]) =>
              `${l}: ${s2(a)} s vs 1.1 × (${s2(e)} + ${s2(f)}) = ${s2(1.1 * (e + f))} s`,
          )
          .join("; "),
  );

  // Issue 30: one ImageMember per member at scale, at most 1.4× OpenTofu's apply.
  const scaled = ["5x100", "10x100"]
    .map((l) => [l, up(byLabel(l), "package"), up(byLabel(l), "tofu")] as const)
    .filter((x): x is [string, number, number] => !x.includes(undefined));
  add(
    "scale-tofu-package",
    `pulumi up, ${describe("package")}, at 5x100 and 10x100: no more than 1.4× OpenTofu's apply (issue 30)`,
    scaled.length < 2 ? null : scaled.every(([, a, b]) => a <= 1.4 * b),
    scaled.length === 0
      ? "not measured (needs package and tofu at 5x100 and 10x100)"
      : scaled
          .map(([l, a, b]) => `${l}: ${s2(a)} s vs ${s2(b)} s, ${(a / b).toFixed(2)}×`)
          .join("; "),
  );

  // Issue 30: one ImageMember per member, `stack export` bytes per member.
  const packageStates = statesOf("package");
  add(
    "state-package-issue30",
    `one ImageMember per member (${describe("package")}): \`stack export\` ≤ 1.6 KB (${memberStateTargetBytes} B) per member (issue 30)`,
    packageStates.length === 0
      ? null
      : packageStates.every(([, f]) => f.bytesPerMember <= memberStateTargetBytes),
    packageStates.length === 0
      ? "not measured"
      : packageStates.map(([s, f]) => `${s.label}: ${f.bytesPerMember} B/member`).join("; "),
  );

  // Issue 22: ImageMembers keeps its lead, at least 1.9× faster than every peer at N = 100.
  const members = up(s100, "members");
  const measured = peers.filter((p) => up(s100, p) !== undefined);
  const leads = measured.map(
    (p) => `${peerName(p)} ${s2(up(s100, p)!)} s: ${(up(s100, p)! / members!).toFixed(2)}×`,
  );
  add(
    "members-lead",
    "pulumi up at N = 100, one ImageMembers per image: at least 1.9× faster than every peer (OpenTofu, the bridged provider; issue 22)",
    members === undefined || measured.length < peers.length
      ? null
      : measured.every((p) => up(s100, p)! / members >= 1.9),
    members === undefined || measured.length === 0
      ? "not measured (needs members and the peers)"
      : leads.join("; ") + ` (ImageMembers ${members.toFixed(2)} s)`,
  );
  return targets;
}
