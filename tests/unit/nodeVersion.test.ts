/**
 * Node.js below 22 (outside `engines`): one warning line on standard error when the package
 * loads, once per process, and nothing else; a supported Node.js: not a word.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { oldNodeWarning, warnOnOldNode } from "../../provider/nodeVersion";
import { assertFreshBuild } from "../support/buildFreshness";
import { projectRoot } from "../support/childProcess";

const said = Symbol.for("pulumi-image-members.oldNodeWarned");

test("Node.js 20 and 21 are warned about in one line; 22 and later are not", () => {
  for (const version of ["20.11.1", "21.7.3", "18.20.0"]) {
    const warning = oldNodeWarning(version);
    expect(warning).toBe(
      `warning: pulumi-image-members supports Node.js 22 and newer; this is Node.js ${version}, ` +
        "on which it is not tested. Use Node.js 22 or newer.",
    );
  }
  for (const version of ["22.0.0", "22.12.0", "24.11.1", "25.0.0"]) {
    expect(oldNodeWarning(version)).toBeUndefined();
  }
});

test("the warning is written once per process, however often the package loads", () => {
  const holder = globalThis as unknown as Record<symbol, boolean | undefined>;
  delete holder[said];
  const lines: string[] = [];
  warnOnOldNode("20.11.1", (line) => lines.push(line));
  warnOnOldNode("20.11.1", (line) => lines.push(line));
  expect(lines).toEqual([`${oldNodeWarning("20.11.1")}\n`]);
  delete holder[said];
  warnOnOldNode("22.1.0", (line) => lines.push(line));
  expect(lines).toHaveLength(1);
});

describe("loading the built package in a process", () => {
  beforeAll(() => assertFreshBuild(projectRoot));
  const index = path.join(projectRoot, "dist", "provider", "index.js");
  // Node.js 20 as far as the package can tell: process.versions says so before it loads.
  const asNode20 = `Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.11.1" } });`;

  test("as Node.js 20: exactly one line on standard error, nothing on standard output", () => {
    const run = spawnSync(
      process.execPath,
      ["-e", `${asNode20} require(${JSON.stringify(index)}); require(${JSON.stringify(index)});`],
      { cwd: projectRoot, encoding: "utf8" },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`${oldNodeWarning("20.11.1")}\n`);
  });

  test("as the Node.js running the tests (22 or newer): nothing at all", () => {
    const run = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(index)})`], {
      cwd: projectRoot,
      encoding: "utf8",
    });
    expect([run.status, run.stdout, run.stderr]).toEqual([0, "", ""]);
  });
});
