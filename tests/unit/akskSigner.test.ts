import { createHash, createHmac } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
// The official signer, a devDependency used only here to cross-check ours.
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials";
import type { HcClient } from "@huaweicloud/huaweicloud-sdk-core/HcClient";
import {
  AkSkAuthorizer,
  AkSkCredentials,
  canonicalRequest,
  formatSdkDate,
  signRequest,
} from "../../provider/transport/akskSigner";
import { ApiError } from "../../provider/transport/errors";
import { HttpClient, OutgoingRequest } from "../../provider/transport/http";

type Method = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

interface Case {
  method: Method;
  url: string;
  headers: Record<string, string>;
  body?: string;
  credentials: AkSkCredentials;
  now: Date;
}

function ours(c: Case): Record<string, string> {
  const request: OutgoingRequest = {
    method: c.method,
    url: new URL(c.url),
    headers: { ...c.headers },
    body: c.body,
  };
  signRequest(request, c.credentials, c.now);
  return request.headers;
}

/**
 * Signs like the official SDK does in `HcClient.buildRequest`: `processAuthRequest` adds
 * X-Security-Token and X-Project-Id (unless the caller has them) and then calls
 * `AKSKSigner.sign`. The harness presets `X-Sdk-Date` (the signer then uses it instead of the
 * clock), leaves out User-Agent (the SDK adds it only after signing), passes header values
 * trimmed (as they reach the server; the official signer does not trim them itself, see the
 * divergence tests), a caller's Host as `host` (the only spelling the signer looks up), the
 * query decoded by WHATWG `URLSearchParams` as its `queryParams` object, and the JSON body
 * parsed (the signer hashes `JSON.stringify(data)`).
 */
async function official(c: Case): Promise<Record<string, string>> {
  const url = new URL(c.url);
  const headers: Record<string, string> = { "X-Sdk-Date": formatSdkDate(c.now) };
  for (const [name, value] of Object.entries(c.headers)) {
    if (name.toLowerCase() !== "user-agent") {
      headers[name.toLowerCase() === "host" ? "host" : name] = value.trim();
    }
  }
  const queryParams = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of url.searchParams) {
    const earlier = queryParams[name];
    queryParams[name] = earlier === undefined ? value : [earlier, value].flat();
  }
  const credentials = new BasicCredentials()
    .withAk(c.credentials.accessKey)
    .withSk(c.credentials.secretKey)
    .withSecurityToken(c.credentials.securityToken)
    .withProjectId(c.credentials.projectId);
  const signed = await credentials.processAuthRequest(undefined as unknown as HcClient, {
    endpoint: url.origin,
    url: url.pathname,
    method: c.method,
    headers,
    queryParams,
    data: c.body === undefined ? undefined : JSON.parse(c.body),
  });
  return signed.headers as Record<string, string>;
}

/** mulberry32: small, seeded, deterministic. */
function prng(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => next() < p;
  const text = (pool: readonly string[], min: number, max: number) =>
    Array.from({ length: min + int(max - min + 1) }, () => pick(pool)).join("");
  return { int, pick, chance, text };
}

const hex = "0123456789abcdef".split("");
const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".split("");
const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const pathPieces = [
  ..."aZ0-_.~ %+=*'!()@:,;$&|^[]\"<>`{}\\".split(""),
  "%20",
  "%2F",
  "%41",
  "%25",
  "%zz",
  "ü",
  "日本",
  "😀",
  "abc",
];
const queryNames = [
  ...["member_status", "limit", "marker", "sort_key", "a", "A", "b", "B", "z", "1", "10", "2"],
  ...["k y", "k+", "k=", "k&", "~k", "k*", "(k)", "'k'", "!k", "é", "ключ", "😀", "[]", "a%"],
];
const queryValues = ["", "accepted", "10", "a b", "a+b", "x=y", "&", "%", "é", "日本", "~*'!()"];
const customHeaders = [
  ...["X-Language", "x-request-trace", "X-CUSTOM-Header-1", "X-Client-Token", "Accept-Language"],
  ...["x-a", "X-B2", "If-Match", "x-9", "X-Image-Meta"],
];
const hosts = [
  "ims.eu-west-0.example.test",
  "IMS.Example.TEST",
  "127.0.0.1:8443",
  "[::1]:9000",
  "ims.example.test:443",
  "ims.example.test:80",
];

