/**
 * Loaded with `NODE_OPTIONS=--require` (bench/run.ts's `--env`, or any `pulumi` command):
 * profiles the CPU of every Node.js process Pulumi starts (the program, the dynamic provider,
 * the plugin) and writes `<role>-<pid>.cpuprofile` into PIM_CPU_PROFILE_DIR. `--cpu-prof` alone loses the
 * provider's profile: the engine ends provider processes with a signal, and Node.js writes
 * `--cpu-prof` output only on a normal exit. Nothing of this ships in the package.
 */
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload: plain CommonJS, loaded before any transpiler */
const dir = process.env.PIM_CPU_PROFILE_DIR;
if (dir) {
  const fs = require("fs");
  const path = require("path");
  const inspector = require("inspector");
  const argv = process.argv.join(" ");
  const roles = [
    ["dynamic-provider", /cmd\/dynamic-provider/],
    ["plugin", /pulumi-resource-imagemembers/],
    ["program", /cmd\/run/],
  ];
  const role = roles.find(([, pattern]) => pattern.test(argv))?.[0] ?? "other";
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.enable");
  session.post("Profiler.start");
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // An in-thread inspector session answers synchronously, so this completes before exit.
    session.post("Profiler.stop", (error, result) => {
      if (error) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, `${role}-${process.pid}.cpuprofile`),
        JSON.stringify(result.profile),
      );
      // Which modules the process loaded (to attribute module loading to packages).
      fs.writeFileSync(
        path.join(dir, `${role}-${process.pid}.modules.json`),
        JSON.stringify(Object.keys(require.cache)),
      );
    });
  };
  process.on("exit", write);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      write();
      process.exit(0);
    });
  }
}
