/** Jest global setup of the unit project: the tests that run dist/ get a current build. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { buildIfStale } from "./buildFreshness";
import { projectRoot } from "./childProcess";

export default function buildBeforeUnitTests(): void {
  buildIfStale(projectRoot);
  // Where the examples' installed copy is linked into node_modules (by an engine test or the
  // demo), Node.js resolves the package there, also for the unit tests: an older copy would
  // answer with the old package.json. Reinstalled only when the build changed.
  if (fs.existsSync(path.join(projectRoot, "node_modules", "pulumi-image-members"))) {
    execFileSync("bash", [path.join(projectRoot, "scripts/install-examples.sh")], {
      cwd: projectRoot,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
}
