/**
 * The package as users install it. `npm pack` runs in a clean copy of the repository (its
 * tracked files only: no dist/, nothing built; the dev tools it builds with are this
 * repository's node_modules, linked), the tarball's file list is checked, then the tarball is
 * installed with `npm install` into fresh npm projects, next to the oldest @pulumi/pulumi of the
 * declared peer range and the newest the registry serves (no NODE_PATH, nothing from this
 * repository). Three small programs, plain JavaScript (CommonJS), an ECMAScript module and
 * strict TypeScript, share an image with two projects under the real engine against the real
 * Keystone + Glance: up, preview, destroy, with assertions on Glance itself.
 *
 * PIM_SDK_VERSIONS="3.139.0 3.276.0" replaces the two versions (for example to try another).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { pulumiBinDir, PulumiProject } from "../support/pulumiEngine";
import { CloudFile, GlanceDriver, loadCloudFile, stackConfigOf } from "../support/realCloud";
import { PackReport, packCleanCopy, sh, shAsync } from "./packedPackage";

jest.setTimeout(15 * 60_000);

const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as {
  version: string;
  peerDependencies: Record<string, string>;
};
const peerRange = manifest.peerDependencies["@pulumi/pulumi"]!;
const MEMBER_TYPE = "pulumi-nodejs:dynamic/images:ImageMember";

/** The oldest version of the peer range (its lower bound) and the newest the registry serves. */
function sdkVersions(): string[] {
  if (process.env.PIM_SDK_VERSIONS) return process.env.PIM_SDK_VERSIONS.split(/\s+/);
  const lower = /^\^(\d+\.\d+\.\d+)$/.exec(peerRange);
  if (!lower) throw new Error(`peer range ${peerRange} is not of the form ^x.y.z: adapt this test`);
  const newest = sh("npm", ["view", "@pulumi/pulumi", "version"], os.tmpdir()).trim();
  return [lower[1]!, newest];
}
const versions = sdkVersions();

