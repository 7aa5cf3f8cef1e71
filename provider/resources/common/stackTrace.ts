import * as path from "path";

/**
 * The Pulumi SDK formats two kinds of stack while a resource is constructed, and in a
 * TypeScript program each goes through ts-node's source-map support frame by frame
 * (`cloneCallSite`/`wrapCallSite`), 4 ms of the program's CPU per resource
 * (docs/benchmarks/profile.md):
 *
 * - `Resource.callsites` (@pulumi/pulumi resource.js) lifts `Error.stackTraceLimit` to
 *   infinity and records the whole stack in the resource's state, down to the module loader
 *   and Pulumi's own `run` (1.5 KB per resource). It skips a fixed number of frames, the
 *   SDK's constructors, and takes the next as the source position: for a dynamic resource
 *   class such as ours, our own constructor inside node_modules rather than the program's
 *   line. And the SDK cannot parse a frame of an anonymous function (`at file:line:col`,
 *   without parentheses), so a resource made in an arrow function (`forEach`, `map`) would
 *   have no source position.
 * - `debuggablePromise` (runtime/debuggable.js) reads `new Error().stack` for each of the
 *   fifty or so promises the SDK makes per resource, and prints it only to explain a leaked
 *   promise when `PULUMI_DEBUG_PROMISE_LEAKS` is set.
 *
 * Around the base constructor (`super` cannot be called in a closure, hence the restore
 * function, called in a `finally`), `conciseStackTraceUntilRestored` hands the SDK, for its
 * record, the frames it skips then the program's own (ours left out) up to the first of a
 * library or of Node.js, anonymous ones named so that they parse; and, unless
 * `PULUMI_DEBUG_PROMISE_LEAKS` is set, a promise's stack is not formatted at all. Every other
 * stack is formatted as before, by whatever formatter was installed.
 */
export function conciseStackTraceUntilRestored(): () => void {
  const previous = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
  const delegate = Error.prepareStackTrace;
  const format = (error: Error, frames: NodeJS.CallSite[]): string =>
    delegate ? delegate(error, frames) : defaultFormat(error, frames);
  Error.prepareStackTrace = (error, frames) => {
    const top = frames[0]?.getFunctionName();
    if (top === "callsites") return namingAnonymousFrames(format(error, conciseFrames(frames)));
    if (top === "debuggablePromise" && !process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
      return promiseStackNotFormatted;
    }
    return format(error, frames);
  };
  return () => {
    if (previous) Object.defineProperty(Error, "prepareStackTrace", previous);
    else Reflect.deleteProperty(Error, "prepareStackTrace");
  };
}

/** What a promise's debugging stack says instead, should anyone print it. */
export const promiseStackNotFormatted =
  "Error\n    (stack not recorded; set PULUMI_DEBUG_PROMISE_LEAKS=true to record it)";

/** How many frames `Resource.callsites` puts before a subclass's constructor and skips. */
const framesPulumiSkips = 5;

/** The most program frames kept: a component's chain of constructors fits. */
const mostProgramFrames = 10;

const ownDirectory = path.resolve(__dirname, "..", "..");

/** The frames the SDK skips, then the program's: this package's and everything below left out. */
export function conciseFrames(frames: NodeJS.CallSite[]): NodeJS.CallSite[] {
  const skipped = frames.slice(0, framesPulumiSkips);
  // Frames without a file (`Array.map` in a component's loop) would become a position-less
  // source position, so they go with ours.
  const callers = frames
    .slice(framesPulumiSkips)
    .filter((frame) => fileOf(frame) !== "" && !isOwn(frame));
  const program: NodeJS.CallSite[] = [];
  for (const frame of callers) {
    if (program.length > 0 && !isProgram(frame)) break;
    program.push(frame);
    if (program.length === mostProgramFrames) break;
  }
  return [...skipped, ...program];
}

function fileOf(frame: NodeJS.CallSite): string {
  return frame.getFileName() ?? "";
}

function isOwn(frame: NodeJS.CallSite): boolean {
  const file = fileOf(frame);
  return file.startsWith(ownDirectory + path.sep) || file.startsWith(`file://${ownDirectory}/`);
}

/** A frame of the program itself: not Node.js's, not a library's, not without a file. */
function isProgram(frame: NodeJS.CallSite): boolean {
  const file = fileOf(frame);
  return (
    file !== "" &&
    !file.startsWith("node:") &&
    !file.includes(`${path.sep}node_modules${path.sep}`) &&
    path.isAbsolute(file.replace(/^file:\/\//, ""))
  );
}

/** `at file:line:col` becomes `at <anonymous> (file:line:col)`, the shape the SDK parses. */
export function namingAnonymousFrames(stack: string): string {
  return stack.replace(/^(\s*at )(?!async )([^()\s][^()]*:\d+:\d+)$/gm, "$1<anonymous> ($2)");
}

/** What V8 prints when no `Error.prepareStackTrace` is installed. */
function defaultFormat(error: Error, frames: NodeJS.CallSite[]): string {
  const head = Error.prototype.toString.call(error);
  return [head, ...frames.map((frame) => `    at ${frame.toString()}`)].join("\n");
}
