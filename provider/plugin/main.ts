/**
 * The plugin process: `pulumi-resource-imagemembers` (bin/ of the package) runs this. It
 * serves the engine over gRPC on a local port it prints as its only line on stdout.
 */
import * as fs from "fs";
import * as path from "path";
import { main } from "@pulumi/pulumi/provider";
import { warnOnOldNode } from "../nodeVersion";
import * as runtime from "../serialization/runtime";
import { projectRulesFromEngine } from "./config";
import { ImageMembersPlugin } from "./provider";

warnOnOldNode();

const schema = fs.readFileSync(path.join(__dirname, "schema.json"), "utf8");
const version = (JSON.parse(schema) as { version: string }).version;

// What the dynamic provider's `configure` does with the stack config, from the environment.
const rules = projectRulesFromEngine(process.env);
for (const implementation of Object.values(runtime)) {
  implementation.useProjectRules(rules);
  // No stack config reaches the plugin: its credentials are OS_* and clouds.yaml, judged at check.
  implementation.judgeCredentialsAtCheck();
}

void main(new ImageMembersPlugin(version, schema), process.argv.slice(2));
