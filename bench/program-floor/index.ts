/**
 * Pulumi's own floor (issue 30, bench/contenders.ts): without config, an empty TypeScript
 * program (`emptyTs`); with config `imageIds` and `membersPerImage`, as many no-op dynamic
 * resources as bench/program has members (`noopDynamic`), whose provider answers at once and
 * sends no request.
 */
import * as pulumi from "@pulumi/pulumi";

const noop: pulumi.dynamic.ResourceProvider = {
  create: async (inputs) => ({ id: `${inputs.imageId}/${inputs.memberId}`, outs: inputs }),
  delete: async () => undefined,
};

class NoopMember extends pulumi.dynamic.Resource {
  constructor(name: string, args: { imageId: string; memberId: string }) {
    super(noop, name, args);
  }
}

const config = new pulumi.Config();
const imageIds = config.getObject<string[]>("imageIds") ?? [];
const membersPerImage = config.getNumber("membersPerImage") ?? 0;

imageIds.forEach((imageId, i) => {
  for (let m = 0; m < membersPerImage; m++) {
    const memberId = `bec4${"0".repeat(25)}${String(m).padStart(3, "0")}`;
    new NoopMember(`m-${i}-${m}`, { imageId, memberId });
  }
});
