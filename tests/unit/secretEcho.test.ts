/**
 * Some gateways quote the credentials of a failed request in their error body. The fake cloud
 * does so here (echoCredentials) for Keystone and Glance alike, and every provider error
 * (message, stack, the id/properties/reasons kept in state), output and log line is searched
 * for the password, the application credential secret and every token the cloud issued.
 */
import {
  ImageMemberAcceptanceProvider,
  ImageMemberProvider,
  ImageMembersProvider,
} from "../../provider";
import { onFakeCloud, passwordConfig, stackConfig } from "../support/providerHarness";

const fake = onFakeCloud();
let logged: string[];

beforeEach(() => {
  fake.cloud.echoCredentials = true;
  logged = [];
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    jest.spyOn(console, method).mockImplementation((...args) => void logged.push(args.join(" ")));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    jest.spyOn(stream, "write").mockImplementation((chunk, ...rest) => {
      logged.push(String(chunk));
      return write(chunk, ...(rest as []));
    });
  }
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** Every credential the cloud knows or issued: none may appear anywhere the user sees. */
function secrets(): string[] {
  return [
    ...fake.cloud.projects.map((p) => p.user.password),
    fake.cloud.applicationCredential.secret,
    ...fake.cloud.tokens.keys(),
  ];
}

function fault(method: string, path: RegExp, status: number) {
  fake.cloud.faults.push({ match: (m, p) => m === method && path.test(p), status, times: 1 });
}

/** The failure of `operation`, which must quote the echo with its credentials redacted. */
async function failureOf(operation: Promise<unknown>): Promise<Error> {
  const error = (await operation.then(
    () => new Error("the operation succeeded although a fault was injected"),
    (e: Error) => e,
  )) as Error;
  expect(error.message).toMatch(/Credentials received: .*\[redacted\]/);
  return error;
}

/** Everything a user could see: the error with all its fields, outputs, and the logs. */
function expectNoSecretIn(...seen: unknown[]): void {
  const text = [
    ...seen.map((value) =>
      value instanceof Error
        ? JSON.stringify({ ...value, message: value.message, stack: value.stack })
        : JSON.stringify(value),
    ),
    ...logged,
  ].join("\n");
  const leaked = secrets().filter((secret) => text.includes(secret));
  expect(leaked).toEqual([]);
}

const members = /^\/v2\/images\/[^/]+\/members/;

test("ImageMember: a Keystone error quoting the password, Glance errors quoting the token on create, read and delete", async () => {
  const image = fake.cloud.addImage("owner");
  const provider = new ImageMemberProvider();
  await provider.configure(passwordConfig(fake.cloud));
  const consumer = fake.cloud.project("consumer1").id;

  fault("POST", /^\/v3\/auth\/tokens$/, 400);
  const login = await failureOf(provider.create({ imageId: image.id, memberId: consumer }));
  expect(login.message).toContain(`password [redacted]`);

  fault("POST", members, 403);
  const create = await failureOf(provider.create({ imageId: image.id, memberId: consumer }));
  expect(create.message).toContain("X-Auth-Token [redacted]");

  const created = await provider.create({ imageId: image.id, memberId: consumer });
  fault("GET", members, 403);
  const read = await failureOf(provider.read(created.id, created.outs!));
  fault("DELETE", members, 403);
  const removed = await failureOf(provider.delete(created.id, created.outs!));
  expect(fake.cloud.tokens.size).toBeGreaterThan(0);
  expectNoSecretIn(login, create, created, read, removed);
});

test("ImageMember: an application credential secret and a configured token quoted back", async () => {
  const image = fake.cloud.addImage("owner");
  const withSecret = new ImageMemberProvider();
  await withSecret.configure(
    stackConfig({
      "openstack:authUrl": `${fake.cloud.url}/v3`,
      "openstack:applicationCredentialId": fake.cloud.applicationCredential.id,
      "openstack:applicationCredentialSecret": fake.cloud.applicationCredential.secret,
    }),
  );
  fault("POST", /^\/v3\/auth\/tokens$/, 403);
  const appCred = await failureOf(withSecret.create({ imageId: image.id, memberId: "p1" }));
  expect(appCred.message).toContain("application credential secret [redacted]");

  const token = `gAAAAA-configured-token-${fake.cloud.project("owner").id}`;
  fake.cloud.tokens.set(token, {
    projectId: fake.cloud.project("owner").id,
    expiresAt: new Date(Date.now() + 3600_000),
  });
  const withToken = new ImageMemberProvider();
  await withToken.configure(
    stackConfig({
      "openstack:authUrl": `${fake.cloud.url}/v3`,
      "openstack:token": token,
      "openstack:tenantId": fake.cloud.project("owner").id,
    }),
  );
  fault("POST", /^\/v3\/auth\/tokens$/, 400);
  const tokenLogin = await failureOf(withToken.create({ imageId: image.id, memberId: "p1" }));
  expect(tokenLogin.message).toContain("token [redacted]");
  expectNoSecretIn(appCred, tokenLogin);
});

test("ImageMembers: create (a partial failure kept in state), read and delete errors", async () => {
  const image = fake.cloud.addImage("owner");
  const provider = new ImageMembersProvider();
  await provider.configure(passwordConfig(fake.cloud));

  fault("POST", members, 403);
  const partial = (await failureOf(
    provider.create({ imageId: image.id, memberIds: ["p1", "p2"] }),
  )) as Error & { properties?: unknown; reasons?: string[] };
  expect(partial.reasons?.join(" ")).toContain("[redacted]");

  const created = await provider.create({ imageId: image.id, memberIds: ["p3", "p4"] });
  fault("GET", members, 403);
  const read = await failureOf(provider.read(created.id, created.outs!));
  fault("DELETE", members, 403);
  const removed = await failureOf(provider.delete(created.id, created.outs!));
  expectNoSecretIn(partial, created, read, removed);
});

test("ImageMemberAcceptance: create, read and delete errors on the member side", async () => {
  const image = fake.cloud.addImage("owner");
  const me = fake.cloud.project("consumer1").id;
  fake.cloud.shareByHand(image.id, me);
  const provider = new ImageMemberAcceptanceProvider();
  await provider.configure(passwordConfig(fake.cloud, "consumer1"));

  fault("PUT", members, 403);
  const create = await failureOf(provider.create({ imageId: image.id, status: "accepted" }));
  const created = await provider.create({ imageId: image.id, status: "accepted" });
  fault("GET", members, 403);
  const read = await failureOf(provider.read(created.id, created.outs!));
  fault("PUT", members, 403);
  const removed = await failureOf(provider.delete(created.id, created.outs!));
  expectNoSecretIn(create, created, read, removed);
});
