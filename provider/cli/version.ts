import * as fs from "fs";
import * as path from "path";

/**
 * The package's version, from its package.json: the first one named pulumi-image-members
 * above this module (dist/provider/cli/ when installed, provider/cli/ in the repository).
 */
export function packageVersion(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pulumi-image-members" && pkg.version) return pkg.version;
    }
    if (path.dirname(dir) === dir) return "unknown";
  }
}
