/**
 * Starts `@pulumi/pulumi`'s `cmd/dynamic-provider`, the very process the engine runs for
 * dynamic resources, or the package's provider plugin (bin/pulumi-resource-imagemembers), and
 * speaks gRPC to it as the engine does.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { projectRoot } from "./childProcess";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const providerGrpc = require(path.join(pulumiDir, "proto/provider_grpc_pb"));
const providerPb = require(path.join(pulumiDir, "proto/provider_pb"));
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

type Props = Record<string, unknown>;

export class DynamicProviderServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    readonly stderr: () => string,
  ) {}

  /**
   * The dynamic provider server, or with `plugin` the provider plugin's launcher (the engine
   * runs it as an executable); `env` replaces the process's environment, `engineAddress` is
   * the engine's host service the process is given (tests/support/fakeEngine.ts).
   */
  static async start(
    options: { plugin?: boolean; env?: NodeJS.ProcessEnv; engineAddress?: string } = {},
  ): Promise<DynamicProviderServer> {
    // The engine's address (where warnings go, see fakeEngine.ts); nothing listens on port 1.
    const engine = options.engineAddress ?? "127.0.0.1:1";
    const [command, args] = options.plugin
      ? [path.join(projectRoot, "bin/pulumi-resource-imagemembers"), [engine]]
      : [process.execPath, [path.join(pulumiDir, "cmd/dynamic-provider/index.js"), engine]];
    const child = spawn(command, args, {
      cwd: projectRoot,
      env: { ...(options.env ?? process.env), PULUMI_NODEJS_PROJECT: "test-project" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    // A child that never announces its port is killed, not left to keep jest running.
    const port = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${path.basename(command)} printed no port within 30 s: ${stderr}`));
      }, 30_000);
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("\n")) {
          clearTimeout(timer);
          resolve(out.trim());
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${path.basename(command)} exited with ${code}: ${stderr}`));
      });
    });
    const client = new providerGrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    return new DynamicProviderServer(child, client, () => stderr);
  }

  stop(): void {
    this.client.close();
    this.child.kill();
  }

  private call<T>(method: string, request: any): Promise<T> {
    return new Promise((resolve, reject) =>
      this.client[method](request, (error: Error | null, response: T) =>
        error ? reject(error) : resolve(response),
      ),
    );
  }

  /** `GetPluginInfo`: the version the plugin reports. */
  async pluginVersion(): Promise<string> {
    const response: any = await this.call("getPluginInfo", new Empty());
    return response.getVersion();
  }

  /** `GetSchema` (version 0): the package schema as JSON text. */
  async schema(): Promise<string> {
    const request = new providerPb.GetSchemaRequest();
    request.setVersion(0);
    const response: any = await this.call("getSchema", request);
    return response.getSchema();
  }

  async configure(config: Record<string, string>): Promise<void> {
    const request = new providerPb.ConfigureRequest();
    request.setArgs(Struct.fromJavaScript(config));
    await this.call("configure", request);
  }

  async check(
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const request = new providerPb.CheckRequest();
    request.setUrn(urn);
    request.setOlds(Struct.fromJavaScript(olds));
    request.setNews(Struct.fromJavaScript(news));
    const response: any = await this.call("check", request);
    return {
      inputs: response.getInputs()?.toJavaScript() ?? {},
      failures: response
        .getFailuresList()
        .map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(
    urn: string,
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: number; replaces: string[]; deleteBeforeReplace: boolean }> {
    const request = new providerPb.DiffRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(Struct.fromJavaScript(olds));
    request.setNews(Struct.fromJavaScript(news));
    const response: any = await this.call("diff", request);
    return {
      changes: response.getChanges(),
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  async create(urn: string, props: Props): Promise<{ id: string; properties: Props }> {
    const request = new providerPb.CreateRequest();
    request.setUrn(urn);
    request.setProperties(Struct.fromJavaScript(props));
    const response: any = await this.call("create", request);
    return { id: response.getId(), properties: response.getProperties().toJavaScript() };
  }

  async read(
    urn: string,
    id: string,
    props: Props,
    inputs: Props = {},
  ): Promise<{ id: string; properties: Props; inputs?: Props }> {
    const request = new providerPb.ReadRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(Struct.fromJavaScript(props));
    request.setInputs(Struct.fromJavaScript(inputs));
    const response: any = await this.call("read", request);
    return {
      id: response.getId(),
      properties: response.getProperties()?.toJavaScript() ?? {},
      inputs: response.getInputs()?.toJavaScript(),
    };
  }

  async update(urn: string, id: string, olds: Props, news: Props): Promise<Props> {
    const request = new providerPb.UpdateRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(Struct.fromJavaScript(olds));
    request.setNews(Struct.fromJavaScript(news));
    const response: any = await this.call("update", request);
    return response.getProperties().toJavaScript();
  }

  async delete(urn: string, id: string, props: Props): Promise<void> {
    const request = new providerPb.DeleteRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(Struct.fromJavaScript(props));
    await this.call("delete", request);
  }
}
