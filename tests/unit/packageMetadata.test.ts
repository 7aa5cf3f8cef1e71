/**
 * What a registry shows of the package (issue 28): package.json's keywords and the files its
 * README links, and the plugin schema's publisher, keywords and license, taken from
 * package.json so the two never disagree.
 */
import * as fs from "fs";
import * as path from "path";
import { generateSchema } from "../../scripts/plugin-schema";
import { projectRoot } from "../support/childProcess";

const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as {
  author?: string;
  license: string;
  keywords?: string[];
  files: string[];
};

test("package.json has keywords a search for OpenStack image sharing with Pulumi finds", () => {
  expect(manifest.keywords).toEqual(
    expect.arrayContaining(["pulumi", "openstack", "glance", "images"]),
  );
});

test("the plugin schema carries publisher, keywords and license, from package.json", () => {
  const schema = generateSchema();
  expect(manifest.author).toBeTruthy();
  expect(schema.publisher).toBe(manifest.author);
  expect(schema.license).toBe(manifest.license);
  expect(schema.keywords).toEqual([...manifest.keywords!, "category/cloud", "kind/native"]);
});

test("the package ships the pages the README links: docs/ and CONTRIBUTING.md", () => {
  // The packed tarball's links are followed by tests/package/newProject.test.ts; this is the
  // quick check of the list that decides what is packed.
  expect(manifest.files).toEqual(
    expect.arrayContaining(["docs/**/*.md", "CONTRIBUTING.md", "CHANGELOG.md"]),
  );
});
