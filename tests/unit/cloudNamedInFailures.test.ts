/**
 * A resource's failure says whose credentials it used when the resource names a `cloud`
 * (resources/common/configuredProvider.ts, `namingTheCloud`): once, and not when the message
 * already names that cloud. A refresh or destroy whose state names a clouds.yaml entry since
 * renamed in the program (no change, so state kept the old name) is told how to get out.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ImageMemberAcceptanceProvider,
  ImageMemberProvider,
  ImageMembersProvider,
} from "../../provider";
import {
  onFakeCloud,
  passwordConfig,
  stackConfig,
  withoutOpenStackEnv,
  writeFakeCloudsYaml,
} from "../support/providerHarness";

withoutOpenStackEnv();
const fake = onFakeCloud();
let dir: string;

/** clouds.yaml with one entry per name, each signing in as the named project of the fake cloud. */
function writeClouds(entries: Record<string, string>): void {
  writeFakeCloudsYaml(fake.cloud, dir, entries);
  process.env.OS_CLIENT_SECURE_FILE = path.join(dir, "secure.yaml");
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-cloud-named-"));
  writeClouds({ owner: "owner" });
});
afterEach(() => {
  withoutOpenStackEnv();
  fs.rmSync(dir, { recursive: true, force: true });
});

const renamedAdvice = (cloud: string) =>
  ` State records this resource with cloud "${cloud}": a cloud renamed in the program to ` +
  `another entry of the same project is not a change, so the name in state stays until the ` +
  `resource next changes. Put "${cloud}" back in clouds.yaml (any credentials of the same ` +
  `project) to refresh or destroy it; nothing was changed.`;

/**
 * The messages of a refresh and a destroy of one membership whose state names the cloud
 * "before", which clouds.yaml no longer defines; `extra` completes the resource's state.
 */
async function refreshAndDestroyWithCloudGone<S extends object>(
  provider: {
    read(id: string, state: S): Promise<unknown>;
    delete(id: string, state: S): Promise<unknown>;
  },
  extra: Omit<S, "imageId" | "memberId" | "createdAt" | "updatedAt" | "cloud">,
): Promise<string[]> {
  const image = fake.cloud.addImage("owner");
  const member = fake.cloud.project("consumer1").id;
  const state = {
    imageId: image.id,
    memberId: member,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    cloud: "before",
    ...extra,
  } as unknown as S;
  const messages: string[] = [];
  // One after the other: a failure is awaited as soon as it is started.
  for (const hook of [
    () => provider.read(`${image.id}/${member}`, state),
    () => provider.delete(`${image.id}/${member}`, state),
  ]) {
    messages.push(String(((await hook().catch((e: unknown) => e)) as Error).message));
  }
  return messages;
}

describe("a cloud that state names but clouds.yaml no longer defines", () => {
  test("refresh and destroy say why state still has the old name, and how to get out", async () => {
    const provider = new ImageMemberProvider();
    await provider.configure(stackConfig({}));

    const messages = await refreshAndDestroyWithCloudGone(provider, { status: "pending" });
    for (const message of messages) {
      expect(message).toMatch(/^Cannot .*: cloud "before" \(the cloud input\) is not defined in /);
      expect(message.endsWith(renamedAdvice("before"))).toBe(true);
      expect(message).not.toContain("Credentials used");
    }
    expect(messages).toHaveLength(2);
    expect(fake.cloud.glanceRequests()).toEqual([]);
  });

  test("an ImageMemberAcceptance's refresh and destroy say the same", async () => {
    const provider = new ImageMemberAcceptanceProvider();
    await provider.configure(stackConfig({}));

    const messages = await refreshAndDestroyWithCloudGone(provider, {
      status: "accepted",
      schema: "/v2/schemas/member",
    });
    for (const message of messages) {
      expect(message).toMatch(/^Cannot .*: cloud "before" \(the cloud input\) is not defined in /);
      expect(message.endsWith(renamedAdvice("before"))).toBe(true);
    }
    expect(messages).toHaveLength(2);
    expect(fake.cloud.glanceRequests()).toEqual([]);
  });

  test("from the program's inputs the name is the program's own: no word about state", async () => {
    const image = fake.cloud.addImage("owner");
    const member = fake.cloud.project("consumer1").id;
    const provider = new ImageMemberProvider();
    await provider.configure(stackConfig({}));

    const error = (await provider
      .create({ imageId: image.id, memberId: member, cloud: "typo" })
      .catch((e: unknown) => e)) as Error;

    expect(error.message).toContain(`cloud "typo" (the cloud input) is not defined in `);
    expect(error.message).not.toContain("State records");
    // The message names the cloud already: it is not said twice.
    expect(error.message).not.toContain("Credentials used");
  });
});

