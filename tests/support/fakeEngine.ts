/**
 * The engine's host service as far as provider processes use it: `Log`, where a provider's
 * warnings go (provider/core/warnings.ts). Its address is what the engine passes
 * a provider process as its first argument; every request is recorded.
 */
import * as path from "path";
import * as grpc from "@grpc/grpc-js";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const engineGrpc = require(path.join(pulumiDir, "proto/engine_grpc_pb"));
const engineProto = require(path.join(pulumiDir, "proto/engine_pb"));
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

/** One `Log` call as the engine received it. */
export interface LoggedMessage {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

const severities: Record<number, LoggedMessage["severity"]> = {
  [engineProto.LogSeverity.DEBUG]: "debug",
  [engineProto.LogSeverity.INFO]: "info",
  [engineProto.LogSeverity.WARNING]: "warning",
  [engineProto.LogSeverity.ERROR]: "error",
};

export class FakeEngine {
  private constructor(
    /** Every `Log` call, in order. */
    readonly logged: LoggedMessage[],
    private readonly server: grpc.Server,
    /** `127.0.0.1:<port>`, to pass a provider process as the engine does. */
    readonly address: string,
  ) {}

  static async start(): Promise<FakeEngine> {
    const server = new grpc.Server();
    const logged: LoggedMessage[] = [];
    server.addService(engineGrpc.EngineService, {
      log: (call: any, callback: (error: null, response: unknown) => void) => {
        const request = call.request;
        logged.push({
          severity: severities[request.getSeverity()] ?? "info",
          message: request.getMessage(),
          urn: request.getUrn(),
        });
        callback(null, new Empty());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) =>
        error ? reject(error) : resolve(p),
      ),
    );
    return new FakeEngine(logged, server, `127.0.0.1:${port}`);
  }

  /** The warnings logged so far. */
  warnings(): LoggedMessage[] {
    return this.logged.filter((entry) => entry.severity === "warning");
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
