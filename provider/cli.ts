#!/usr/bin/env node
/**
 * The package's command, `pulumi-image-members` (package.json's bin): `review`, `audit` and
 * `from-terraform`, each with its `--help`; see cli/main.ts.
 */
import { main } from "./cli/main";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pulumi-image-members: unexpected failure: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