describe("a failure that does not name the cloud", () => {
  test("ends with the credentials used, in the message and in each reason kept for state", async () => {
    const image = fake.cloud.addImage("owner");
    const [first, second] = ["consumer1", "consumer2"].map((name) => fake.cloud.project(name).id);
    const provider = new ImageMembersProvider();
    await provider.configure(stackConfig({}));
    // The second grant is refused: the first is made and kept in state.
    fake.cloud.faults.push({
      match: (method, p) =>
        method === "POST" &&
        p.endsWith("/members") &&
        fake.cloud.members.get(image.id)!.length >= 1,
      status: 403,
      times: 100,
    });

    const error = (await provider
      .create({ imageId: image.id, memberIds: [first!, second!], cloud: "owner" })
      .catch((e: unknown) => e)) as Error & { reasons?: string[]; properties?: object };

    const said = ` (Credentials used: cloud "owner" (clouds.yaml), from the resource's cloud input.)`;
    expect(error.message).toMatch(new RegExp(`^Cannot share image ${image.id} with 1 project`));
    expect(error.message.endsWith(said)).toBe(true);
    expect(error.message.split("Credentials used")).toHaveLength(2);
    expect(error.properties).toBeDefined();
    expect(error.reasons).toEqual([error.message]);
  });

  test("refresh or destroy with a cloud clouds.yaml defines: the credentials, no word about a rename", async () => {
    const image = fake.cloud.addImage("owner");
    const member = fake.cloud.project("consumer1").id;
    const provider = new ImageMemberProvider();
    await provider.configure(stackConfig({}));
    const created = await provider.create({ imageId: image.id, memberId: member, cloud: "owner" });
    fake.cloud.faults.push({ match: (method) => method === "DELETE", status: 403, times: 10 });

    const error = (await provider
      .delete(created.id, created.outs!)
      .catch((e: unknown) => e)) as Error;

    expect(error.message).toMatch(
      new RegExp(`^Cannot stop sharing image ${image.id} with project ${member}: `),
    );
    expect(error.message).not.toContain("State records");
    expect(
      error.message.endsWith(
        ` (Credentials used: cloud "owner" (clouds.yaml), from the resource's cloud input.)`,
      ),
    ).toBe(true);
  });

  test("a resource without a cloud input: its failure names no cloud", async () => {
    const image = fake.cloud.addImage("owner");
    const [first, second] = ["consumer1", "consumer2"].map((name) => fake.cloud.project(name).id);
    const provider = new ImageMembersProvider();
    await provider.configure(passwordConfig(fake.cloud, "owner"));
    fake.cloud.faults.push({
      match: (method, p) =>
        method === "POST" &&
        p.endsWith("/members") &&
        fake.cloud.members.get(image.id)!.length >= 1,
      status: 403,
      times: 100,
    });

    const error = (await provider
      .create({ imageId: image.id, memberIds: [first!, second!] })
      .catch((e: unknown) => e)) as Error & { reasons?: string[] };

    expect(error.message).toMatch(new RegExp(`^Cannot share image ${image.id} with 1 project`));
    expect(error.message).not.toContain("Credentials used");
    expect(error.reasons).toEqual([error.message]);
  });
});

describe("a diff that keeps the cloud", () => {
  test("signs in nowhere: the same name (or none on both sides) is no switch to judge", async () => {
    const image = fake.cloud.addImage("owner");
    const member = fake.cloud.project("consumer1").id;
    const provider = new ImageMemberProvider();
    await provider.configure(stackConfig({}));
    const inputs = { imageId: image.id, memberId: member };
    const recorded = { ...inputs, status: "pending" as const, createdAt: "", updatedAt: "" };
    for (const cloud of [{ cloud: "owner" }, {}]) {
      const diff = await provider.diff(
        `${image.id}/${member}`,
        { ...recorded, ...cloud },
        {
          ...inputs,
          ...cloud,
        },
      );
      expect(diff.changes).toBe(false);
    }
    expect(fake.cloud.log).toEqual([]);
  });
});
