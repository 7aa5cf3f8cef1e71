/**
 * The `--allowed-projects` gate on each kind of change, in the words of its one line: the new
 * side of a swap, a gain, and a project list that cannot be read (secret, known only after
 * apply, or refused by the provider), which can never pass.
 */
import { parseAllowList } from "../../provider/core/allowedProjects";
import { describeOffender, findOffenders } from "../../provider/review/offenders";
import type { AccessChange } from "../../provider/review/changes";

const image = { kind: "known", value: "img-1" } as const;
const source = { kind: "ImageMembers", name: "all" } as const;
const project = (value: string) => ({ id: { kind: "known", value } as const });
const lines = (changes: AccessChange[], allowed: string) =>
  findOffenders(changes, parseAllowList(allowed)).map(describeOffender);

test("a swap is judged by the project it swaps in, a loss not at all", () => {
  const changes: AccessChange[] = [
    { type: "swap", image, from: project("p-ok"), fromStatus: image, to: project("p-new"), source },
    { type: "swap", image, from: project("p-new"), fromStatus: image, to: project("p-ok"), source },
    { type: "loss", image, project: project("p-gone"), status: image, source },
    { type: "gain", image, project: project("p-ok"), source },
  ];
  expect(lines(changes, "p-ok # ops\n")).toEqual(["`p-new` on image `img-1` (ImageMembers `all`)"]);
});

test.each([
  ["secret", "a `[secret]` project, which cannot be checked,"],
  ["unknown", "a project known only after apply, which cannot be checked,"],
  [
    "refused",
    "a project list the provider refuses (projects and memberIds both given, or one of them null), which cannot be checked,",
  ],
] as const)("a project list that is %s never passes", (what, who) => {
  const offenders = findOffenders([{ type: "opaque", image, what, source }], new Set(["p-ok"]));
  expect(offenders.map(describeOffender)).toEqual([
    `${who} on image \`img-1\` (ImageMembers \`all\`)`,
  ]);
  expect(offenders[0].refusedList).toBe(what === "refused" ? true : undefined);
  expect(offenders[0].project.id).toEqual({ kind: what === "refused" ? "absent" : what });
});

test("the list's comments: a # at the start of a line or after white space", () => {
  expect(parseAllowList("p-a # ops\n#p-b\np-c#d\n  p-e\t# x # y\n")).toEqual(
    new Set(["p-a", "p-c#d", "p-e"]),
  );
});
