import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { ImageMemberProvider } from "../../provider";
import { TransportError } from "../../provider/transport/errors";
import { HttpClient } from "../../provider/transport/http";
import { stackConfig, withoutOpenStackEnv } from "../support/providerHarness";

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

  test("through the provider: OS_CACERT is read from its file, and turning verification off warns", async () => {
    const warnings: string[] = [];
    const spy = jest
      .spyOn(console, "error")
      .mockImplementation((...args) => void warnings.push(args.join(" ")));
    try {
      const provider = new ImageMemberProvider();
      await provider.configure(
        stackConfig({
          "openstack:authUrl": url,
          "openstack:userName": "u",
          "openstack:password": "p-123456",
          "openstack:insecure": "true",
        }),
      );
      // The fake server is no Keystone: the request reaches it (TLS accepted) and fails later.
      const error = await provider
        .create({ imageId: "d164b5df-1bc3-4c3f-893e-3e471fd16e64", memberId: "m" })
        .catch((e) => e);
      expect(String(error)).not.toMatch(/certificate/);
      expect(warnings.join("\n")).toMatch(/TLS certificate verification is turned off/);

      const missing = new ImageMemberProvider();
      await missing.configure(
        stackConfig({
          "openstack:authUrl": url,
          "openstack:userName": "u",
          "openstack:password": "p-123456",
          "openstack:cacertFile": path.join(dir, "nope.pem"),
        }),
      );
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
