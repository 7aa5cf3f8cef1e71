/**
 * What the package's declaration files (.d.ts) ask of the project that installs it. A user's
 * `tsc` (strict, no `skipLibCheck`, as `pulumi new typescript` writes it) reads every .d.ts the
 * package's types reach, and each module one of them names must have types in the user's
 * node_modules: a Node.js built-in (the user's @types/node), a peer dependency the user installs,
 * or a dependency that ships its own types (or whose `@types/` package is a dependency too).
 * node-fetch 2 and js-yaml 4 ship none: their types are dev dependencies here, which a user
 * never gets, so no public declaration may name them.
 */
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import * as ts from "typescript";

/** One module a declaration file names, and how. */
export interface ModuleReference {
  specifier: string;
  /** 1-based. */
  line: number;
  how: "import" | "export" | "import()" | "import =" | "reference types" | "reference path";
}

/** Every module a declaration file's text names: imports, re-exports, import types, references. */
export function moduleReferences(fileName: string, text: string): ModuleReference[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: ModuleReference[] = [];
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const add = (node: ts.Node, how: ModuleReference["how"]) => {
    if (ts.isStringLiteralLike(node)) {
      found.push({ specifier: node.text, line: lineOf(node.getStart(source)), how });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, "import");
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier)
      add(node.moduleSpecifier, "export");
    else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    )
      add(node.moduleReference.expression, "import =");
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      add(node.argument.literal, "import()");
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const ref of source.typeReferenceDirectives) {
    found.push({ specifier: ref.fileName, line: lineOf(ref.pos), how: "reference types" });
  }
  for (const ref of source.referencedFiles) {
    found.push({ specifier: ref.fileName, line: lineOf(ref.pos), how: "reference path" });
  }
  return found.sort((a, b) => a.line - b.line);
}

/** The package a bare specifier belongs to: `@scope/name` or `name`, without a subpath. */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** True when the installed package at `dir` carries declarations of its own. */
function shipsTypes(dir: string): boolean {
  const manifestFile = path.join(dir, "package.json");
  if (!fs.existsSync(manifestFile)) return false;
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as {
    types?: string;
    typings?: string;
    exports?: unknown;
  };
  if (manifest.types || manifest.typings) return true;
  if (JSON.stringify(manifest.exports ?? null).includes('"types"')) return true;
  return fs.existsSync(path.join(dir, "index.d.ts"));
}

/** The `@types/` package of a package name (`@scope/name` becomes `@types/scope__name`). */
function typesPackageOf(name: string): string {
  return `@types/${name.startsWith("@") ? name.slice(1).replace("/", "__") : name}`;
}

export interface PackageManifest {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Every .d.ts file under `dir`, relative to it, sorted. */
export function declarationFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith(".d.ts")) found.push(child.split(path.sep).join("/"));
    }
  };
  walk("");
  return found.sort();
}

/**
 * The references of the .d.ts files under `declarationsDir` that a user's compiler could not
 * resolve with what installing the package gives it, as `file:line: how "specifier": why`.
 * `nodeModules` is where the package's dependencies are installed (to see whether they ship
 * types); a relative reference must name a declaration file under `declarationsDir`.
 */
export function unresolvableReferences(
  declarationsDir: string,
  manifest: PackageManifest,
  nodeModules: string,
): string[] {
  const dependencies = Object.keys(manifest.dependencies ?? {});
  const peers = Object.keys(manifest.peerDependencies ?? {});
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const problems: string[] = [];
  for (const file of declarationFiles(declarationsDir)) {
    const absolute = path.join(declarationsDir, file);
    for (const ref of moduleReferences(file, fs.readFileSync(absolute, "utf8"))) {
      const why = judge(ref, absolute);
      if (why) problems.push(`${file}:${ref.line}: ${ref.how} "${ref.specifier}": ${why}`);
    }
  }
  return problems;

  function judge(ref: ModuleReference, fromFile: string): string | undefined {
    const { specifier } = ref;
    if (ref.how === "reference path" || specifier.startsWith(".")) {
      const target = path.resolve(path.dirname(fromFile), specifier);
      const inside = path.relative(declarationsDir, target);
      if (inside.startsWith("..") || path.isAbsolute(inside)) return "points outside the types";
      const candidates = [target, `${target}.d.ts`, path.join(target, "index.d.ts")].concat(
        target.endsWith(".js") ? [target.replace(/\.js$/, ".d.ts")] : [],
      );
      return candidates.some((c) => fs.existsSync(c) && fs.statSync(c).isFile())
        ? undefined
        : "no such declaration file";
    }
    if (builtins.has(specifier)) return undefined;
    // `/// <reference types="node" />` asks for @types/node, which the user provides.
    if (ref.how === "reference types" && specifier === "node") return undefined;
    const name = packageOf(specifier);
    if (peers.includes(name)) return undefined;
    if (!dependencies.includes(name)) {
      return `${name} is neither a dependency, a peer dependency nor a Node.js built-in`;
    }
    if (dependencies.includes(typesPackageOf(name))) return undefined;
    const installed = path.join(nodeModules, name);
    if (!fs.existsSync(installed)) return `${name} is not installed under ${nodeModules}`;
    return shipsTypes(installed)
      ? undefined
      : `${name} is a dependency but ships no types (and ${typesPackageOf(name)} is no dependency): ` +
          `a user's compiler finds none`;
  }
}
