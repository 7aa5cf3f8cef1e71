/**
 * Where a new user stands (issue 28): the tarball `npm pack` makes from a clean checkout,
 * installed into empty folders exactly as the README's Quickstart says.
 *
 * - TypeScript: a project shaped as `pulumi new typescript` writes it (its package.json and its
 *   tsconfig.json: `strict`, `module: nodenext`, no `skipLibCheck`), `npm install`, then
 *   `npm install` of the tarball; the README's program, taken from the packed README, as
 *   index.ts; `npx tsc --noEmit` passes; `pulumi up`, `preview --diff`, the allow-list the
 *   Quickstart recommends, `destroy`, against the real Keystone + Glance, asserting on Glance.
 * - YAML: `npm install` of the tarball in an empty folder, the README's Pulumi.yaml (the
 *   `plugins` stanza into node_modules), `pulumi up`, `pulumi import`, `destroy`; and without
 *   the stanza, the engine's message the README quotes.
 * - Every relative link of the packed README, and of every page the tarball ships, resolves to
 *   a file of the tarball.
 *
 * `pulumi new` itself needs the network (it downloads its templates), so the test writes the
 * files that template makes (pulumi/templates, typescript/) and runs the `npm install` it runs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeCloudsYaml } from "../support/cloudsYaml";
import {
  codeBetweenMarkers,
  pluginNotFound,
  pluginProgram,
  quickstartProgram,
} from "../support/docSamples";
import { brokenLinks, projectMarkdownFiles } from "../support/markdownLinks";
import { PulumiProject } from "../support/pulumiEngine";
import { CloudFile, GlanceDriver, loadCloudFile } from "../support/realCloud";
import { packCleanCopy, sh, shAsync } from "./packedPackage";

jest.setTimeout(15 * 60_000);

const MEMBER_TYPE = "pulumi-nodejs:dynamic/images:ImageMember";

/** The files `pulumi new typescript` writes for a project named `name`, before its npm install. */
function pulumiNewTypeScript(name: string): Record<string, string> {
  const json = (value: unknown) => `${JSON.stringify(value, null, 4)}\n`;
  return {
    "Pulumi.yaml": `name: ${name}\ndescription: A minimal TypeScript Pulumi program\nruntime: nodejs\n`,
    "package.json": json({
      name,
      main: "index.ts",
      devDependencies: { "@types/node": "^18", typescript: "^5.0.0" },
      dependencies: { "@pulumi/pulumi": "^3.113.0" },
    }),
    // Exactly the template's: strict, and no skipLibCheck, so every .d.ts is checked.
    "tsconfig.json": json({
      compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "nodenext",
        moduleResolution: "nodenext",
        sourceMap: true,
        experimentalDecorators: true,
        pretty: true,
        noFallthroughCasesInSwitch: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
      },
      files: ["index.ts"],
    }),
    "index.ts": 'import * as pulumi from "@pulumi/pulumi";\n',
    ".gitignore": "/bin/\n/node_modules/\n",
  };
}

