/** Pulumi URNs: `urn:pulumi:<stack>::<project>::<parent types$...$type>::<name>`. */

/** The parts of a URN the report uses. */
export interface ParsedUrn {
  /** The resource's own type token (the last one of the `$`-joined chain). */
  type: string;
  /** The types of its parents, outermost first (a component's children carry it). */
  parentTypes: string[];
  /** The name the program gave the resource (may itself contain `::`). */
  name: string;
}

const urnPrefix = "urn:pulumi:";

/** Splits a URN; undefined when `urn` is not one. */
export function parseUrn(urn: unknown): ParsedUrn | undefined {
  if (typeof urn !== "string" || !urn.startsWith(urnPrefix)) return undefined;
  const parts = urn.slice(urnPrefix.length).split("::");
  if (parts.length < 4) return undefined;
  const typeChain = parts[2].split("$");
  return {
    type: typeChain[typeChain.length - 1],
    parentTypes: typeChain.slice(0, -1),
    name: parts.slice(3).join("::"),
  };
}
