import * as path from "path";
import * as url from "url";
import * as pulumi from "@pulumi/pulumi";
import {
  conciseFrames,
  conciseStackTraceUntilRestored,
  namingAnonymousFrames,
  promiseStackNotFormatted,
} from "../../provider/resources/common/stackTrace";

pulumi.runtime.setMocks(
  {
    newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs } }),
    call: () => ({}),
  },
  "project",
  "stack",
);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const resources = require("../../provider") as typeof import("../../provider");

const imageId = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
const thisFile = url.pathToFileURL(__filename).toString();
const providerDir = path.resolve(__dirname, "../../provider");

type Frame = { uri: string; line: number; column: number } | undefined;

/**
 * What reaches the engine for each registered resource: the stack trace of its
 * RegisterResource request, read where the mocked monitor receives it.
 */
const traceByName = new Map<string, Frame[]>();
interface RegisterRequest {
  getName(): string;
  getStacktrace():
    { getFramesList(): { getPc(): { toObject(): Frame } | undefined }[] } | undefined;
}
const monitor = pulumi.runtime.getMonitor() as unknown as {
  registerResource(req: RegisterRequest, callback: unknown): unknown;
};
const registerResource = monitor.registerResource.bind(monitor);
monitor.registerResource = (req, callback) => {
  const frames = req.getStacktrace()?.getFramesList() ?? [];
  traceByName.set(
    req.getName(),
    frames.map((frame) => frame.getPc()?.toObject()),
  );
  return registerResource(req, callback);
};

/** The stack traces of the named resources, once registered. */
async function tracesOf(names: string[], registered: pulumi.Output<unknown>): Promise<Frame[][]> {
  await new Promise((resolve) => registered.apply(resolve));
  return names.map((name) => traceByName.get(name)!);
}

/** The line this is called from. */
function lineHere(): number {
  const line = new Error().stack!.split("\n")[2];
  return Number(/:(\d+):\d+\)?$/.exec(line)![1]);
}

function expectProgramFramesOnly(trace: Frame[]): void {
  expect(trace.length).toBeGreaterThan(0);
  expect(trace.length).toBeLessThanOrEqual(10);
  for (const frame of trace) expect(frame?.uri).toBe(thisFile);
}

