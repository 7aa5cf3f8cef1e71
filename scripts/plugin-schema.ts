/**
 * Generates the Pulumi package schema of the provider plugin `imagemembers` from the
 * TypeScript sources, so the plugin and the TypeScript classes have one set of descriptions:
 *
 * - a resource per entry of provider/plugin/typeTokens.ts, described by the doc comment of the
 *   class of that name exported by provider/index.ts;
 * - its inputs: the properties of `<Name>Args` typed `pulumi.Input<...>`, with their doc
 *   comments (a property of another type, such as `ImageMembers`' `accept`, is used by the
 *   TypeScript class itself and never reaches the provider, so it is left out);
 * - its outputs: the class's `declare readonly x: pulumi.Output<...>` properties;
 * - an object type for each interface an output refers to (`ImageMembersMember`).
 *
 * Usage: node -r ts-node/register/transpile-only scripts/plugin-schema.ts [OUT]
 * (`npm run schema`; `npm run build` runs it). OUT defaults to dist/provider/plugin/schema.json,
 * where the plugin reads it; `-` prints it.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { packageName, pluginResources, typeToken } from "../provider/plugin/typeTokens";

const root = path.resolve(__dirname, "..");

interface PropertySpec {
  type?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  $ref?: string;
  description?: string;
}

interface ObjectSpec {
  description: string;
  properties: Record<string, PropertySpec>;
  required: string[];
}

interface ResourceSpec extends ObjectSpec {
  inputProperties: Record<string, PropertySpec>;
  requiredInputs: string[];
}

export interface PackageSchema {
  name: string;
  displayName: string;
  version: string;
  description: string;
  publisher: string;
  license: string;
  keywords: string[];
  provider: { description: string };
  resources: Record<string, ResourceSpec>;
  types: Record<string, ObjectSpec & { type: "object" }>;
}

/** The schema, read from the sources under `dir` (this repository by default). */
export function generateSchema(dir = root): PackageSchema {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
    version: string;
    description: string;
    author: string;
    license: string;
    keywords: string[];
  };
  const indexFile = path.join(dir, "provider", "index.ts");
  const program = ts.createProgram({
    rootNames: [indexFile],
    options: { strict: true, target: ts.ScriptTarget.ES2022, skipLibCheck: true, noEmit: true },
  });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(indexFile);
  const moduleSymbol = index && checker.getSymbolAtLocation(index);
  if (!moduleSymbol) throw new Error(`cannot read ${indexFile}`);
  const exported = new Map(
    checker.getExportsOfModule(moduleSymbol).map((s) => [s.name, resolveAlias(checker, s)]),
  );
  const types: PackageSchema["types"] = {};
  const mapper = new TypeMapper(checker, types);

  const resources: PackageSchema["resources"] = {};
  for (const name of Object.keys(pluginResources)) {
    const classDecl = exported.get(name)?.valueDeclaration;
    if (!classDecl || !ts.isClassDeclaration(classDecl)) {
      throw new Error(`provider/index.ts exports no class ${name}`);
    }
    const argsDecl = exported.get(`${name}Args`)?.declarations?.find(ts.isInterfaceDeclaration);
    if (!argsDecl) throw new Error(`provider/index.ts exports no interface ${name}Args`);

    const inputs = mapper.properties(argsDecl, "Input", `${name}Args`);
    const outputs = mapper.properties(classDecl, "Output", name);
    resources[typeToken(name as keyof typeof pluginResources)] = {
      description: docOf(checker, classDecl.name!, name),
      inputProperties: inputs.properties,
      requiredInputs: inputs.required,
      properties: outputs.properties,
      required: outputs.required,
    };
  }
  return {
    name: packageName,
    displayName: "OpenStack image members",
    version: manifest.version,
    description: manifest.description.replace(/^Pulumi dynamic provider/, "Pulumi provider"),
    publisher: manifest.author,
    license: manifest.license,
    // The package's own keywords, then the registry's facets: a cloud provider of its own
    // (not bridged from Terraform).
    keywords: [...new Set([...manifest.keywords, "category/cloud", "kind/native"])],
    provider: {
      description:
        "Takes no configuration. Each resource acts with the credentials its `cloud` input " +
        "names (a clouds.yaml entry), or else those of the OS_* environment variables or of " +
        "the clouds.yaml entry OS_CLOUD names.",
    },
    resources,
    types,
  };
}

function resolveAlias(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

function docOf(checker: ts.TypeChecker, name: ts.Node, where: string): string {
  const symbol = checker.getSymbolAtLocation(name);
  const text = symbol ? ts.displayPartsToString(symbol.getDocumentationComment(checker)) : "";
  if (!text.trim()) {
    throw new Error(`${where} has no doc comment: the schema takes its description from it`);
  }
  // Lines wrapped in the source join into one; paragraphs stay apart.
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, " "))
    .join("\n\n");
}

