/**
 * The counting proxy of the tests, as the benchmark uses it: in front of loopback servers
 * only, at most 64 connections to each, with the requests summarised per run. Counting at the
 * server side works whatever the client (this provider, the bridged provider, the OpenStack
 * CLI); URL rewriting makes the catalog-following clients go through the proxies too.
 */
import { CountingProxy } from "../tests/support/countingProxy";

export class BenchProxy extends CountingProxy {
  constructor(target: string) {
    const host = new URL(target).hostname;
    if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1") {
      throw new Error(`BenchProxy forwards to loopback targets only, not ${target}`);
    }
    super(target, { maxSockets: 64 });
  }

  /** Requests seen from index `since` on, grouped as "METHOD kind" (kind: auth, member, ...). */
  summarize(since: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.requests.slice(since)) {
      const key = `${r.method} ${kindOf(r.path)}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  countSince(since: number, method?: string, pattern: RegExp = /.*/): number {
    return this.requests
      .slice(since)
      .filter((r) => (!method || r.method === method) && pattern.test(r.path)).length;
  }
}

function kindOf(path: string): string {
  if (/\/auth\/tokens$/.test(path)) return "auth/tokens";
  if (/\/images\/[^/]+\/members\/[^/]+$/.test(path)) return "images/{id}/members/{member}";
  if (/\/images\/[^/]+\/members$/.test(path)) return "images/{id}/members";
  if (/\/images\/[^/]+$/.test(path)) return "images/{id}";
  if (/\/images$/.test(path)) return "images";
  if (/\/projects/.test(path)) return "projects";
  if (/^\/(v3|v2(\.\d+)?)?\/?$/.test(path)) return "version discovery";
  return path;
}
