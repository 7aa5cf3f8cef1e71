/* eslint-disable @typescript-eslint/no-require-imports -- run-time loading is the point here */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as runtime from "./runtime";

/**
 * The provider object Pulumi serializes into the state of every resource. Pulumi copies a
 * local module's whole code into each resource's state (about 90 KB here, twice per
 * resource); this stand-in is a couple of KB instead. At run time it loads the real
 * implementation from the installed package, so state never carries code, credentials or
 * a version: upgrading the package upgrades every resource.
 */
export function serializableProvider(name: keyof typeof runtime): dynamic.ResourceProvider {
  const impl = (): dynamic.ResourceProvider =>
    loadRuntime()[name] as unknown as dynamic.ResourceProvider;
  return {
    configure: (request) => impl().configure!(request),
    check: (olds, news) => impl().check!(olds, news),
    diff: (id, olds, news) => impl().diff!(id, olds, news),
    create: (inputs) => impl().create(inputs),
    read: (id, props) => impl().read!(id, props),
    update: (id, olds, news) => impl().update!(id, olds, news),
    delete: (id, props) => impl().delete!(id, props),
  };
}

/**
 * `require("pulumi-image-members/runtime")` from the Pulumi project's directory (where the
 * engine starts the provider), or, inside this package's own repository, its build.
 * Self-contained: everything it uses is required inside, so it serializes small.
 */
function loadRuntime(): typeof runtime {
  try {
    return require("pulumi-image-members/runtime");
  } catch (error) {
    if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
    const fs = require("fs");
    const path = require("path");
    for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
      const manifest = path.join(dir, "package.json");
      if (
        fs.existsSync(manifest) &&
        JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-image-members"
      ) {
        const built = path.join(dir, "dist", "provider", "serialization", "runtime.js");
        if (!fs.existsSync(built))
          throw new Error(`pulumi-image-members at ${dir} is not built: run npm run build there`);
        return require(built);
      }
      if (path.dirname(dir) === dir) {
        throw new Error(
          `pulumi-image-members is not installed for the Pulumi project in ${process.cwd()}: npm install pulumi-image-members`,
        );
      }
    }
  }
}
