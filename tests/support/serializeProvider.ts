/**
 * Serializes the ImageMember provider exactly as a Pulumi program does (in its own process,
 * loaded through ts-node like a TypeScript stack), then optionally loads the text back and
 * runs a lifecycle through the loaded copy (after one create the parent's fake cloud fails). Prints one JSON line for the parent test.
 *
 *   ts-node serializeProvider.ts <out-file> [<imageId> <memberId> <stack-config-json>]
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { ImageMemberProvider } from "../../provider";
import { serializableProvider } from "../../provider/serialization/standIn";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => {
  handler: () => ImageMemberProvider;
};

async function main(): Promise<void> {
  const [outFile, imageId, memberId, stackConfigJson] = process.argv.slice(2);
  // The very object ImageMember hands to Pulumi.
  const provider = serializableProvider("imageMember");
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  fs.writeFileSync(outFile, serialized.text);
  const report: Record<string, unknown> = { bytes: Buffer.byteLength(serialized.text) };

  if (imageId) {
    const loaded = requireFromString(serialized.text).handler();
    const values = JSON.parse(stackConfigJson) as Record<string, string>;
    await loaded.configure({
      config: { get: (k: string) => values[k], require: (k: string) => values[k] },
    });
    const inputs = { imageId, memberId };
    // The parent makes the first POST fail with a body quoting the credentials: the loaded
    // copy's error is reported whole (message, stack, fields) for the parent to search.
    const failedCreate = await loaded.create(inputs).then(
      () => "the create meant to fail succeeded",
      (e: Error) => ({ ...e, message: e.message, stack: e.stack }),
    );
    const checked = await loaded.check(inputs, inputs);
    const created = await loaded.create(inputs);
    const read = await loaded.read(created.id, created.outs);
    const diff = await loaded.diff(created.id, created.outs!, inputs);
    await loaded.delete(created.id, created.outs!);
    Object.assign(report, { failedCreate, checked, created, read, diff });
  }
  console.log(JSON.stringify(report));
}

main().catch((error: Error) => {
  console.error(error?.stack ?? JSON.stringify(error, null, 1));
  process.exit(1);
});
