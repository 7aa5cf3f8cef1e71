/**
 * Warnings from a provider hook, shown by the engine as warnings of the run (`pulumi preview`
 * prints them, `--json` lists them with severity "warning"). A dynamic provider's `check` can
 * only return failures, and the Node provider server gives the hooks no logger; but the engine
 * starts every provider process (the dynamic-provider server and the plugin alike) with the
 * address of its own host service as the first argument, whose `Log` call is what
 * `pulumi.log.warn` uses in a program. Without that address (a hook called directly, as the
 * unit tests do) or when the call fails, the warning goes to standard error, which the engine
 * also shows.
 */
import { AsyncLocalStorage } from "async_hooks";
import { createRequire } from "module";
import * as path from "path";

/** Where warnings go: the engine's log by default; the tests put their own. */
export type WarningSink = (message: string, urn: string) => Promise<void>;

const currentResource = new AsyncLocalStorage<string>();
const given = new Set<string>();
let sink: WarningSink | undefined;

/**
 * Runs a hook on behalf of the resource `urn`, so its warnings are shown under that resource
 * (the plugin knows the URN; the dynamic provider's hooks are not told it).
 */
export function forResource<T>(urn: string, hook: () => T): T {
  return currentResource.run(urn, hook);
}

/** Replaces where warnings go (undefined: back to the engine); for tests. */
export function useWarningSink(replacement: WarningSink | undefined): void {
  sink = replacement;
  given.clear();
}

/**
 * Shows `message` as a warning of the current resource. Never throws. With `oncePerProcess`, a
 * message given already (by any resource) is not given again: for what concerns the whole run,
 * such as missing credentials. Others are given each time: the engine checks each resource once
 * per run, and two resources may well earn the same words.
 */
export async function warn(
  message: string,
  options: { oncePerProcess?: boolean } = {},
): Promise<void> {
  const urn = currentResource.getStore() ?? "";
  if (options.oncePerProcess) {
    if (given.has(message)) return;
    given.add(message);
  }
  try {
    await (sink ?? toEngine)(message, urn);
  } catch {
    console.error(`warning: ${message}`);
  }
}

/**
 * The engine's address among the process's arguments: the first that is not one of the
 * logging or tracing flags the engine may put before it (what `@pulumi/pulumi/provider`'s
 * own argument parsing skips), if it looks like `host:port`.
 */
export function engineAddressOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--logtostderr" || arg.startsWith("-v=")) continue;
    if (arg === "--tracing") {
      i += 1;
      continue;
    }
    return /^[\w.-]+:\d+$|^\[[0-9a-f:]+\]:\d+$/i.test(arg) ? arg : undefined;
  }
  return undefined;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's generated gRPC code is untyped here */
let engine: { client: any; proto: any } | undefined;

function engineClient(address: string): { client: any; proto: any } {
  if (engine) return engine;
  // From the SDK's own folder: its gRPC library is its dependency, not this package's.
  const sdk = createRequire(
    path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "package.json"),
  );
  const grpc = sdk("@grpc/grpc-js");
  const { EngineClient } = sdk("./proto/engine_grpc_pb");
  const client = new EngineClient(address, grpc.credentials.createInsecure());
  engine = { client, proto: sdk("./proto/engine_pb") };
  return engine;
}

async function toEngine(message: string, urn: string): Promise<void> {
  const address = engineAddressOf(process.argv.slice(2));
  if (address === undefined) throw new Error("no engine address");
  const { client, proto } = engineClient(address);
  const request = new proto.LogRequest();
  request.setSeverity(proto.LogSeverity.WARNING);
  request.setMessage(message);
  request.setUrn(urn);
  await new Promise<void>((resolve, reject) =>
    client.log(request, { deadline: Date.now() + 10_000 }, (error: Error | null) =>
      error ? reject(error) : resolve(),
    ),
  );
}
