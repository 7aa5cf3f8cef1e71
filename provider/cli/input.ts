import * as fs from "fs";
import { UsageError } from "./args";

/** A file's text, or standard input's for no file or "-"; a usage error naming it otherwise. */
export function readInput(file: string | undefined, what: string): string {
  try {
    return fs.readFileSync(file === undefined || file === "-" ? 0 : file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot read ${what} ${file ?? "from standard input"} (${reason})`);
  }
}
