/**
 * Checks the relative links of the project's Markdown files as GitHub resolves them: the file
 * (or folder) must exist inside the repository, and a `#anchor` must name a heading of the
 * target (GitHub's slug of it) or an explicit `<a id>` / `<a name>`. Links to other sites are
 * not followed: nothing here may need the network.
 */
import * as fs from "fs";
import * as path from "path";

/** One link that does not resolve, as `file:line: target: why`. */
export type Problem = string;

/** The Markdown files users and contributors read, relative to `root`, sorted. */
export function projectMarkdownFiles(root: string): string[] {
  const files = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md"].filter((f) =>
    fs.existsSync(path.join(root, f)),
  );
  for (const folder of ["docs", "examples"]) files.push(...markdownUnder(root, folder));
  return files.sort();
}

function markdownUnder(root: string, folder: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    const absolute = path.join(root, relative);
    if (!fs.existsSync(absolute)) return;
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      // Installed packages and build output are not the project's pages.
      if (["node_modules", "dist"].includes(entry.name) || entry.name.startsWith(".")) continue;
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith(".md")) found.push(child.split(path.sep).join("/"));
    }
  };
  walk(folder);
  return found;
}

/** The text outside fenced code blocks, one entry per line (fenced lines become ""). */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split("\n").map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined) {
      if (marker) fence = marker;
      return marker ? "" : line;
    }
    if (
      marker &&
      marker[0] === fence[0] &&
      marker.length >= fence.length &&
      !/\S/.test(line.slice(line.indexOf(marker) + marker.length))
    ) {
      fence = undefined;
    }
    return "";
  });
}

/** Inline code spans removed (their text is literal, never a link). */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, "");
}

/** The text GitHub renders for a heading's Markdown: code kept literally, markup dropped. */
function headingText(source: string): string {
  return source
    .split(/(`+[^`]*`+)/)
    .map((part) => {
      if (part.startsWith("`")) return part.replace(/^`+|`+$/g, "");
      return part
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/<[^>]+>/g, "")
        .replace(/\*+/g, "")
        .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, "$1");
    })
    .join("");
}

/**
 * GitHub's anchor for a heading: lower case; every character but letters, marks, digits,
 * connector punctuation (`_`), hyphens and spaces dropped; each space a hyphen.
 */
export function slug(heading: string): string {
  return headingText(heading)
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a Markdown text defines: heading slugs (repeats get -1, -2, ...) and <a id/name>. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text)) {
    const heading = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      let anchor = base;
      let count = seen.get(base) ?? 0;
      while (anchors.has(anchor)) anchor = `${base}-${++count}`;
      seen.set(base, count);
      anchors.add(anchor);
    }
    for (const match of withoutCodeSpans(line).matchAll(
      /<a\s[^>]*\b(?:id|name)\s*=\s*["']([^"']+)["']/gi,
    )) {
      anchors.add(match[1]!);
    }
  }
  return anchors;
}

/** The link targets of one line of prose: inline links and images, definitions, href and src. */
function targetsOf(line: string): string[] {
  const prose = withoutCodeSpans(line);
  const targets: string[] = [];
  for (const match of prose.matchAll(/\]\(\s*(<[^>]*>|[^\s)]*)/g)) {
    targets.push(match[1]!.replace(/^<|>$/g, ""));
  }
  const definition = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(prose)?.[1];
  if (definition) targets.push(definition.replace(/^<|>$/g, ""));
  for (const match of prose.matchAll(/\b(?:href|src)\s*=\s*["']([^"']*)["']/gi)) {
    targets.push(match[1]!);
  }
  return targets;
}

/** The links of `files` (relative to `root`) that do not resolve; empty when all do. */
export function brokenLinks(root: string, files: string[]): Problem[] {
  const problems: Problem[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOfFile = (absolute: string) => {
    let anchors = anchorCache.get(absolute);
    if (!anchors)
      anchorCache.set(absolute, (anchors = anchorsOf(fs.readFileSync(absolute, "utf8"))));
    return anchors;
  };
  for (const file of files) {
    const absoluteFile = path.join(root, file);
    proseLines(fs.readFileSync(absoluteFile, "utf8")).forEach((line, index) => {
      for (const target of targetsOf(line)) {
        // Other sites (https:, mailto:, ...) and protocol-relative URLs are not checked.
        if (target === "" || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//"))
          continue;
        const why = resolve(root, absoluteFile, target, anchorsOfFile);
        if (why) problems.push(`${file}:${index + 1}: ${target}: ${why}`);
      }
    });
  }
  return problems;
}

function resolve(
  root: string,
  fromFile: string,
  target: string,
  anchorsOfFile: (absolute: string) => Set<string>,
): string | undefined {
  const hash = target.indexOf("#");
  const filePart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const absolute =
    filePart === ""
      ? fromFile
      : filePart.startsWith("/")
        ? path.join(root, filePart)
        : path.resolve(path.dirname(fromFile), filePart);
  const inside = path.relative(root, absolute);
  if (inside.startsWith("..") || path.isAbsolute(inside)) return "points outside the repository";
  if (!fs.existsSync(absolute)) return `no such file or folder (${inside})`;
  if (anchor === undefined) return undefined;
  if (!absolute.endsWith(".md") || fs.statSync(absolute).isDirectory()) {
    return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : `#${anchor} on a file that is not Markdown`;
  }
  return anchorsOfFile(absolute).has(anchor)
    ? undefined
    : `no heading or <a id> gives #${anchor} in ${inside}`;
}