/** Every copy of @pulumi/pulumi under a project's node_modules, as path => version. */
function sdkCopies(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (nodeModules: string) => {
    if (!fs.existsSync(nodeModules)) return;
    for (const entry of fs.readdirSync(nodeModules, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const full = path.join(nodeModules, entry.name);
      if (entry.name.startsWith("@")) {
        for (const scoped of fs.readdirSync(full, { withFileTypes: true })) {
          if (!scoped.isDirectory()) continue;
          const pkg = path.join(full, scoped.name);
          if (`${entry.name}/${scoped.name}` === "@pulumi/pulumi") {
            found[path.relative(dir, pkg)] = JSON.parse(
              fs.readFileSync(path.join(pkg, "package.json"), "utf8"),
            ).version;
          }
          walk(path.join(pkg, "node_modules"));
        }
      } else {
        walk(path.join(full, "node_modules"));
      }
    }
  };
  walk(path.join(dir, "node_modules"));
  return found;
}

const programs = {
  cjs: {
    main: "index.js",
    packageJson: undefined,
    files: {
      "index.js": `"use strict";
const pulumi = require("@pulumi/pulumi");
const { ImageMember } = require("pulumi-image-members");

const config = new pulumi.Config();
const imageId = config.require("imageId");
const members = config.requireObject("members");

exports.shared = Object.fromEntries(
  Object.entries(members).map(([name, memberId]) => [
    name,
    new ImageMember("share-with-" + name, { imageId, memberId }).status,
  ]),
);
`,
    },
  },
  esm: {
    main: "index.js",
    packageJson: { type: "module" },
    files: {
      "index.js": `import * as pulumi from "@pulumi/pulumi";
import { ImageMember } from "pulumi-image-members";

const config = new pulumi.Config();
const imageId = config.require("imageId");
const members = config.requireObject("members");

export const shared = Object.fromEntries(
  Object.entries(members).map(([name, memberId]) => [
    name,
    new ImageMember(\`share-with-\${name}\`, { imageId, memberId }).status,
  ]),
);
`,
    },
  },
  ts: {
    main: "index.ts",
    packageJson: undefined,
    files: {
      "index.ts": `import * as pulumi from "@pulumi/pulumi";
import { ImageMember, type ImageMemberArgs } from "pulumi-image-members";

const config = new pulumi.Config();
const imageId: string = config.require("imageId");
const members = config.requireObject<Record<string, string>>("members");
// Optional settings read from config are \`string | undefined\`: the argument types must take
// them as they are under exactOptionalPropertyTypes.
const region: string | undefined = config.get("region");
const adoptExisting: boolean | undefined = config.getBoolean("adoptExisting");

export const shared: Record<string, pulumi.Output<string>> = {};
for (const [name, memberId] of Object.entries(members)) {
  const args: ImageMemberArgs = { imageId, memberId, region, adoptExisting };
  const member = new ImageMember(\`share-with-\${name}\`, args);
  shared[name] = member.status;
}
`,
      "tsconfig.json": JSON.stringify(
        {
          compilerOptions: {
            target: "ES2022",
            module: "commonjs",
            moduleResolution: "node",
            strict: true,
            exactOptionalPropertyTypes: true,
            noUncheckedIndexedAccess: true,
            esModuleInterop: true,
            // As a user's project may: the package's declarations are checked too.
            skipLibCheck: false,
            types: ["node"],
          },
          files: ["index.ts"],
        },
        null,
        2,
      ),
    },
  },
} as const;
type ProgramKind = keyof typeof programs;

describe("the packed package", () => {
  let work: string;
  let tarball: string;
  let packed: PackReport;
  let cloud: CloudFile;

  beforeAll(() => {
    cloud = loadCloudFile();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "pim-package-"));
    ({ tarball, packed } = packCleanCopy(work));
  });

  afterAll(() => {
    if (process.env.PIM_KEEP_WORK_DIRS === "true") console.log(`kept ${work}`);
    else if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("builds before packing and ships the build, its types, the three serialized entry points, the provider plugin (launcher and schema), LICENSE and README, and the pages the README links (docs/, CONTRIBUTING.md); no tests, bench, examples or source maps", () => {
    expect(fs.existsSync(tarball)).toBe(true);
    const files = packed.files.map((f) => f.path).sort();
    for (const required of [
      "package.json",
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/serialization/runtime.js",
      "dist/provider/serialization/runtime.d.ts",
      "dist/provider/serialization/imageMember.js",
      "dist/provider/serialization/imageMemberAcceptance.js",
      "dist/provider/serialization/imageMembers.js",
      "bin/pulumi-resource-imagemembers",
      "dist/provider/plugin/main.js",
      "dist/provider/plugin/schema.json",
      "CONTRIBUTING.md",
      "docs/resources.md",
      "docs/plugin.md",
      "docs/benchmarks/README.md",
    ]) {
      expect(files).toContain(required);
    }
    const strays = files.filter(
      (f) =>
        !/^dist\/provider\/.*\.(js|d\.ts)$/.test(f) &&
        !/^docs\/.*\.md$/.test(f) &&
        ![
          "package.json",
          "README.md",
          "LICENSE",
          "CHANGELOG.md",
          "CONTRIBUTING.md",
          "bin/pulumi-resource-imagemembers",
          "dist/provider/plugin/schema.json",
        ].includes(f),
    );
    expect(strays).toEqual([]);
    expect(files.filter((f) => /(^|\/)(tests?|bench|examples|api)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    // Every compiled module has its declarations next to it.
    for (const js of files.filter((f) => f.endsWith(".js"))) {
      expect(files).toContain(js.replace(/\.js$/, ".d.ts"));
    }
    // Each entry point of package.json "exports" is in the tarball.
    const exportsField = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"))
      .exports as Record<string, string | Record<string, string>>;
    for (const target of Object.values(exportsField).flatMap((t) =>
      typeof t === "string" ? [t] : Object.values(t),
    )) {
      expect(files).toContain(target.replace(/^\.\//, ""));
    }
  });

  describe.each(versions)("installed with @pulumi/pulumi %s", (sdkVersion) => {
    let dir: string;
    let owner: GlanceDriver;

    beforeAll(async () => {
      dir = path.join(work, `project-sdk-${sdkVersion}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({ name: "pim-user-project", version: "0.0.0", private: true }, null, 2),
      );
      const started = Date.now();
      await shAsync(
        "npm",
        [
          "install",
          "--no-audit",
          "--no-fund",
          "--loglevel=error",
          tarball,
          `@pulumi/pulumi@${sdkVersion}`,
          "typescript@5",
          "@types/node@22",
        ],
        dir,
      );
      console.log(
        `npm install of the tarball with @pulumi/pulumi ${sdkVersion}: ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      for (const [kind, program] of Object.entries(programs)) {
        const programDir = path.join(dir, kind);
        fs.mkdirSync(programDir);
        fs.writeFileSync(
          path.join(programDir, "Pulumi.yaml"),
          `name: pim-install-${kind}\nruntime: nodejs\nmain: ${program.main}\n`,
        );
        if (program.packageJson) {
          fs.writeFileSync(
            path.join(programDir, "package.json"),
            JSON.stringify(program.packageJson, null, 2),
          );
        }
        for (const [name, text] of Object.entries(program.files)) {
          fs.writeFileSync(path.join(programDir, name), text);
        }
      }
      owner = new GlanceDriver(cloud, cloud.identities.owner);
    });

    afterAll(async () => {
      await owner?.cleanUp();
    });

    test("one copy of @pulumi/pulumi, the user's, and npm sees the peer range satisfied", async () => {
      expect(sdkCopies(dir)).toEqual({ "node_modules/@pulumi/pulumi": sdkVersion });
      // `npm ls` exits non-zero on a missing or invalid peer dependency.
      const tree = JSON.parse(
        await shAsync("npm", ["ls", "--all", "--json", "@pulumi/pulumi"], dir),
      ) as {
        dependencies: Record<string, { version: string; dependencies?: Record<string, unknown> }>;
      };
      expect(tree.dependencies["@pulumi/pulumi"]!.version).toBe(sdkVersion);
      expect(tree.dependencies["pulumi-image-members"]!.version).toBe(manifest.version);
      expect(
        fs.existsSync(path.join(dir, "node_modules/pulumi-image-members/node_modules/@pulumi")),
      ).toBe(false);
      // A real copy, not a link into this repository.
      expect(fs.lstatSync(path.join(dir, "node_modules/pulumi-image-members")).isDirectory()).toBe(
        true,
      );
    });

    test("the provider plugin runs from the install: pulumi package get-schema of node_modules/.bin/pulumi-resource-imagemembers", async () => {
      const launcher = path.join(dir, "node_modules/.bin/pulumi-resource-imagemembers");
      expect(fs.lstatSync(launcher).isSymbolicLink()).toBe(true); // npm links bin entries
      const home = fs.mkdtempSync(path.join(work, "pulumi-home-"));
      const schema = await new Promise<string>((resolve, reject) =>
        execFile(
          path.join(pulumiBinDir(), "pulumi"),
          ["package", "get-schema", launcher],
          {
            cwd: dir,
            env: { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" },
            timeout: 120_000,
          },
          (error, stdout, stderr) =>
            error
              ? reject(new Error(`get-schema failed: ${stderr || error.message}`))
              : resolve(stdout),
        ),
      );
      const parsed = JSON.parse(schema) as { name: string; version: string; resources: object };
      expect(parsed.name).toBe("imagemembers");
      expect(parsed.version).toBe(manifest.version);
      expect(Object.keys(parsed.resources)).toContain("imagemembers:index:ImageMember");
    });

    test("the strict TypeScript program type-checks (strict, exactOptionalPropertyTypes)", async () => {
      await shAsync(
        process.execPath,
        [path.join(dir, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json", "--noEmit"],
        path.join(dir, "ts"),
      );
    });

    test.each(Object.keys(programs) as ProgramKind[])(
      "%s program: up shares the image with two projects (Glance lists them), preview shows no change, state holds a require() of the package, destroy removes them",
      async (kind) => {
        const imageId = await owner.createImage();
        const members = {
          a: cloud.identities.consumer1.projectId,
          b: cloud.identities.consumer2.projectId,
        };
        const project = new PulumiProject(path.join(dir, kind), kind, undefined, false);
        try {
          const { "openstack:password": password, ...config } = stackConfigOf(
            cloud.identities.owner,
          );
          await project.init({ ...config, imageId }, { "openstack:password": password! });
          await project.setConfig("members", JSON.stringify(members));

          const started = Date.now();
          const up = await project.up();
          expect(up.stdout).toMatch(/3 created/); // the stack and its two members
          expect(
            up.stdout.split("\n").filter((l) => l.includes(`${MEMBER_TYPE}: (create)`)),
          ).toHaveLength(2);
          expect(await owner.memberIds(imageId)).toEqual(Object.values(members).sort());
          expect(await project.outputs()).toEqual({ shared: { a: "pending", b: "pending" } });

          const state = await project.exportState();
          const resources = (state.deployment.resources ?? []).filter(
            (r) => r.type === MEMBER_TYPE,
          );
          expect(resources).toHaveLength(2);
          for (const resource of resources) {
            const serialized = String(resource.inputs?.__provider);
            expect(serialized).toContain(`require("pulumi-image-members/serialized/imageMember")`);
            expect(serialized.length).toBeLessThan(1000);
            expect(resource.outputs?.__provider).toBe(resource.inputs?.__provider);
          }
          expect(state.text).not.toContain(password!);

          const preview = await project.run([
            "preview",
            "--expect-no-changes",
            "--stack",
            kind,
            "--config-file",
            project.configFile,
          ]);
          expect(preview.stdout).toMatch(/3 unchanged/);

          const destroy = await project.destroy();
          expect(destroy.stdout).toMatch(/3 deleted/);
          expect(await owner.memberIds(imageId)).toEqual([]);
          console.log(
            `${kind} program with @pulumi/pulumi ${sdkVersion} on Node.js ${process.version}: ` +
              `up, preview, destroy in ${((Date.now() - started) / 1000).toFixed(1)} s`,
          );
        } finally {
          await project.destroy({ allowFailure: true });
          project.cleanUp();
        }
      },
    );
  });
});