function generateCase(r: ReturnType<typeof prng>, coverage: Map<string, number>): Case {
  const seen = (feature: string, yes: boolean) => {
    if (yes) coverage.set(feature, (coverage.get(feature) ?? 0) + 1);
  };
  const uuid = () => r.text(hex, 8, 8) + "-" + r.text(hex, 4, 4) + "-4" + r.text(hex, 3, 3);
  const method = r.pick(["GET", "POST", "PUT", "DELETE", "PATCH"] as const);

  let path: string;
  switch (r.int(6)) {
    case 0:
      path = r.pick(["", "/"]);
      break;
    case 1:
      path = `/v2/images/${uuid()}/members`;
      break;
    case 2:
      path = `/v2/images/${uuid()}/members/${r.text(hex, 32, 32)}`;
      break;
    default: {
      const segments = Array.from({ length: 1 + r.int(4) }, () =>
        r.chance(0.1) ? r.pick([".", "..", "%2e", ""]) : r.text(pathPieces, 1, 5),
      );
      path = `/v2/${segments.join("/")}`;
    }
  }
  if (r.chance(0.3)) path += "/";
  const url = new URL(`${r.pick(["http", "https"])}://${r.pick(hosts)}${path}`);
  seen("empty path", path === "" || path === "/");
  seen("trailing slash", path.length > 1 && path.endsWith("/"));
  seen("escaped % in path", url.pathname.includes("%25") || /%2F|%20|%41/.test(path));
  seen("unicode path", /[\u0080-\uffff]/.test(path));
  seen("' ^ | in path", /['^|]/.test(url.pathname));
  seen("! ( ) * + = ~ in path", /[!()*+=~]/.test(url.pathname));

  if (r.chance(0.15)) {
    url.search = r.pick([
      "?flag",
      "?b=2&a=1&a=",
      "?a=1&a=1",
      "?q=a+b%2Bc",
      "?%41=x",
      "?x=%zz",
      "?=v",
      "?&&a=1",
    ]);
  } else {
    for (let i = r.int(5); i > 0; i--) {
      url.searchParams.append(
        r.pick(queryNames),
        r.chance(0.5) ? r.pick(queryValues) : r.text(printable, 0, 6),
      );
    }
  }
  const names = [...url.searchParams.keys()];
  seen("repeated query name", new Set(names).size < names.length);
  seen("empty query value", [...url.searchParams.values()].includes(""));

  let body: string | undefined;
  if (["POST", "PUT", "PATCH"].includes(method) ? r.chance(0.8) : r.chance(0.1)) {
    body = JSON.stringify(
      r.pick([
        { member: r.text(hex, 32, 32) },
        { status: r.pick(["accepted", "rejected", "pending"]), vault_id: uuid() },
        [{ op: "replace", path: "/status", value: "accepted" }],
        {},
        { nested: { a: [1, 2.5, null, { b: 'ü 😀 " \\ \n' }] }, text: r.text(printable, 0, 20) },
      ]),
    );
  }
  seen("body", body !== undefined);

  const headers: Record<string, string> = {};
  const add = (name: string, value: string) => {
    if (!Object.keys(headers).some((key) => key.toLowerCase() === name.toLowerCase())) {
      headers[name] = value;
    }
  };
  const spaced = (value: string) =>
    r.chance(0.3) ? r.pick([" ", "  ", "\t"]) + value + r.pick(["", " ", "  "]) : value;
  const mixCase = (name: string) =>
    r.chance(0.3)
      ? name.replace(/./g, (c) => (r.chance(0.5) ? c.toUpperCase() : c.toLowerCase()))
      : name;
  if (r.chance(0.7)) add("Accept", "application/json");
  if (r.chance(0.5)) add("User-Agent", "pulumi-image-members/0.1.0");
  if (body !== undefined && r.chance(0.9)) {
    add(
      r.pick(["Content-Type", "content-type", "CONTENT-TYPE"]),
      spaced(r.pick(["application/json", "Application/JSON"])),
    );
  }
  for (let i = r.int(4); i > 0; i--)
    add(mixCase(r.pick(customHeaders)), spaced(r.text(printable, 0, 12)));
  const credentials: AkSkCredentials = {
    accessKey: r.text(alnum, 20, 20),
    secretKey: r.text(alnum, 40, 40),
    securityToken: r.chance(0.3) ? r.text([...alnum, "+", "/", "="], 60, 120) : undefined,
    projectId: r.chance(0.5) ? r.text(hex, 32, 32) : undefined,
  };
  // A caller's own header wins over the credentials in both signers (same spelling only:
  // the official one would sign both spellings of the name).
  if (r.chance(0.1))
    add(credentials.projectId ? "X-Project-Id" : mixCase("x-project-id"), r.text(hex, 32, 32));
  if (r.chance(0.1))
    add(
      credentials.securityToken ? "X-Security-Token" : mixCase("x-security-token"),
      r.text(alnum, 40, 40),
    );
  if (r.chance(0.1)) add(r.pick(["Host", "host"]), "gateway.example.test:8443");
  if (r.chance(0.05)) add("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD");
  seen("security token", credentials.securityToken !== undefined);
  seen("project id", credentials.projectId !== undefined);
  seen(
    "spaced header value",
    Object.values(headers).some((v) => v !== v.trim()),
  );
  seen(
    "mixed-case custom header",
    Object.keys(headers).some(
      (k) => /[A-Z].*[a-z]|[a-z].*[A-Z]/.test(k) && !/^(Accept|User-Agent|Content-Type)$/.test(k),
    ),
  );
  seen("user agent", "User-Agent" in headers);
  seen(
    "caller's host",
    Object.keys(headers).some((k) => k.toLowerCase() === "host"),
  );
  seen(
    "caller's project or token header",
    Object.keys(headers).some((k) => /x-project-id|x-security-token/i.test(k)),
  );

  const now = new Date(Date.UTC(2020, 0, 1) + r.int(10 * 365 * 24 * 3600) * 1000);
  return { method, url: url.toString(), headers, body, credentials, now };
}

describe("signRequest", () => {
  test("gives the same Authorization and X-Sdk-Date as the official SDK on 800 generated requests", async () => {
    const r = prng(20240521);
    const coverage = new Map<string, number>();
    const mismatches: string[] = [];
    const count = 800;
    for (let i = 0; i < count; i++) {
      const c = generateCase(r, coverage);
      const mine = ours(c);
      const theirs = await official(c);
      if (
        mine.Authorization !== theirs.Authorization ||
        mine["X-Sdk-Date"] !== theirs["X-Sdk-Date"]
      ) {
        mismatches.push(
          `#${i} ${c.method} ${c.url} ${JSON.stringify(c.headers)}\n  ours  ${mine.Authorization}\n  SDK   ${theirs.Authorization}`,
        );
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // Every dimension was exercised many times.
    for (const feature of [
      "empty path",
      "trailing slash",
      "escaped % in path",
      "unicode path",
      "' ^ | in path",
      "! ( ) * + = ~ in path",
      "repeated query name",
      "empty query value",
      "body",
      "security token",
      "project id",
      "spaced header value",
      "mixed-case custom header",
      "user agent",
      "caller's host",
      "caller's project or token header",
    ]) {
      expect([feature, (coverage.get(feature) ?? 0) >= 10]).toEqual([feature, true]);
    }
  });

  test("known answer, computed by hand (openssl) for one request", () => {
    const request: OutgoingRequest = {
      method: "POST",
      url: new URL("https://ims.example.test/v2/images/img-1/members"),
      headers: { "Content-Type": "application/json" },
      body: '{"member":"p2"}',
    };
    signRequest(
      request,
      { accessKey: "AK-example", secretKey: "SK-example-secret", projectId: "p1" },
      new Date("2024-01-02T03:04:05.678Z"),
    );
    const canonical = [
      "POST",
      "/v2/images/img-1/members/",
      "",
      "content-type:application/json",
      "host:ims.example.test",
      "x-project-id:p1",
      "x-sdk-date:20240102T030405Z",
      "",
      "content-type;host;x-project-id;x-sdk-date",
      "eb1f2272e04ec0928d0e08866aeb82ef92e3bd2dd9f75f87ec0364bf6226434d", // sha256 of the body
    ].join("\n");
    expect(canonicalRequest(request).text).toBe(canonical);
    expect(request.headers).toEqual({
      "Content-Type": "application/json",
      "X-Sdk-Date": "20240102T030405Z",
      "X-Project-Id": "p1",
      Host: "ims.example.test",
      Authorization:
        "SDK-HMAC-SHA256 Access=AK-example, SignedHeaders=content-type;host;x-project-id;x-sdk-date, " +
        "Signature=a8a036998679a44e9924de784bb08b16290b22acd61545690f9d70938dfbb6e8",
    });
  });

  test("canonical URI: every segment escaped again (% too), ' ^ | as sent on the wire, ending in /", () => {
    const uri = (url: string) =>
      canonicalRequest({ method: "GET", url: new URL(url), headers: {} }).text.split("\n")[1];
    expect(uri("https://h")).toBe("/");
    expect(uri("https://h/v2/images/")).toBe("/v2/images/");
    expect(uri("https://h/a b/%41/ü")).toBe("/a%2520b/%2541/%25C3%25BC/");
    expect(uri("https://h/it's|a^b/~x*(y)!+=")).toBe(
      "/it%2527s%257Ca%255Eb/~x%2A%28y%29%21%2B%3D/",
    );
  });

  test("canonical query: names then values sorted before escaping, empty values kept", () => {
    const query = (search: string) =>
      canonicalRequest({
        method: "GET",
        url: new URL(`https://h/${search}`),
        headers: {},
      }).text.split("\n")[2];
    expect(query("?b=2&a=z&a=&a=1&flag&q=a+b%2B")).toBe("a=&a=1&a=z&b=2&flag=&q=a%20b%2B");
    expect(query("?k%20y=%C3%A9&~=*")).toBe("k%20y=%C3%A9&~=%2A");
  });

  test("sets X-Sdk-Date, X-Project-Id, X-Security-Token and Host before signing, never signs User-Agent", () => {
    const headers = ours({
      method: "GET",
      url: "https://ims.example.test:8443/v2/images",
      headers: {
        "User-Agent": "ua",
        "x-sdk-date": "stale",
        authorization: "stale",
        "X-Trace": "  t  ",
      },
      credentials: {
        accessKey: "AK",
        secretKey: "SK-secret",
        securityToken: "tok-123",
        projectId: "p1",
      },
      now: new Date("2030-12-31T23:59:59Z"),
    });
    expect(headers).toMatchObject({
      "X-Sdk-Date": "20301231T235959Z",
      "X-Project-Id": "p1",
      "X-Security-Token": "tok-123",
      Host: "ims.example.test:8443",
      "X-Trace": "  t  ",
    });
    expect(Object.keys(headers).filter((k) => /^(x-sdk-date|authorization)$/i.test(k))).toEqual([
      "X-Sdk-Date",
      "Authorization",
    ]);
    expect(headers.Authorization).toMatch(
      /^SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token;x-trace, Signature=[0-9a-f]{64}$/,
    );
  });

  test("a caller's own Host, X-Project-Id and X-Security-Token stay and are signed, whatever their spelling", () => {
    const request: OutgoingRequest = {
      method: "GET",
      url: new URL("https://ims.example.test/v2/images"),
      headers: { host: "gw.example.test", "x-project-id": "mine", "X-SECURITY-TOKEN": "mytok" },
    };
    signRequest(
      request,
      { accessKey: "AK", secretKey: "SK-secret", securityToken: "tok", projectId: "p1" },
      new Date(),
    );
    expect(Object.keys(request.headers).sort()).toEqual([
      "Authorization",
      "X-SECURITY-TOKEN",
      "X-Sdk-Date",
      "host",
      "x-project-id",
    ]);
    expect(canonicalRequest(request).text).toContain(
      "host:gw.example.test\nx-project-id:mine\nx-sdk-date:",
    );
  });

  test("explicit X-Sdk-Content-Sha256 replaces the body hash; multipart content type is not signed", () => {
    const request: OutgoingRequest = {
      method: "PUT",
      url: new URL("https://h/file"),
      headers: {
        "Content-Type": "multipart/form-data; boundary=x",
        "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD",
      },
      body: "raw bytes",
    };
    signRequest(request, { accessKey: "AK", secretKey: "SK-secret" }, new Date());
    const { text, signed } = canonicalRequest(request);
    expect(signed).toEqual(["host", "x-sdk-content-sha256", "x-sdk-date"]);
    expect(text.endsWith("\nUNSIGNED-PAYLOAD")).toBe(true);
  });

  test("header names sort by UTF-16 code unit, the same in canonical headers and SignedHeaders", () => {
    const request: OutgoingRequest = {
      method: "GET",
      url: new URL("https://h/"),
      headers: { x_b: "1", "x-a": "2", "x.c": "3" },
    };
    signRequest(request, { accessKey: "AK", secretKey: "SK-secret" }, new Date());
    const { text, signed } = canonicalRequest(request);
    expect(signed).toEqual(["host", "x-a", "x-sdk-date", "x.c", "x_b"]);
    expect(text).toContain("host:h\nx-a:2\nx-sdk-date:");
    expect(text).toContain("\nx.c:3\nx_b:1\n\nhost;x-a;x-sdk-date;x.c;x_b\n");
  });

  test("a header given twice in different letter case is refused rather than signed ambiguously", () => {
    const request: OutgoingRequest = {
      method: "GET",
      url: new URL("https://h/"),
      headers: { "X-A": "1", "x-a": "2" },
    };
    expect(() =>
      signRequest(request, { accessKey: "AK", secretKey: "SK-secret" }, new Date()),
    ).toThrow("header x-a is given twice in different letter case");
  });
});

/**
 * Where the official signer signs something other than what reaches the server, we do not
 * follow it. These tests pin both sides so that an SDK upgrade that changes them is noticed.
 */
describe("deliberate differences from the official signer", () => {
  const base: Case = {
    method: "POST",
    url: "https://ims.example.test/v2/images/i/members",
    headers: { "Content-Type": "application/json", "X-Trace": "t" },
    body: '{"member":"p"}',
    credentials: { accessKey: "AK", secretKey: "SK-secret" },
    now: new Date("2024-01-02T03:04:05Z"),
  };
  const sdkSign = (headers: Record<string, string>, data: unknown, path = "/v2/images/i/members") =>
    (
      AKSKSigner.sign(
        {
          endpoint: `https://ims.example.test${path}`,
          method: "POST",
          headers: { "X-Sdk-Date": "20240102T030405Z", ...headers },
          data,
        },
        new BasicCredentials().withAk("AK").withSk("SK-secret"),
      ) as Record<string, string>
    ).Authorization;

  test("header values: we trim (HTTP drops the spaces on the way); the SDK signs them untrimmed", async () => {
    const spaced = { ...base, headers: { ...base.headers, "X-Trace": "  t " } };
    expect(ours(spaced).Authorization).toBe(ours(base).Authorization);
    expect(ours(base).Authorization).toBe((await official(base)).Authorization);
    expect(
      sdkSign({ "Content-Type": "application/json", "X-Trace": "  t " }, { member: "p" }),
    ).not.toBe(ours(base).Authorization);
  });

  test("a body given as a string: the SDK hashes JSON.stringify(string), a quoted copy; we hash what is sent", () => {
    expect(sdkSign({ "Content-Type": "application/json", "X-Trace": "t" }, { member: "p" })).toBe(
      ours(base).Authorization,
    );
    expect(sdkSign({ "Content-Type": "application/json", "X-Trace": "t" }, base.body)).not.toBe(
      ours(base).Authorization,
    );
  });

  test("header names with _ . ~: the SDK orders its canonical headers by localeCompare but SignedHeaders by code unit", () => {
    const headers = { x_b: "1", "x-a": "2" };
    const mine = ours({ ...base, headers });
    expect(mine.Authorization).toContain("SignedHeaders=host;x-a;x-sdk-date;x_b,");
    expect(sdkSign(headers, { member: "p" })).toContain("SignedHeaders=host;x-a;x-sdk-date;x_b,");
    expect(sdkSign(headers, { member: "p" })).not.toBe(mine.Authorization);
  });

  test("a caller's Host spelled 'Host': the SDK signs host twice; we sign it once", () => {
    const headers = { Host: "ims.example.test" };
    expect(sdkSign(headers, { member: "p" })).toContain("SignedHeaders=host;host;x-sdk-date,");
    expect(ours({ ...base, headers }).Authorization).toContain("SignedHeaders=host;x-sdk-date,");
  });

  test("a non-JSON content type: the SDK switches to UNSIGNED-PAYLOAD, we keep hashing the body", async () => {
    const octet: Case = { ...base, headers: { "Content-Type": "application/octet-stream" } };
    expect(ours(octet).Authorization).not.toBe((await official(octet)).Authorization);
    const unsigned = {
      ...octet,
      headers: { ...octet.headers, "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD" },
    };
    expect(ours(unsigned).Authorization).toBe((await official(unsigned)).Authorization);
  });

  test("an empty path: the SDK's CanonicalURI('') gives '' (unreachable, URL paths start with /); ours is '/'", () => {
    const canonicalUri = (AKSKSigner as unknown as { CanonicalURI(p: string): string })
      .CanonicalURI;
    expect(canonicalUri.call(AKSKSigner, "")).toBe("");
    expect(
      canonicalRequest({ method: "GET", url: new URL("https://h"), headers: {} }).text.split(
        "\n",
      )[1],
    ).toBe("/");
  });
});

/** An independent server-side check: canonical request rebuilt from the raw HTTP request. */
function expectedSignature(
  req: http.IncomingMessage,
  body: string,
  secretKey: string,
  signedNames: string[],
) {
  const escape = (s: string) =>
    [...Buffer.from(s, "utf8")]
      .map((b) =>
        /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
          ? String.fromCharCode(b)
          : "%" + b.toString(16).toUpperCase().padStart(2, "0"),
      )
      .join("");
  const [rawPath, rawQuery = ""] = (req.url ?? "").split("?");
  const uri = rawPath
    .split("/")
    .map(escape)
    .join("/")
    .replace(/([^/])$/, "$1/");
  const pairs = [...new URLSearchParams(rawQuery)].sort(([a, x], [b, y]) =>
    a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0,
  );
  const query = pairs.map(([k, v]) => `${escape(k)}=${escape(v)}`).join("&");
  const headers = signedNames.map((n) => `${n}:${String(req.headers[n] ?? "").trim()}\n`).join("");
  const payload = createHash("sha256").update(body).digest("hex");
  const canonical = [req.method, uri, query, headers, signedNames.join(";"), payload].join("\n");
  const toSign = `SDK-HMAC-SHA256\n${req.headers["x-sdk-date"]}\n${createHash("sha256").update(canonical).digest("hex")}`;
  return createHmac("sha256", secretKey).update(toSign).digest("hex");
}

/** Closed after each test, also when an assertion failed: a leaked server keeps jest running. */
const openServers: http.Server[] = [];

async function verifyingServer(secretKeys: Record<string, string>, echoSecret = false) {
  const seen: { url: string; headers: http.IncomingHttpHeaders; signed: string[] }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const match =
        /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
          req.headers.authorization ?? "",
        );
      const signed = match ? match[2].split(";") : [];
      seen.push({ url: req.url ?? "", headers: req.headers, signed });
      const secret = match ? secretKeys[match[1]] : undefined;
      const ok =
        match !== null &&
        secret !== undefined &&
        signed.includes("host") &&
        signed.includes("x-sdk-date") &&
        expectedSignature(req, body, secret, signed) === match[3];
      res.writeHead(ok ? 200 : echoSecret ? 403 : 401, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify(
          ok
            ? { ok: true }
            : {
                error: {
                  message: `signature mismatch${echoSecret ? ` for secret ${secret}` : ""}`,
                  code: "APIGW.0301",
                },
              },
        ),
      );
    });
  });
  openServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe("AkSkAuthorizer through HttpClient", () => {
  const credentials = {
    accessKey: "AKTESTACCESSKEY0001",
    secretKey: "sk-e2e-0123456789abcdefghijklmnopqrstuvw",
    securityToken: "temporary-token-abcdefghijklmnop",
    projectId: "0123456789abcdef0123456789abcdef",
  };

  afterEach(async () => {
    for (const server of openServers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test("a real request signed end to end verifies on the server, path and query escaping included", async () => {
    const server = await verifyingServer({ [credentials.accessKey]: credentials.secretKey });
    const client = new HttpClient();
    const authorizer = new AkSkAuthorizer(credentials);
    const post = await client.request({
      method: "POST",
      url: `${server.url}/v2/images/it's|a^test/ü x/%41/members?q=a b&q=c+d&b=&a=é`,
      json: { member: "p2", note: "ü 😀" },
      headers: { "X-Trace": "  spaced  " },
      authorizer,
    });
    expect(post.status).toBe(200);
    const get = await client.request({
      method: "GET",
      url: `${server.url}/v2/images/i/members`,
      authorizer,
    });
    expect(get.status).toBe(200);
    const { headers, signed } = server.seen[0];
    expect(signed).toEqual([
      "accept",
      "content-type",
      "host",
      "x-project-id",
      "x-sdk-date",
      "x-security-token",
      "x-trace",
    ]);
    expect([headers["x-project-id"], headers["x-security-token"]]).toEqual([
      credentials.projectId,
      credentials.securityToken,
    ]);
    expect(headers["user-agent"]).toBe("pulumi-image-members");
  });

  test("a wrong secret key gets a 401 that is final: static keys cannot be renewed", async () => {
    const server = await verifyingServer({
      [credentials.accessKey]: "another-secret-key-entirely",
    });
    const authorizer = new AkSkAuthorizer(credentials);
    await expect(authorizer.renewAfterUnauthorized()).resolves.toBe(false);
    const error = (await new HttpClient()
      .request({ method: "GET", url: `${server.url}/v2/images/i/members`, authorizer })
      .catch((e) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(401);
    expect(server.seen).toHaveLength(1);
  });

  test("the secret key and the security token never reach an error message, even when the server echoes them", async () => {
    const echoed = { ...credentials, secretKey: "sk-echoed-by-the-server-0123456789abcdef" };
    const server = await verifyingServer(
      { [credentials.accessKey]: `${echoed.secretKey} ${echoed.securityToken}` },
      true,
    );
    const error = (await new HttpClient()
      .request({
        method: "DELETE",
        url: `${server.url}/v2/images/i/members/p`,
        authorizer: new AkSkAuthorizer(echoed),
      })
      .catch((e) => e)) as ApiError;
    expect(error.status).toBe(403);
    expect(error.message).toContain("signature mismatch for secret [redacted] [redacted]");
    expect(error.message).not.toContain(echoed.secretKey);
    expect(error.message).not.toContain(echoed.securityToken);
  });

  test("refuses credentials without an access key or a secret key", () => {
    expect(() => new AkSkAuthorizer({ accessKey: "AK", secretKey: "" })).toThrow("needs both");
    expect(() => new AkSkAuthorizer({ accessKey: "", secretKey: "SK-secret" })).toThrow(
      "needs both",
    );
  });
});
