/**
 * scripts/local-cloud.sh up while another checkout's local cloud holds the ports: it must say
 * which ports, held by which cloud (its folder), and the two ways out, at once (exit 3, before
 * apt, PostgreSQL or anything else), and stop nothing of the other cloud.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { closeAfterEachTest } from "../support/cleanup";
import { projectRoot } from "../support/childProcess";
import { cloudJsonPath, localCloudDirOf } from "../support/realCloud";

const closeAfterTest = closeAfterEachTest();
const script = path.join(projectRoot, "scripts/local-cloud.sh");
let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-ports-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the script with a state folder of its own; the LOCAL_CLOUD_* ports as given. */
function localCloud(args: string[], env: Record<string, string>, cwd = projectRoot) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("LOCAL_CLOUD_")),
  );
  const started = Date.now();
  const run = spawnSync("bash", [script, ...args], {
    cwd,
    env: { ...clean, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return {
    code: run.status,
    stdout: run.stdout,
    stderr: run.stderr,
    seconds: (Date.now() - started) / 1000,
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A process holding `ports` whose command line names `cloudDir` as a local cloud's does. */
async function standIn(cloudDir: string, ports: number[]): Promise<ChildProcess> {
  const code =
    `const net = require("net"); let n = 0;` +
    `for (const p of ${JSON.stringify(ports)}) net.createServer().listen(p, "127.0.0.1", () => ` +
    `++n === ${ports.length} && console.log("listening"));`;
  const child = spawn(
    process.execPath,
    ["-e", code, "--", `--config-file=${cloudDir}/etc/glance-api.conf`],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  closeAfterTest(() => void child.kill());
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", () => resolve());
    child.once("exit", (c) => reject(new Error(`stand-in exited with ${c}`)));
  });
  return child;
}

/** The state folder shows nothing heavy ran: no logs, no PostgreSQL, no configs. */
function expectNothingStarted(stateDir: string): void {
  const made = fs.existsSync(stateDir) ? fs.readdirSync(stateDir) : [];
  expect(made.filter((f) => f !== ".lock")).toEqual([]);
}

test("ports held by another checkout's cloud: exit 3 at once, naming each port, that cloud's folder and both ways out", async () => {
  const [pg, keystone, glance] = [await freePort(), await freePort(), await freePort()];
  const other = path.join(dir, "other-checkout/.local-cloud");
  const holder = await standIn(other, [pg, keystone, glance]);
  const mine = path.join(dir, "mine");

  const run = localCloud(["up"], {
    LOCAL_CLOUD_DIR: mine,
    LOCAL_CLOUD_PG_PORT: String(pg),
    LOCAL_CLOUD_KEYSTONE_PORT: String(keystone),
    LOCAL_CLOUD_GLANCE_PORT: String(glance),
  });
  console.log(`local-cloud.sh up refused in ${run.seconds} s:\n${run.stderr}`);

  expect(run.code).toBe(3);
  expect(run.stderr).toContain(`cannot start the local cloud of ${mine}: its ports are taken`);
  for (const [port, what] of [
    [pg, "PostgreSQL, LOCAL_CLOUD_PG_PORT"],
    [keystone, "Keystone, LOCAL_CLOUD_KEYSTONE_PORT"],
    [glance, "Glance, LOCAL_CLOUD_GLANCE_PORT"],
  ]) {
    expect(run.stderr).toContain(`127.0.0.1:${port} (${what}) held by pid ${holder.pid}`);
  }
  expect(run.stderr.split(`that is the local cloud of ${other}\n`)).toHaveLength(4);
  expect(run.stderr).toContain(
    `stop the other cloud: LOCAL_CLOUD_DIR=${other} bash scripts/local-cloud.sh down`,
  );
  expect(run.stderr).toMatch(/give this cloud other ports, e\.g\. LOCAL_CLOUD_PG_PORT=\d+ /);
  expect(run.stderr).not.toMatch(/PostgreSQL did not start|Address already in use/);
  expect(run.seconds).toBeLessThan(10);
  expectNothingStarted(mine);
  expect(holder.exitCode).toBeNull(); // the other cloud is left alone
});

/**
 * The folder of the running local cloud under test (this checkout's, or the one PIM_CLOUD_JSON
 * belongs to) and the ports it holds (its ports.env, else the defaults). A cloud of your own
 * cannot be the running copy this test needs: that fails, saying what to set.
 */
function runningLocalCloud(): {
  dir: string;
  ports: { pg: string; keystone: string; glance: string };
} {
  const cloudJson = cloudJsonPath();
  const running = localCloudDirOf(cloudJson);
  if (!running) {
    throw new Error(
      `${cloudJson} is not the cloud.json of a cloud scripts/local-cloud.sh runs, and this test needs ` +
        `one holding its ports: unset PIM_CLOUD_JSON (this checkout's local cloud), or set it to a ` +
        `local cloud's <folder>/env/cloud.json.`,
    );
  }
  const saved = fs.existsSync(path.join(running, "ports.env"))
    ? fs.readFileSync(path.join(running, "ports.env"), "utf8")
    : "";
  const port = (name: string, fallback: string) =>
    new RegExp(`^${name}=(\\d+)$`, "m").exec(saved)?.[1] ?? fallback;
  return {
    dir: fs.realpathSync(running),
    ports: {
      pg: port("pg", "15432"),
      keystone: port("keystone", "15000"),
      glance: port("glance", "19292"),
    },
  };
}

// The running local cloud holds its ports: a second copy with its own state folder and the
// same ports must refuse, and the running cloud must be untouched.
test("the running local cloud on the default ports: a second copy refuses and stops nothing", () => {
  const { dir: running, ports } = runningLocalCloud();
  const before = localCloud(["status"], { LOCAL_CLOUD_DIR: running });
  expect(before.code).toBe(0);

  const mine = path.join(dir, "second-copy");
  const run = localCloud(["up"], {
    LOCAL_CLOUD_DIR: mine,
    LOCAL_CLOUD_PG_PORT: ports.pg,
    LOCAL_CLOUD_KEYSTONE_PORT: ports.keystone,
    LOCAL_CLOUD_GLANCE_PORT: ports.glance,
  });
  console.log(`second local-cloud.sh up refused in ${run.seconds} s:\n${run.stderr}`);
  expect(run.code).toBe(3);
  for (const port of Object.values(ports)) expect(run.stderr).toContain(`127.0.0.1:${port} (`);
  expect(run.stderr.split(`that is the local cloud of ${running}\n`)).toHaveLength(4);
  expect(run.stderr).toContain(`LOCAL_CLOUD_DIR=${running} bash scripts/local-cloud.sh down`);
  expect(run.seconds).toBeLessThan(10);
  expectNothingStarted(mine);

  const after = localCloud(["status"], { LOCAL_CLOUD_DIR: running });
  expect(after.code).toBe(0);
  expect(after.stdout).toBe(before.stdout); // the same processes, none restarted
  expect(before.stdout).toMatch(/keystone: running \(pid \d+\)/);
});