/** Maps the type nodes of the sources to schema property specs. */
class TypeMapper {
  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly types: PackageSchema["types"],
  ) {}

  /**
   * The properties of an interface or class whose type is `pulumi.<wrapper><...>`, with the
   * names of those that can never be undefined.
   */
  properties(
    decl: ts.InterfaceDeclaration | ts.ClassDeclaration,
    wrapper: "Input" | "Output" | undefined,
    where: string,
  ): { properties: Record<string, PropertySpec>; required: string[] } {
    const properties: Record<string, PropertySpec> = {};
    const required: string[] = [];
    for (const member of decl.members) {
      if (!(ts.isPropertySignature(member) || ts.isPropertyDeclaration(member))) continue;
      if (!member.type || !ts.isIdentifier(member.name)) continue;
      const name = member.name.text;
      let node: ts.TypeNode = member.type;
      let optional = member.questionToken !== undefined;
      ({ node, optional } = withoutUndefined(node, optional));
      if (wrapper) {
        const inner = unwrap(node, wrapper);
        if (!inner) continue; // not sent to or from the provider (see the file's comment)
        ({ node, optional } = withoutUndefined(inner, optional));
      }
      properties[name] = {
        ...this.spec(node, `${where}.${name}`),
        description: docOf(this.checker, member.name, `${where}.${name}`),
      };
      if (!optional) required.push(name);
    }
    return { properties, required };
  }

  private spec(node: ts.TypeNode, where: string): PropertySpec {
    const { node: plain } = withoutUndefined(node, false);
    if (plain.kind === ts.SyntaxKind.StringKeyword) return { type: "string" };
    if (plain.kind === ts.SyntaxKind.BooleanKeyword) return { type: "boolean" };
    if (plain.kind === ts.SyntaxKind.NumberKeyword) return { type: "number" };
    if (ts.isLiteralTypeNode(plain) && ts.isStringLiteral(plain.literal)) return { type: "string" };
    if (ts.isUnionTypeNode(plain)) {
      const kinds = new Set(plain.types.map((t) => this.spec(t, where).type));
      if (kinds.size === 1 && kinds.has("string")) return { type: "string" };
    }
    if (ts.isArrayTypeNode(plain))
      return { type: "array", items: this.spec(plain.elementType, where) };
    if (ts.isTypeReferenceNode(plain)) {
      const inner = unwrap(plain, "Input");
      if (inner) return this.spec(inner, where);
      const args = plain.typeArguments ?? [];
      if (plain.typeName.getText() === "Record" && args.length === 2) {
        return { type: "object", additionalProperties: this.spec(args[1]!, where) };
      }
      const symbol = this.checker.getSymbolAtLocation(plain.typeName);
      const decl = symbol && resolveAlias(this.checker, symbol).declarations?.[0];
      if (decl && ts.isTypeAliasDeclaration(decl)) return this.spec(decl.type, where);
      if (decl && ts.isInterfaceDeclaration(decl)) return { $ref: this.objectType(decl) };
    }
    throw new Error(`${where}: no schema type for the TypeScript type ${textOf(plain)}`);
  }

  /** Declares the object type of an interface once; its `$ref`. */
  private objectType(decl: ts.InterfaceDeclaration): string {
    const token = `${packageName}:index:${decl.name.text}`;
    if (!this.types[token]) {
      const { properties, required } = this.properties(decl, undefined, decl.name.text);
      this.types[token] = {
        type: "object",
        description: docOf(this.checker, decl.name, decl.name.text),
        properties,
        required,
      };
    }
    return `#/types/${token}`;
  }
}

/** `T | undefined` => T, optional. */
function withoutUndefined(
  node: ts.TypeNode,
  optional: boolean,
): { node: ts.TypeNode; optional: boolean } {
  if (!ts.isUnionTypeNode(node)) return { node, optional };
  const rest = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
  if (rest.length === node.types.length) return { node, optional };
  return {
    node: rest.length === 1 ? rest[0]! : ts.factory.createUnionTypeNode(rest),
    optional: true,
  };
}

function textOf(node: ts.Node): string {
  return node.pos >= 0 ? node.getText() : ts.SyntaxKind[node.kind];
}

/** T of `pulumi.<wrapper><T>`; undefined for any other type. */
function unwrap(node: ts.TypeNode, wrapper: "Input" | "Output"): ts.TypeNode | undefined {
  if (!ts.isTypeReferenceNode(node) || !ts.isQualifiedName(node.typeName)) return undefined;
  const { left, right } = node.typeName;
  if (!ts.isIdentifier(left) || left.text !== "pulumi" || right.text !== wrapper) return undefined;
  return node.typeArguments?.[0];
}

if (require.main === module) {
  const out = process.argv[2] ?? path.join(root, "dist", "provider", "plugin", "schema.json");
  const text = `${JSON.stringify(generateSchema(), null, 2)}\n`;
  if (out === "-") {
    process.stdout.write(text);
  } else {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
    console.error(`plugin-schema: wrote ${path.relative(process.cwd(), out)}`);
  }
}