/** The README's Pulumi.yaml without its `plugins` stanza: what a user writes who missed it. */
function withoutPluginsStanza(pulumiYaml: string): string {
  const without = pulumiYaml.replace(/^plugins:\n(?:[ #].*\n)*/m, "");
  if (without === pulumiYaml) throw new Error(`no plugins stanza in:\n${pulumiYaml}`);
  return without;
}

/** The command's output with the engine's line breaks joined (it wraps long messages). */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ");
}

describe("a new user's projects, from empty folders, with the packed package", () => {
  let work: string;
  let tarball: string;
  let unpacked: string;
  let readme: string;
  let cloud: CloudFile;
  let owner: GlanceDriver;
  let credentials: Record<string, string>;

  beforeAll(() => {
    cloud = loadCloudFile();
    owner = new GlanceDriver(cloud, cloud.identities.owner);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "pim-new-project-"));
    ({ tarball } = packCleanCopy(work));
    unpacked = path.join(work, "unpacked");
    fs.mkdirSync(unpacked);
    sh("tar", ["-xzf", tarball, "-C", unpacked], work);
    unpacked = path.join(unpacked, "package");
    readme = fs.readFileSync(path.join(unpacked, "README.md"), "utf8");
    // The Quickstart's `export OS_CLOUD=mycloud`: the image owner's clouds.yaml entry.
    const clouds = path.join(work, "openstack");
    fs.mkdirSync(clouds);
    credentials = writeCloudsYaml(cloud, clouds)("owner");
  });

  afterAll(async () => {
    await owner?.cleanUp();
    if (process.env.PIM_KEEP_WORK_DIRS === "true") console.log(`kept ${work}`);
    else if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("every relative link of the packed README, and of each page the tarball ships, resolves to a file of the tarball", () => {
    const pages = projectMarkdownFiles(unpacked);
    expect(brokenLinks(unpacked, pages)).toEqual([]);
    expect(pages).toEqual(
      expect.arrayContaining(["README.md", "CONTRIBUTING.md", "CHANGELOG.md", "docs/plugin.md"]),
    );
    // The check sees the README's links: alone, without the pages it links, they are dead.
    const alone = path.join(work, "readme-alone");
    fs.mkdirSync(alone);
    fs.copyFileSync(path.join(unpacked, "README.md"), path.join(alone, "README.md"));
    const dead = brokenLinks(alone, ["README.md"]);
    expect(dead.length).toBeGreaterThan(10);
    expect(dead.join("\n")).toMatch(/docs\/plugin\.md: no such file/);
  });

  describe("TypeScript, in a project as `pulumi new typescript` makes it", () => {
    let dir: string;

    beforeAll(async () => {
      dir = path.join(work, "image-shares");
      fs.mkdirSync(dir);
      for (const [name, text] of Object.entries(pulumiNewTypeScript("image-shares"))) {
        fs.writeFileSync(path.join(dir, name), text);
      }
      const started = Date.now();
      // What `pulumi new` runs, then the README's `npm install pulumi-image-members`.
      await shAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], dir);
      await shAsync(
        "npm",
        ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball],
        dir,
      );
      console.log(
        `new TypeScript project: npm install, then of the tarball, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      // "Replace index.ts with this program"
      fs.writeFileSync(
        path.join(dir, "index.ts"),
        codeBetweenMarkers(quickstartProgram, readme, "ts"),
      );
    });

    test("npx tsc --noEmit passes with the template's tsconfig.json (strict, no skipLibCheck)", async () => {
      const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8")) as {
        compilerOptions: Record<string, unknown>;
      };
      expect(tsconfig.compilerOptions.strict).toBe(true);
      expect(tsconfig.compilerOptions).not.toHaveProperty("skipLibCheck");
      // The package's own declarations are among those checked.
      const listed = await shAsync("npx", ["tsc", "--noEmit", "--listFilesOnly"], dir);
      expect(listed).toMatch(/node_modules\/pulumi-image-members\/dist\/provider\/index\.d\.ts/);
      expect(listed).toMatch(/node_modules\/pulumi-image-members\/dist\/provider\/transport\//);
      await shAsync("npx", ["tsc", "--noEmit"], dir);
    });

    test("the README's program: pulumi up shares the image, preview --diff shows the next project, the allow-list refuses one not on it, destroy removes the member", async () => {
      const imageId = await owner.createImage();
      const ops = cloud.identities.consumer1.projectId;
      const ci = cloud.identities.consumer2.projectId;
      const project = new PulumiProject(dir, "dev", undefined, false);
      project.env = credentials;
      const config = (...args: string[]) =>
        project.run([
          "config",
          "set",
          "--stack",
          "dev",
          "--config-file",
          project.configFile,
          ...args,
        ]);
      try {
        await project.run(["stack", "init", "dev"]);
        await config("imageId", imageId);
        await config("--path", "members.ops", ops);

        const up = await project.up();
        expect(up.stdout).toMatch(/2 created/); // the stack and the member
        expect(await owner.memberIds(imageId)).toEqual([ops]);
        expect(await project.outputs()).toEqual({
          shared: { ops: { memberId: ops, status: "pending" } },
        });

        await config("--path", "members.ci", ci);
        const preview = await project.preview();
        expect(preview.stdout).toContain(`+ ${MEMBER_TYPE}: (create)`);
        expect(preview.stdout).toMatch(/share-with-ci/);
        expect(preview.stdout).toMatch(/1 to create/);

        // The Quickstart's advice for production: the allow-list, here without `ci`.
        await config("--path", "imagemembers:allowedProjects[0]", ops);
        const refused = await project.preview({ allowFailure: true });
        expect(refused.code).not.toBe(0);
        expect(oneLine(refused.stdout + refused.stderr)).toContain(
          `project ${ci} is not on the allowed list`,
        );
        expect(await owner.memberIds(imageId)).toEqual([ops]);

        const destroy = await project.destroy();
        expect(destroy.stdout).toMatch(/2 deleted/);
        expect(await owner.memberIds(imageId)).toEqual([]);
      } finally {
        await project.destroy({ allowFailure: true });
        project.cleanUp();
      }
    });
  });

  describe("YAML, through the plugin route the README documents", () => {
    let dir: string;
    let program: string;

    beforeAll(async () => {
      dir = path.join(work, "image-shares-yaml");
      fs.mkdirSync(dir);
      // "npm install pulumi-image-members" in an empty folder (npm 7+ adds @pulumi/pulumi, the
      // peer dependency the plugin runs on).
      await shAsync(
        "npm",
        ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball],
        dir,
      );
      expect(fs.existsSync(path.join(dir, "node_modules/@pulumi/pulumi/package.json"))).toBe(true);
      program = codeBetweenMarkers(pluginProgram, readme, "yaml");
    });

    test("without the plugins stanza the engine stops with the messages README.md and docs/plugin.md quote; with it but before npm install, with no folder at path", async () => {
      const pluginPage = fs.readFileSync(path.join(unpacked, "docs/plugin.md"), "utf8");
      const quoted = codeBetweenMarkers(pluginNotFound, readme, "text");
      expect(codeBetweenMarkers(pluginNotFound, pluginPage, "text")).toBe(quoted);
      const [lookedUp, notFound, ...rest] = quoted
        .trim()
        .split("\n")
        .map((line) => line.replace(/ …$/, ""));
      expect(rest).toEqual([]);

      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), withoutPluginsStanza(program));
      const project = new PulumiProject(dir, "dev", undefined, false);
      project.env = credentials;
      const notInstalledDir = path.join(work, "image-shares-yaml-not-installed");
      fs.mkdirSync(notInstalledDir);
      fs.writeFileSync(path.join(notInstalledDir, "Pulumi.yaml"), program);
      const notInstalled = new PulumiProject(notInstalledDir, "dev", undefined, false);
      try {
        await project.run(["stack", "init", "dev"]);
        await project.setConfig("imageId", "d164b5df-1bc3-4c3f-893e-3e471fd16e64");
        await project.setConfig("ops", cloud.identities.consumer1.projectId);
        // As a user runs it: the engine looks for plugins on its own.
        const asUser = await project.preview({
          allowFailure: true,
          env: { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false" },
        });
        expect(asUser.code).not.toBe(0);
        expect(oneLine(asUser.stdout + asUser.stderr)).toContain(lookedUp);
        // As this suite's engine runs everything (and many pipelines): no plugin downloads.
        const inPipeline = await project.preview({ allowFailure: true });
        expect(inPipeline.code).not.toBe(0);
        expect(oneLine(inPipeline.stdout + inPipeline.stderr)).toContain(notFound);

        await notInstalled.run(["stack", "init", "dev"]);
        await notInstalled.setConfig("imageId", "d164b5df-1bc3-4c3f-893e-3e471fd16e64");
        await notInstalled.setConfig("ops", cloud.identities.consumer1.projectId);
        const beforeInstall = await notInstalled.preview({ allowFailure: true });
        expect(beforeInstall.code).not.toBe(0);
        expect(oneLine(beforeInstall.stdout + beforeInstall.stderr)).toContain(
          `no folder at path '${path.join(notInstalledDir, "node_modules/pulumi-image-members/bin")}'`,
        );
      } finally {
        project.cleanUp();
        notInstalled.cleanUp();
      }
    });

    test("the README's Pulumi.yaml: pulumi up shares the image, preview --diff shows no change, pulumi import takes over a member made by hand, destroy removes both", async () => {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), program);
      const imageId = await owner.createImage();
      const ops = cloud.identities.consumer1.projectId;
      const ci = cloud.identities.consumer2.projectId;
      const project = new PulumiProject(dir, "dev", undefined, false);
      project.env = credentials;
      const stackArgs = ["--stack", "dev", "--config-file", project.configFile];
      try {
        await project.run(["stack", "init", "dev"]);
        await project.setConfig("imageId", imageId);
        await project.setConfig("ops", ops);

        const up = await project.up();
        expect(up.stdout).toMatch(/2 created/); // the stack and the member
        expect(up.stdout).toContain("imagemembers:index:ImageMember::share-with-ops]");
        expect(await owner.memberIds(imageId)).toEqual([ops]);
        expect(await project.outputs()).toEqual({ opsStatus: "pending" });

        const preview = await project.run([
          "preview",
          "--diff",
          "--expect-no-changes",
          ...stackArgs,
        ]);
        expect(preview.stdout).toMatch(/2 unchanged/);

        // The README's import line, for a membership made outside Pulumi.
        await owner.addMember(imageId, ci);
        const imported = await project.run([
          "import",
          "imagemembers:index:ImageMember",
          "share-with-ci",
          `${imageId}/${ci}`,
          "--yes",
          "--protect=false",
          ...stackArgs,
        ]);
        expect(imported.stdout).toMatch(/1 imported/);
        const state = await project.exportState();
        expect(
          (state.deployment.resources ?? [])
            .filter((r) => r.type === "imagemembers:index:ImageMember")
            .map((r) => r.id)
            .sort(),
        ).toEqual([`${imageId}/${ci}`, `${imageId}/${ops}`].sort());

        const destroy = await project.destroy();
        expect(destroy.stdout).toMatch(/3 deleted/);
        expect(await owner.memberIds(imageId)).toEqual([]);
      } finally {
        await project.destroy({ allowFailure: true });
        project.cleanUp();
      }
    });
  });
});
