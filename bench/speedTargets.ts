/**
 * The targets of issue 22, evaluated on a summary's medians, so that they are evaluated again
 * when a later run's contenders are merged in (bench/summary.ts): `ImageMember` as fast as
 * the peers users would pick, OpenTofu and the bridged provider. Each says which run each
 * compared figure comes from when they differ.
 */
import type { ContenderSummary, ScenarioSummary } from "./summary";
import { ContenderName } from "./options";
import { Target, describe, ratioText } from "./targets";

/** The date of the run a contender's figures come from, when the summary merges runs. */
export type RunOf = (c: ContenderName) => string | undefined;

const sizes = [10, 100, 200];
/** The resources that must keep up with the peers: the dynamic one (installed) and the plugin's. */
const perMember: ContenderName[] = ["package", "plugin"];
const peers: ContenderName[] = ["tofu", "bridged"];

export function evaluateSpeedTargets(results: ScenarioSummary[], runOf: RunOf): Target[] {
  const at = (n: number, c: ContenderName): ContenderSummary | undefined =>
    results.find((r) => r.images === 1 && r.perImage === n)?.contenders[c];
  const up = (n: number, c: ContenderName) => at(n, c)?.medians.up?.median;
  const from = (cs: ContenderName[]) => {
    const dates = cs.map((c) => `${c} ${runOf(c) ?? "?"}`);
    return new Set(cs.map(runOf)).size > 1 ? ` [runs: ${dates.join(", ")}]` : "";
  };
  const targets: Target[] = [];

  // 1. pulumi up at N = 10, 100, 200 no slower than each peer.
  for (const c of perMember) {
    for (const peer of peers) {
      const pairs = sizes.map((n) => [n, up(n, c), up(n, peer)] as const);
      const known = pairs.filter(([, a, b]) => a !== undefined && b !== undefined);
      targets.push({
        id: `speed-${peer}-${c}`,
        target: `pulumi up, ${describe(c)}, at N = 10, 100 and 200: no slower than ${peerName(peer)} (issue 22)`,
        met: known.length < sizes.length ? null : known.every(([, a, b]) => a! <= b!),
        measured:
          known.length === 0
            ? `not measured (needs ${c} and ${peer})`
            : known
                .map(
                  ([n, a, b]) =>
                    `N=${n}: ${a!.toFixed(2)} s vs ${b!.toFixed(2)} s, ${ratioText(a!, b!)}`,
                )
                .join("; ") + from([c, peer]),
      });
    }
  }

  // 2. Program CPU per ImageMember at N = 100 no more than the bridged resource's.
  for (const c of perMember) {
    const ours = at(100, c)?.upCpu?.program;
    const theirs = at(100, "bridged")?.upCpu?.program;
    targets.push({
      id: `program-cpu-bridged-${c}`,
      target: `program CPU of pulumi up at N = 100, ${describe(c)}: no more than the bridged resource's (issue 22)`,
      met: ours === undefined || theirs === undefined ? null : ours <= theirs,
      measured:
        ours === undefined || theirs === undefined
          ? `not measured (needs ${c} and bridged)`
          : `${ours.toFixed(2)} s vs ${theirs.toFixed(2)} s (${((ours / 100) * 1000).toFixed(1)} vs ${((theirs / 100) * 1000).toFixed(1)} ms per member)` +
            from([c, "bridged"]),
    });
  }

  // 3. CPU of the whole up at N = 100 no more than 1.5× OpenTofu's.
  const cpu = (c: ContenderName) => {
    const u = at(100, c)?.upCpu;
    if (!u || u.engine === undefined || u.provider === undefined) return undefined;
    return u.engine + u.provider + (u.program ?? 0);
  };
  for (const c of perMember) {
    const ours = cpu(c);
    const tofu = cpu("tofu");
    targets.push({
      id: `cpu-tofu-${c}`,
      target: `CPU of the whole pulumi up at N = 100 (engine, program, provider), ${describe(c)}: at most 1.5× OpenTofu's apply (issue 22)`,
      met: ours === undefined || tofu === undefined ? null : ours <= 1.5 * tofu,
      measured:
        ours === undefined || tofu === undefined
          ? `not measured (needs ${c} and tofu)`
          : `${ours.toFixed(2)} s vs ${tofu.toFixed(2)} s: ${(ours / tofu).toFixed(1)}×` +
            from([c, "tofu"]),
    });
  }

  // 4. ImageMembers keeps its lead: at least 1.9× faster than every peer at N = 100.
  const members = up(100, "members");
  const measuredPeers = peers.filter((p) => up(100, p) !== undefined);
  targets.push({
    id: "members-lead",
    target:
      "pulumi up at N = 100, one ImageMembers per image: at least 1.9× faster than every peer (OpenTofu, the bridged provider; issue 22)",
    met:
      members === undefined || measuredPeers.length < peers.length
        ? null
        : measuredPeers.every((p) => up(100, p)! / members >= 1.9),
    measured:
      members === undefined || measuredPeers.length === 0
        ? "not measured (needs members and the peers)"
        : measuredPeers
            .map(
              (p) =>
                `${peerName(p)} ${up(100, p)!.toFixed(2)} s: ${(up(100, p)! / members).toFixed(2)}×`,
            )
            .join("; ") +
          ` (ImageMembers ${members.toFixed(2)} s)` +
          from(["members", ...measuredPeers]),
  });
  return targets;
}

function peerName(c: ContenderName): string {
  return c === "tofu" ? "OpenTofu's apply" : "the bridged provider (@pulumi/openstack ImageAccess)";
}
