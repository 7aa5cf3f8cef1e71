/**
 * The package supports Node.js 22 and newer (package.json `engines`, and `@pulumi/pulumi`'s
 * own since 3.249.0). An older Node.js gets one line on standard error when the package loads,
 * once per process, and nothing else: it may still work, but no test has run it there.
 */

/** The oldest major version of Node.js the package supports. */
export const oldestSupportedNode = 22;

/** The warning for Node.js `version` (like "20.11.1"), or undefined when it is supported. */
export function oldNodeWarning(version: string): string | undefined {
  const major = Number.parseInt(version, 10);
  if (!Number.isFinite(major) || major >= oldestSupportedNode) return undefined;
  return (
    `warning: pulumi-image-members supports Node.js ${oldestSupportedNode} and newer; this is ` +
    `Node.js ${version}, on which it is not tested. Use Node.js ${oldestSupportedNode} or newer.`
  );
}

/** Writes the warning once per process (a program and a provider may both load the package). */
export function warnOnOldNode(
  version: string = process.versions.node,
  write: (line: string) => void = (line) => process.stderr.write(line),
): void {
  const holder = globalThis as unknown as Record<symbol, boolean | undefined>;
  const said = Symbol.for("pulumi-image-members.oldNodeWarned");
  const warning = oldNodeWarning(version);
  if (warning === undefined || holder[said]) return;
  holder[said] = true;
  write(`${warning}\n`);
}
