/**
 * The package's types stand alone (issue 28): no declaration file of the build names a module
 * a user's project cannot resolve with types after `npm install pulumi-image-members`, so a
 * `tsc --noEmit` without `skipLibCheck` (the tsconfig `pulumi new typescript` writes) passes.
 * The package suite compiles such a project for real (tests/package/newProject.test.ts); this is
 * the fast check, on the build the unit suite's global setup keeps current.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import {
  declarationFiles,
  moduleReferences,
  packageOf,
  unresolvableReferences,
} from "../support/declarationImports";

const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  files: string[];
};

describe("the scan of declaration files", () => {
  test("finds every way a .d.ts names a module, with its line", () => {
    const text = [
      '/// <reference types="node" />',
      '/// <reference path="./other.d.ts" />',
      'import type { Response } from "node-fetch";',
      'import * as pulumi from "@pulumi/pulumi";',
      'export { load } from "js-yaml";',
      'export * from "./local";',
      'import fs = require("fs");',
      'declare const x: import("@pulumi/pulumi/dynamic").ResourceProvider<any, any>;',
      "export declare function f(): Promise<import('left-pad').Options>;",
    ].join("\n");
    expect(
      moduleReferences("x.d.ts", text).map((r) => `${r.line} ${r.how} ${r.specifier}`),
    ).toEqual([
      "1 reference types node",
      "2 reference path ./other.d.ts",
      "3 import node-fetch",
      "4 import @pulumi/pulumi",
      "5 export js-yaml",
      "6 export ./local",
      "7 import = fs",
      "8 import() @pulumi/pulumi/dynamic",
      "9 import() left-pad",
    ]);
  });

  test("package names: scoped, with and without a subpath", () => {
    expect(packageOf("@pulumi/pulumi/dynamic")).toBe("@pulumi/pulumi");
    expect(packageOf("@pulumi/pulumi")).toBe("@pulumi/pulumi");
    expect(packageOf("node-fetch/lib/index")).toBe("node-fetch");
  });

  test("accepts built-ins, peer dependencies and typed dependencies; refuses untyped dependencies, undeclared packages and missing relative files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-dts-"));
    try {
      const types = path.join(dir, "types");
      const nodeModules = path.join(dir, "node_modules");
      fs.mkdirSync(types);
      const installed = (name: string, manifestFields: object, files: string[] = []) => {
        fs.mkdirSync(path.join(nodeModules, name), { recursive: true });
        fs.writeFileSync(
          path.join(nodeModules, name, "package.json"),
          JSON.stringify({ name, ...manifestFields }),
        );
        for (const f of files) fs.writeFileSync(path.join(nodeModules, name, f), "");
      };
      installed("typed", { types: "index.d.ts" });
      installed("typed-by-exports", { exports: { ".": { types: "./a.d.ts" } } });
      installed("typed-by-index", {}, ["index.d.ts"]);
      installed("untyped", { main: "index.js" });
      installed("untyped-but-typed-by-at-types", { main: "index.js" });
      fs.writeFileSync(path.join(types, "other.d.ts"), "export {};\n");
      fs.writeFileSync(
        path.join(types, "index.d.ts"),
        [
          '/// <reference types="node" />',
          'import type { Agent } from "node:http";',
          'import type { Stats } from "fs";',
          'import type * as dynamic from "@scope/peer/dynamic";',
          'import type { A } from "typed";',
          'import type { B } from "typed-by-exports";',
          'import type { C } from "typed-by-index";',
          'import type { D } from "untyped-but-typed-by-at-types";',
          'export * from "./other";',
          'import type { Response } from "untyped";',
          'declare const p: import("not-declared").P;',
          'export * from "./missing";',
          'export * from "../outside";',
        ].join("\n"),
      );
      const problems = unresolvableReferences(
        types,
        {
          dependencies: Object.fromEntries(
            [
              "typed",
              "typed-by-exports",
              "typed-by-index",
              "untyped",
              "untyped-but-typed-by-at-types",
              "@types/untyped-but-typed-by-at-types",
            ].map((n) => [n, "1"]),
          ),
          peerDependencies: { "@scope/peer": "1" },
        },
        nodeModules,
      );
      expect(problems).toEqual([
        'index.d.ts:10: import "untyped": untyped is a dependency but ships no types (and @types/untyped is no dependency): a user\'s compiler finds none',
        'index.d.ts:11: import() "not-declared": not-declared is neither a dependency, a peer dependency nor a Node.js built-in',
        'index.d.ts:12: export "./missing": no such declaration file',
        'index.d.ts:13: export "../outside": points outside the types',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the build's declarations", () => {
  const shipped = path.join(projectRoot, "dist", "provider");

  test("the declarations scanned are the ones the package ships (dist/provider)", () => {
    expect(manifest.files).toContain("dist/provider");
    expect(declarationFiles(shipped)).toEqual(
      expect.arrayContaining(["index.d.ts", "transport/http.d.ts", "identity/cloudsYaml.d.ts"]),
    );
  });

  test("name only Node.js built-ins, @pulumi/pulumi (the peer) and modules of their own folder: no node-fetch or js-yaml types, which users do not get", () => {
    // Both are dependencies without types of their own; their @types are dev dependencies.
    for (const untyped of ["node-fetch", "js-yaml"]) {
      expect(Object.keys(manifest.dependencies)).toContain(untyped);
    }
    expect(
      unresolvableReferences(shipped, manifest, path.join(projectRoot, "node_modules")),
    ).toEqual([]);
  });
});
