import { execFileSync } from "child_process";
import * as path from "path";
import { assertFreshBuild } from "../support/buildFreshness";
import { projectRoot } from "../support/childProcess";

// What a Pulumi program loads from the package (the build, as installed): every module is
// compiled once per `pulumi up`, in the program's process. Requests go out from the provider
// process only, so the program has no use for an HTTP client.
beforeAll(() => assertFreshBuild(projectRoot));

/** The package's modules (relative paths) that `script` has loaded when it ends. */
function loadedBy(script: string): string[] {
  const printLoaded =
    `;console.log(JSON.stringify(Object.keys(require.cache).map((f) => ` +
    `require("path").relative(process.cwd(), f))))`;
  return JSON.parse(
    execFileSync(process.execPath, ["-e", script + printLoaded], {
      cwd: projectRoot,
      encoding: "utf8",
    }),
  ) as string[];
}

test("a program importing the package loads no HTTP client (node-fetch and its URL parser)", () => {
  const loaded = loadedBy(`require("./dist/provider")`);
  expect(loaded).toContain(path.join("dist/provider/resources/imageMember/resource.js"));
  expect(loaded).toContain(path.join("dist/provider/transport/http.js"));
  expect(loaded.filter((f) => /node_modules\/(node-fetch|whatwg-url|tr46)\//.test(f))).toEqual([]);
});

test("the dynamic provider process loads the implementation of the resource it serves, once", () => {
  const loaded = loadedBy(`
    const runtime = require("./dist/provider/serialization/runtime");
    if (runtime.imageMember !== runtime.imageMember) throw new Error("not one instance");
    if (typeof runtime.imageMember.create !== "function") throw new Error("not a provider");
    if (!Object.keys(runtime).includes("imageMembers")) throw new Error("imageMembers not listed");
  `);
  expect(loaded).toContain(path.join("dist/provider/resources/imageMember/provider.js"));
  expect(
    loaded.filter((f) => /resources\/(imageMembers|imageMemberAcceptance)\/provider\.js$/.test(f)),
  ).toEqual([]);
});