describe("the stack trace the engine records for our resources", () => {
  test("ImageMember: the source position is the program's line, only the program's frames follow", async () => {
    const line = lineHere() + 1;
    const member = new resources.ImageMember("m", { imageId, memberId: "p1" });
    const [trace] = await tracesOf(["m"], member.urn);
    // Without the trimming the first frame is the class's own constructor (provider/…) and
    // the trace goes on through Jest's runners in node_modules.
    expect(trace[0]).toEqual(expect.objectContaining({ uri: thisFile, line }));
    expectProgramFramesOnly(trace);
  });

  test("ImageMemberAcceptance and ImageMembers: the same", async () => {
    const line = lineHere() + 1;
    const acceptance = new resources.ImageMemberAcceptance("a", { imageId, status: "accepted" });
    const members = new resources.ImageMembers("s", { imageId, memberIds: ["p1"] });
    const traces = await tracesOf(["a", "s"], pulumi.all([acceptance.urn, members.urn]));
    expect(traces[0][0]).toEqual(expect.objectContaining({ uri: thisFile, line }));
    expect(traces[1][0]).toEqual(expect.objectContaining({ uri: thisFile, line: line + 1 }));
    traces.forEach(expectProgramFramesOnly);
  });

  test("ImageShare's children point at the program's line too, not at ImageShare's loop", async () => {
    const line = lineHere() + 1;
    const share = new resources.ImageShare("share", { imageId, memberIds: ["p1", "p2"] });
    const traces = await tracesOf(["share", "share-p1", "share-p2"], share.members);
    for (const trace of traces) {
      expect(trace[0]).toEqual(expect.objectContaining({ uri: thisFile, line }));
      expectProgramFramesOnly(trace);
    }
  });

  test("a resource made in an arrow function gets its line, though the frame is anonymous", async () => {
    let line = 0;
    const [member] = ["p9"].map((memberId) => {
      line = lineHere() + 1;
      return new resources.ImageMember("arrow", { imageId, memberId });
    });
    const [trace] = await tracesOf(["arrow"], member.urn);
    // V8 prints `at file:line:col` for an arrow function; the SDK's parser would record `{}`.
    expect(trace[0]).toEqual(expect.objectContaining({ uri: thisFile, line }));
    expectProgramFramesOnly(trace);
  });

  describe("with a formatter installed (as ts-node's source-map support is)", () => {
    const original = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
    let formatted: number[] = [];
    const installed = (_error: Error, frames: NodeJS.CallSite[]) => {
      formatted.push(frames.length);
      return `frames: ${frames.length}`;
    };
    beforeEach(() => {
      formatted = [];
      Error.prepareStackTrace = installed;
    });
    afterEach(() => {
      delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
      if (original) Object.defineProperty(Error, "prepareStackTrace", original);
      else Reflect.deleteProperty(Error, "prepareStackTrace");
    });

    test("only the SDK's record is formatted, with its frames and the program's; then it is back", async () => {
      const member = new resources.ImageMember("n", { imageId, memberId: "p2" });
      expect(Error.prepareStackTrace).toBe(installed);
      // Without the trimming: the record and about fifty promise stacks, each of 10+ frames.
      expect(formatted).toHaveLength(1);
      expect(formatted[0]).toBeGreaterThan(5);
      expect(formatted[0]).toBeLessThanOrEqual(15);
      // Another stack, outside the constructor, is whole.
      expect(Number(new Error().stack!.split(" ")[1])).toBeGreaterThan(formatted[0]);
      await tracesOf([], member.urn);
    });

    test("PULUMI_DEBUG_PROMISE_LEAKS=true: the promises' stacks are formatted whole", async () => {
      process.env.PULUMI_DEBUG_PROMISE_LEAKS = "true";
      const member = new resources.ImageMember("debugging", { imageId, memberId: "p3" });
      expect(formatted.length).toBeGreaterThan(10);
      expect(Math.max(...formatted.slice(1))).toBeGreaterThanOrEqual(10);
      await tracesOf([], member.urn);
    });

    test("with nothing installed before, nothing is left installed after", async () => {
      Reflect.deleteProperty(Error, "prepareStackTrace");
      const member = new resources.ImageMember("o", { imageId, memberId: "p3" });
      expect(Object.getOwnPropertyDescriptor(Error, "prepareStackTrace")).toBeUndefined();
      await tracesOf([], member.urn);
    });
  });

  test("without an installed formatter, the positions are still read (V8's own format)", async () => {
    const original = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
    Reflect.deleteProperty(Error, "prepareStackTrace");
    try {
      const member = new resources.ImageMember("plain", { imageId, memberId: "p4" });
      const [trace] = await tracesOf(["plain"], member.urn);
      expect(trace[0]?.uri).toBe(thisFile);
      expect(trace[0]?.line).toBeGreaterThan(0);
      expectProgramFramesOnly(trace);
    } finally {
      if (original) Object.defineProperty(Error, "prepareStackTrace", original);
    }
  });
});

describe("namingAnonymousFrames", () => {
  test("a message that ends in a position is no frame", () => {
    const stack = ["Error: cannot load at /app/index.ts:3:7", "    at /app/index.ts:4:1"].join(
      "\n",
    );
    expect(namingAnonymousFrames(stack)).toBe(
      ["Error: cannot load at /app/index.ts:3:7", "    at <anonymous> (/app/index.ts:4:1)"].join(
        "\n",
      ),
    );
  });

  test("names anonymous frames, leaves named and async ones", () => {
    expect(
      namingAnonymousFrames(
        [
          "Error",
          "    at /app/index.ts:3:7",
          "    at new ImageMember (/app/m.ts:1:2)",
          "    at Array.map (<anonymous>)",
          "    at async /app/index.ts:9:1",
        ].join("\n"),
      ),
    ).toBe(
      [
        "Error",
        "    at <anonymous> (/app/index.ts:3:7)",
        "    at new ImageMember (/app/m.ts:1:2)",
        "    at Array.map (<anonymous>)",
        "    at async /app/index.ts:9:1",
      ].join("\n"),
    );
  });
});

