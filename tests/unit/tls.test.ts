import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { ImageMemberProvider } from "../../provider";
import { TransportError } from "../../provider/transport/errors";
import { HttpClient } from "../../provider/transport/http";
import { FakeCloud } from "../support/fakeCloud";
import { configuredProvider, stackConfig, withoutOpenStackEnv } from "../support/providerHarness";

withoutOpenStackEnv();

describe("TLS", () => {
  let dir: string;
  let server: https.Server;
  let url: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-"));
    // A self-signed certificate for 127.0.0.1, made for this test.
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    server = https.createServer(
      {
        key: fs.readFileSync(path.join(dir, "key.pem")),
        cert: fs.readFileSync(path.join(dir, "cert.pem")),
      },
      (_req, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end('{"ok":true}');
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("refuses a self-signed certificate by default, without retrying, and says to set OS_CACERT", async () => {
    const error = (await new HttpClient()
      .request({ method: "GET", url })
      .catch((e) => e)) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.attempts).toBe(1);
    expect(error.message).toMatch(
      /TLS certificate not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\); set OS_CACERT/,
    );
  });

  test("connects when the CA bundle is given, or when verification is turned off", async () => {
    const ca = fs.readFileSync(path.join(dir, "cert.pem"));
    expect(
      (await new HttpClient({ tls: { caCertificate: ca } }).request({ method: "GET", url })).body,
    ).toEqual({ ok: true });
    expect(
      (await new HttpClient({ tls: { insecure: true } }).request({ method: "GET", url })).body,
    ).toEqual({ ok: true });
  });

  test("keeps one TLS connection alive for the requests that follow, saving a handshake each", async () => {
    let handshakes = 0;
    const count = () => void (handshakes += 1);
    server.on("secureConnection", count);
    try {
      const client = new HttpClient({
        tls: { caCertificate: fs.readFileSync(path.join(dir, "cert.pem")) },
      });
      for (let i = 0; i < 3; i += 1) await client.request({ method: "GET", url });
      expect(handshakes).toBe(1);
    } finally {
      server.off("secureConnection", count);
    }
  });

  test("through the provider: OS_CACERT is read from its file, and turning verification off warns", async () => {
    const warnings: string[] = [];
    const spy = jest
      .spyOn(console, "error")
      .mockImplementation((...args) => void warnings.push(args.join(" ")));
    /** A provider logging in at the fake server with a password, and `tls`'s settings. */
    const configuredWith = async (tls: Record<string, string>) => {
      const provider = new ImageMemberProvider();
      await provider.configure(
        stackConfig({
          "openstack:authUrl": url,
          "openstack:userName": "u",
          "openstack:password": "p-123456",
          ...tls,
        }),
      );
      return provider;
    };
    try {
      const provider = await configuredWith({ "openstack:insecure": "true" });
      // The fake server is no Keystone: the request reaches it (TLS accepted) and fails later.
      const error = await provider
        .create({ imageId: "d164b5df-1bc3-4c3f-893e-3e471fd16e64", memberId: "m" })
        .catch((e) => e);
      expect(String(error)).not.toMatch(/certificate/);
      expect(warnings.join("\n")).toMatch(/TLS certificate verification is turned off/);

      const missing = await configuredWith({ "openstack:cacertFile": path.join(dir, "nope.pem") });
      await expect(
        missing.create({ imageId: "d164b5df-1bc3-4c3f-893e-3e471fd16e64", memberId: "m" }),
      ).rejects.toThrow(
        /Cannot share image d164b5df-1bc3-4c3f-893e-3e471fd16e64 with project m: Cannot read the CA bundle .*nope\.pem \(OS_CACERT\)/,
      );
    } finally {
      spy.mockRestore();
    }
  });
});

describe("OS_CACERT through the provider, against a cloud whose certificate a private CA signed", () => {
  let dir: string;
  let cloud: FakeCloud;
  let caFile: string;
  const savedCacert = process.env.OS_CACERT;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "private-ca-"));
    const file = (name: string) => path.join(dir, name);
    const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
    // A CA made for this test, and a certificate for 127.0.0.1 it signs (loopback only).
    openssl(
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
      "-subj", "/CN=pim test CA", "-addext", "basicConstraints=critical,CA:true",
      "-addext", "keyUsage=critical,keyCertSign,cRLSign",
      "-keyout", file("ca.key"), "-out", file("ca.pem"),
    ); // prettier-ignore
    openssl(
      "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
      "-keyout", file("server.key"), "-out", file("server.csr"),
    ); // prettier-ignore
    fs.writeFileSync(file("ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
    openssl(
      "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
      "-CAcreateserial", "-days", "1", "-extfile", file("ext.cnf"), "-out", file("server.pem"),
    ); // prettier-ignore
    caFile = file("ca.pem");
    cloud = new FakeCloud();
    await cloud.start({
      key: fs.readFileSync(file("server.key")),
      cert: fs.readFileSync(file("server.pem")),
    });
  });
  afterAll(async () => {
    await cloud?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  // Sessions are cached per process and configuration: each way of giving the CA starts afresh.
  const clearSessions = () =>
    (globalThis as unknown as Record<symbol, Map<string, unknown> | undefined>)[
      Symbol.for("pulumi-image-members.sessions")
    ]?.clear();
  beforeEach(clearSessions);
  afterEach(() => {
    if (savedCacert === undefined) delete process.env.OS_CACERT;
    else process.env.OS_CACERT = savedCacert;
  });

  test("without the CA bundle the provider refuses the certificate and creates nothing", async () => {
    expect(cloud.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const image = cloud.addImage("owner");
    const provider = await configuredProvider(cloud);
    await expect(provider.create({ imageId: image.id, memberId: "p1" })).rejects.toThrow(
      new RegExp(
        `Cannot share image ${image.id} with project p1: the cloud could not be reached: .*` +
          `TLS certificate not trusted \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\); set OS_CACERT`,
      ),
    );
    expect(cloud.log).toEqual([]);
  });

  test("with OS_CACERT, and with openstack:cacertFile, the provider authenticates and shares over TLS", async () => {
    const image = cloud.addImage("owner");
    process.env.OS_CACERT = caFile;
    const fromEnv = await configuredProvider(cloud);
    const created = await fromEnv.create({ imageId: image.id, memberId: "p1" });
    expect(created.outs).toMatchObject({ memberId: "p1", status: "pending" });
    delete process.env.OS_CACERT;
    clearSessions();

    const fromStack = await configuredProvider(cloud, "owner", { "openstack:cacertFile": caFile });
    await fromStack.create({ imageId: image.id, memberId: "p2" });
    expect(cloud.members.get(image.id)?.map((m) => m.member_id)).toEqual(["p1", "p2"]);
    expect(cloud.authentications().map((r) => r.status)).toEqual([201, 201]);
  });
});
