/** The targets of issue 7, evaluated against the measured results. */
import { ContenderName, OpName, Options, ops } from "./options";
import { ScenarioResult, StateFigures, Stats } from "./measure";

export interface Target {
  id: string;
  target: string;
  met: boolean | null;
  measured: string;
}

/** The contenders whose figures a target (by its id) compares. */
export function targetContenders(id: string): ContenderName[] {
  if (id === "requests") return ["ours"];
  if (id === "requests-plugin") return [...pluginContenders];
  const marginal = /^marginal-cost-(\w+)$/.exec(id);
  if (marginal) return [marginal[1] as ContenderName, "floor"];
  const faster = /^faster-than-(\w+)-(\w+)$/.exec(id);
  if (faster) return [faster[2] as ContenderName, faster[1] as ContenderName];
  const state = /^state-(\w+)$/.exec(id);
  return state ? [state[1] as ContenderName] : [];
}

/** A scenario's medians, from every sample or from the summary. */
interface WithMedians {
  contenders: Partial<Record<ContenderName, { medians: Partial<Record<OpName, Stats>> }>>;
}

export function med(s: WithMedians | undefined, c: ContenderName, op: OpName): number | undefined {
  return s?.contenders[c]?.medians[op]?.median;
}

export function describe(c: ContenderName): string {
  switch (c) {
    case "package":
      return "provider installed as a package";
    case "members":
      return "one ImageMembers per image, installed as a package";
    case "plugin":
      return "the provider plugin's ImageMember from a Node.js program";
    case "yaml":
      return "the provider plugin's ImageMember from a YAML program";
    case "tofu":
      return "OpenTofu with terraform-provider-openstack, openstack_images_image_access_v2 with count";
    default:
      return "provider from the repository";
  }
}

/** The contenders the targets of issue 7 are about (the dynamic provider, three ways). */
export const providerContenders: ContenderName[] = ["ours", "package", "members"];
/** The provider plugin's contenders (issue 14). */
export const pluginContenders: ContenderName[] = ["plugin", "yaml"];
/** Issue 14's target for the state of one plugin ImageMember. */
export const pluginStateTargetBytes = 1536;

/** "3.2× faster" or "1.2× slower": how `ours` seconds compare with `theirs`. */
export function ratioText(ours: number, theirs: number): string {
  return ours <= theirs
    ? `${(theirs / ours).toFixed(1)}× faster`
    : `${(ours / theirs).toFixed(2)}× slower`;
}

