/**
 * Every relative link and `#anchor` of the project's Markdown (README.md, CONTRIBUTING.md,
 * CHANGELOG.md, docs/, examples/) resolves as it does on GitHub: the README links into docs/,
 * so moving or renaming a section must not leave a dead link behind.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { anchorsOf, brokenLinks, projectMarkdownFiles, slug } from "../support/markdownLinks";

describe("GitHub's heading anchors", () => {
  test.each([
    [
      "Provider plugin: YAML programs and `pulumi import`",
      "provider-plugin-yaml-programs-and-pulumi-import",
    ],
    ["Reading a pull request's preview", "reading-a-pull-requests-preview"],
    ["`ImageMemberAcceptance`", "imagememberacceptance"],
    ["Credentials at `refresh` and `destroy`", "credentials-at-refresh-and-destroy"],
    ["Targets (issues 7 and 14)", "targets-issues-7-and-14"],
    ["**Bold** and [a link](x.md) — dash", "bold-and-a-link--dash"],
    ["snake_case and _emphasis_", "snake_case-and-emphasis"],
    ["Åland, ÉTÉ", "åland-été"],
  ])("%s → #%s", (heading, anchor) => {
    expect(slug(heading)).toBe(anchor);
  });

  test("repeated headings get -1, -2; fenced code is no heading; <a id> and <a name> count", () => {
    const text = [
      "# Notes",
      "## Notes",
      "```sh",
      "# Notes (a shell comment)",
      "```",
      "### Notes",
      '<a id="kept-here"></a> and <a name="old-name"></a>',
    ].join("\n");
    expect([...anchorsOf(text)].sort()).toEqual(
      ["kept-here", "notes", "notes-1", "notes-2", "old-name"].sort(),
    );
  });
});

describe("the link checker", () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "md-links-"));
    fs.mkdirSync(path.join(root, "docs"));
    fs.writeFileSync(path.join(root, "docs", "page.md"), "# Page\n\n## A section\n");
    fs.writeFileSync(
      path.join(root, "README.md"),
      [
        "# Title",
        "[fine](docs/page.md#a-section) [self](#title) [site](https://example.org/x#y)",
        "[gone](docs/missing.md) [bad anchor](docs/page.md#no-such-section) [here](#nope)",
        "`[not a link](nowhere.md)`",
        "```md",
        "[in a code block](nowhere.md)",
        "```",
        "[ref]: ../outside.md",
      ].join("\n"),
    );
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test("names each dead file, missing anchor and link outside the repository, and only those", () => {
    expect(brokenLinks(root, ["README.md", "docs/page.md"])).toEqual([
      "README.md:3: docs/missing.md: no such file or folder (docs/missing.md)",
      "README.md:3: docs/page.md#no-such-section: no heading or <a id> gives #no-such-section in docs/page.md",
      "README.md:3: #nope: no heading or <a id> gives #nope in README.md",
      "README.md:8: ../outside.md: points outside the repository",
    ]);
  });
});

describe("the project's Markdown", () => {
  const files = projectMarkdownFiles(projectRoot);

  test("covers the README, CONTRIBUTING, CHANGELOG and docs/", () => {
    expect(files).toEqual(
      expect.arrayContaining(["README.md", "CONTRIBUTING.md", "CHANGELOG.md", "docs/resources.md"]),
    );
    expect(files.filter((f) => f.includes("node_modules") || f.includes("/dist/"))).toEqual([]);
  });

  test("every relative link and #anchor resolves", () => {
    expect(brokenLinks(projectRoot, files)).toEqual([]);
  });
});
