import { execFileSync } from "child_process";
import * as path from "path";
import { assertFreshBuild } from "../support/buildFreshness";
import { projectRoot } from "../support/childProcess";

// What a Pulumi program loads from the package (the build, as installed): every module is
// compiled once per `pulumi up`, in the program's process. Requests go out from the provider
// process only, so the program has no use for an HTTP client.
beforeAll(() => assertFreshBuild(projectRoot));

test("a program importing the package loads no HTTP client (node-fetch and its URL parser)", () => {
  const script =
    `require("./dist/provider"); const path = require("path");` +
    `console.log(JSON.stringify(Object.keys(require.cache).map((f) => path.relative(process.cwd(), f))))`;
  const loaded = JSON.parse(
    execFileSync(process.execPath, ["-e", script], { cwd: projectRoot, encoding: "utf8" }),
  ) as string[];
  expect(loaded).toContain(path.join("dist/provider/resources/imageMember/resource.js"));
  expect(loaded).toContain(path.join("dist/provider/transport/http.js"));
  expect(loaded.filter((f) => /node_modules\/(node-fetch|whatwg-url|tr46)\//.test(f))).toEqual([]);
});
