/** Jest global setup of the unit project: the tests that run dist/ get a current build. */
import { buildIfStale } from "./buildFreshness";
import { projectRoot } from "./childProcess";

export default function buildBeforeUnitTests(): void {
  buildIfStale(projectRoot);
}
