/**
 * Teardown that cannot stop half way. A server or child process left open after a failed
 * assertion keeps jest waiting (up to its 600 s limit) instead of failing at once, so every
 * test that starts one closes it here, whatever happened in the test.
 */

import * as fs from "fs";
import * as os from "os";
import * as path from "path";

type Step = () => unknown;

/** Runs every step, even after one throws, then throws the first error. */
export async function runAll(steps: Step[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}

/**
 * Call at the top of a test file or describe block: returns `closeAfterTest(stop)`, which
 * schedules `stop` to run after the current test, passed or failed.
 */
export function closeAfterEachTest(): (stop: Step) => void {
  const pending: Step[] = [];
  afterEach(() => runAll(pending.splice(0).reverse()));
  return (stop) => void pending.push(stop);
}

/**
 * Call in a describe block: a new folder in the temporary directory for the block (`"all"`) or
 * for each test (`"each"`), removed after it; read `folder.dir` in hooks and tests.
 */
export function temporaryFolder(
  prefix: string,
  scope: "each" | "all" = "all",
): { readonly dir: string } {
  let dir: string | undefined;
  const [before, after] = scope === "each" ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))));
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));
  return {
    get dir() {
      if (!dir) throw new Error("the folder is made in a hook: read it in a hook or a test");
      return dir;
    },
  };
}