export function evaluateTargets(results: ScenarioResult[], options: Options): Target[] {
  const targets: Target[] = [];
  const bySize = (n: number) => results.find((r) => r.images === 1 && r.perImage === n);
  const s100 = bySize(100);
  const s200 = bySize(200);

  // 1. Marginal cost per member at N=200 vs N=100, against the floor's per-member cost.
  const f100 = med(s100, "floor", "up");
  const f200 = med(s200, "floor", "up");
  for (const c of providerContenders) {
    const o100 = med(s100, c, "up");
    const o200 = med(s200, c, "up");
    const target = `pulumi up, ${describe(c)}: (t(200) − t(100)) / 100 ≤ 1.5 × the floor's per-member cost`;
    if (o100 === undefined || o200 === undefined || f100 === undefined || f200 === undefined) {
      targets.push({
        id: `marginal-cost-${c}`,
        target,
        met: null,
        measured: "not measured (needs sizes 100 and 200, this contender and the floor)",
      });
      continue;
    }
    const marginal = (o200 - o100) / 100;
    const floorPerMember = f200 / 200;
    const floorMarginal = (f200 - f100) / 100;
    const ratio = marginal / floorPerMember;
    const b100 = med(s100, "bridged", "up");
    const b200 = med(s200, "bridged", "up");
    targets.push({
      id: `marginal-cost-${c}`,
      target,
      met: ratio <= 1.5,
      measured:
        `${(marginal * 1000).toFixed(1)} ms/member marginal vs the floor's ${(floorPerMember * 1000).toFixed(1)} ms/member ` +
        `(t(200)/200; the floor's own marginal ${(floorMarginal * 1000).toFixed(1)} ms) → ${ratio.toFixed(1)}×` +
        (b100 !== undefined && b200 !== undefined
          ? `; for comparison the bridged provider's marginal is ${(((b200 - b100) / 100) * 1000).toFixed(1)} ms/member`
          : ""),
    });
  }

  // 2. Requests.
  const bad: string[] = [];
  let checked = 0;
  const perMember: Record<string, string[]> = {};
  for (const s of results) {
    const ours = s.contenders.ours;
    if (!ours) continue;
    for (const op of ops) {
      for (const sample of ours.samples[op] ?? []) {
        checked++;
        const expectGlance = op === "up" || op === "destroy" ? s.total : op === "refresh" ? -1 : 0;
        if (expectGlance >= 0 && sample.glanceTotal !== expectGlance) {
          bad.push(
            `${s.label} ${op}: ${sample.glanceTotal} Glance requests (want ${expectGlance})`,
          );
        }
        const usedGlance = sample.glanceTotal > 0;
        const processes = Math.max(sample.providerProcesses, 1);
        if (usedGlance && sample.keystoneAuths !== processes) {
          bad.push(
            `${s.label} ${op}: ${sample.keystoneAuths} Keystone auths for ${sample.providerProcesses} provider process(es)`,
          );
        }
        if (!usedGlance && sample.keystoneAuths > processes) {
          bad.push(`${s.label} ${op}: ${sample.keystoneAuths} Keystone auths without Glance work`);
        }
      }
      const first = ours.samples[op]?.[0];
      if (first) {
        (perMember[op] ??= []).push(
          `${s.label}: ${first.glanceTotal} Glance, ${first.keystoneAuths} auth`,
        );
      }
    }
  }
  targets.push({
    id: "requests",
    target:
      "exactly one Glance request per member created or deleted, zero for no-op up and preview, one Keystone authentication per provider process",
    met: checked === 0 ? null : bad.length === 0,
    measured:
      checked === 0
        ? "not measured"
        : bad.length === 0
          ? `all ${checked} engine runs: up and destroy N Glance requests, no-op up and preview 0, 1 auth per provider process that called Glance (0 otherwise)`
          : bad.slice(0, 6).join("; ") + (bad.length > 6 ? `; … ${bad.length - 6} more` : ""),
  });

  // 2b. The same on the provider plugin's path (issue 14): one authentication per run that
  // calls Glance. A YAML program's language host starts a plugin process of its own (it reads
  // the schema to check the program), which sends nothing.
  const pluginBad: string[] = [];
  let pluginChecked = 0;
  for (const s of results) {
    for (const c of pluginContenders) {
      for (const op of ops) {
        for (const sample of s.contenders[c]?.samples[op] ?? []) {
          pluginChecked++;
          const expectGlance =
            op === "up" || op === "destroy" ? s.total : op === "refresh" ? -1 : 0;
          if (expectGlance >= 0 && sample.glanceTotal !== expectGlance) {
            pluginBad.push(
              `${s.label} ${c} ${op}: ${sample.glanceTotal} Glance requests (want ${expectGlance})`,
            );
          }
          const wantAuths = sample.glanceTotal > 0 ? 1 : 0;
          if (sample.keystoneAuths !== wantAuths) {
            pluginBad.push(
              `${s.label} ${c} ${op}: ${sample.keystoneAuths} Keystone auths (want ${wantAuths})`,
            );
          }
        }
      }
    }
  }
  targets.push({
    id: "requests-plugin",
    target:
      "the provider plugin: exactly one Glance request per member created or deleted, zero for no-op up and preview, one Keystone authentication per run that calls Glance (issue 14)",
    met: pluginChecked === 0 ? null : pluginBad.length === 0,
    measured:
      pluginChecked === 0
        ? "not measured"
        : pluginBad.length === 0
          ? `all ${pluginChecked} engine runs: up and destroy N Glance requests, no-op up and preview 0, 1 auth when Glance was called (0 otherwise)`
          : pluginBad.slice(0, 6).join("; ") +
            (pluginBad.length > 6 ? `; … ${pluginBad.length - 6} more` : ""),
  });

  // 3. State size.
  for (const c of providerContenders) {
    const figures = results
      .map((s) => [s, s.contenders[c]?.state] as const)
      .filter((x): x is [ScenarioResult, StateFigures] => !!x[1]);
    if (figures.length === 0) {
      targets.push({
        id: `state-${c}`,
        target: `state ≤ 2 KB per member (${describe(c)})`,
        met: null,
        measured: "not measured",
      });
      continue;
    }
    const worst = Math.max(...figures.map(([, f]) => f.bytesPerMember));
    const last = figures[figures.length - 1][1];
    targets.push({
      id: `state-${c}`,
      target: `state ≤ 2 KB (2048 B) per member (${describe(c)})`,
      met: worst <= 2048,
      measured:
        figures
          .map(
            ([s, f]) =>
              `${s.label}: ${f.bytesPerMember} B/member (__provider ${f.providerBytes} B × ${f.providerCopiesPerMember})`,
          )
          .join("; ") +
        `; one ${c === "members" ? `ImageMembers resource (${last.members / Math.max(last.resources ?? 1, 1)} members)` : "member resource"} is ${last.memberResourceBytes} B, of which inputs + outputs ${last.providerControlledBytes} B ` +
        `and what the engine records (urn, parent, provider reference, stack trace, timestamps, …) ${last.engineRecordedBytes} B`,
    });
  }

  // 3b. State of the provider plugin's ImageMember (issue 14): one member resource, without
  // the stack trace the engine records from the language host (it records one for every
  // provider alike, and its size depends on the language), as tests/e2e/plugin.test.ts
  // checks it; the whole resource and the export's bytes per member are reported beside it.
  for (const c of pluginContenders) {
    const target = `the provider plugin's ImageMember ≤ 1.5 KB (${pluginStateTargetBytes} B) per member in state, one member resource without the stack trace the engine records (${describe(c)}; issue 14)`;
    const figures = results
      .map((s) => [s, s.contenders[c]?.state] as const)
      .filter((x): x is [ScenarioResult, StateFigures] => !!x[1]);
    const measured = figures.filter(
      ([, f]) => f.memberResourceBytesWithoutStackTrace !== undefined,
    );
    if (measured.length === 0) {
      targets.push({ id: `state-${c}`, target, met: null, measured: "not measured" });
      continue;
    }
    const worst = Math.max(...measured.map(([, f]) => f.memberResourceBytesWithoutStackTrace!));
    targets.push({
      id: `state-${c}`,
      target,
      met: worst <= pluginStateTargetBytes,
      measured: measured
        .map(
          ([s, f]) =>
            `${s.label}: ${f.memberResourceBytesWithoutStackTrace} B without the stack trace, ` +
            `${f.memberResourceBytes} B with it (${f.stackTraceFrames} frames); ` +
            `stack export ${f.bytesPerMember} B/member, ${f.bytesPerMemberWithoutStackTraces} B without stack traces`,
        )
        .join("; "),
    });
  }

  // 4. Faster than the CLI loop and the bridged provider at N=100.
  for (const c of providerContenders) {
    for (const other of ["cli", "bridged"] as ContenderName[]) {
      const ours = med(s100, c, "up");
      const theirs = med(s100, other, "up");
      const note = s100?.contenders[other]?.error ?? s100?.contenders[other]?.note;
      targets.push({
        id: `faster-than-${other}-${c}`,
        target: `pulumi up at N=100, ${describe(c)}, faster than ${other === "cli" ? "the CLI loop" : "the bridged provider (@pulumi/openstack ImageAccess)"}`,
        met: ours !== undefined && theirs !== undefined ? ours < theirs : null,
        measured:
          ours !== undefined && theirs !== undefined
            ? `${ours.toFixed(2)} s vs ${theirs.toFixed(2)} s: ${ratioText(ours, theirs)}` +
              (note ? ` (${note})` : "")
            : `not measured${note ? `: ${note}` : options.contenders.includes(other) ? "" : " (not selected)"}`,
      });
    }
  }
  return targets;
}