describe("while a resource is constructed, other stacks", () => {
  test("are formatted whole, even one without frames: only the SDK's record and promise stacks change", () => {
    const restore = conciseStackTraceUntilRestored();
    const limit = Error.stackTraceLimit;
    let whole: string | undefined;
    let frameless: string | undefined;
    try {
      whole = new Error("inside").stack;
      Error.stackTraceLimit = 0;
      frameless = new Error("no frames").stack;
    } finally {
      Error.stackTraceLimit = limit;
      restore();
    }
    expect(whole).toMatch(/^Error: inside\n {4}at /);
    expect(whole).not.toContain(promiseStackNotFormatted);
    expect(frameless).toBe("Error: no frames");
  });
});

describe("conciseFrames", () => {
  const frame = (fileName: string | null, functionName = "f"): NodeJS.CallSite =>
    ({
      getFileName: () => fileName,
      getFunctionName: () => functionName,
    }) as unknown as NodeJS.CallSite;
  const sdk = [
    frame("/app/node_modules/@pulumi/pulumi/resource.js", "callsites"),
    frame("/app/node_modules/@pulumi/pulumi/resource.js", "stackTrace"),
    frame("/app/node_modules/@pulumi/pulumi/resource.js", "Resource"),
    frame("/app/node_modules/@pulumi/pulumi/resource.js", "CustomResource"),
    frame("/app/node_modules/@pulumi/pulumi/dynamic/index.js", "Resource"),
  ];
  const own = frame(path.join(providerDir, "resources/imageMember/resource.ts"), "ImageMember");
  const names = (frames: NodeJS.CallSite[]) => frames.map((f) => f.getFileName());

  /** The files of the frames conciseFrames keeps of the SDK's, ours, then `program`. */
  const keptAfterOurs = (...program: NodeJS.CallSite[]) =>
    names(conciseFrames([...sdk, own, ...program]));

  test("keeps the SDK's skipped frames, drops ours, keeps the program up to a library", () => {
    const programFiles = ["/app/index.ts", "/app/lib/share.ts", "/app/index.ts"];
    const kept = keptAfterOurs(
      ...programFiles.map((file) => frame(file)),
      frame("/app/node_modules/ts-node/dist/index.js"),
      frame("node:internal/modules/cjs/loader"),
      frame("/app/node_modules/@pulumi/pulumi/cmd/run/run.js"),
    );
    expect(kept).toEqual([...names(sdk), ...programFiles]);
  });

  test("called from a library: its frame, then the program's; frames without a file go", () => {
    const programFiles = ["/app/node_modules/company-lib/index.js", "/app/index.ts"];
    const kept = keptAfterOurs(frame(null, "map"), ...programFiles.map((file) => frame(file)));
    expect(kept).toEqual([...names(sdk), ...programFiles]);
  });

  test("at most ten program frames", () => {
    const deep = Array.from({ length: 30 }, (_, i) => frame(`/app/f${i}.ts`));
    expect(conciseFrames([...sdk, own, ...deep])).toHaveLength(15);
  });

  test("ES modules' frames (file URLs): ours dropped, the program's kept", () => {
    const ownUrl = url.pathToFileURL(path.join(providerDir, "resources/imageMember/resource.js"));
    const kept = conciseFrames([
      ...sdk,
      frame(ownUrl.toString(), "ImageMember"),
      frame("file:///app/index.mjs"),
      frame("file:///app/lib/share.mjs"),
      frame("/app/node_modules/@pulumi/pulumi/cmd/run/run.js"),
    ]);
    expect(names(kept)).toEqual([
      ...names(sdk),
      "file:///app/index.mjs",
      "file:///app/lib/share.mjs",
    ]);
  });
});
