/**
 * Per-resource identity on the fake cloud: a `cloud` input names a clouds.yaml entry whose
 * credentials the resource uses instead of the stack's. Two identities in one process
 * authenticate twice, whatever the count of resources; a renamed entry of the same project is
 * no change; another project's entry stops the preview; every failure names the cloud.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import {
  getImageMembers,
  getSharedImages,
  ImageMemberAcceptanceProvider,
  ImageMemberProvider,
  ImageMembersProvider,
} from "../../provider";
import {
  onFakeCloud,
  passwordConfig,
  stackConfig,
  withoutOpenStackEnv,
} from "../support/providerHarness";

const fake = onFakeCloud();
let dir: string;

/** clouds.yaml with one entry per named project (passwords in secure.yaml), selected by file. */
function writeClouds(entries: Record<string, { project: string; password?: string }>): void {
  const clouds: Record<string, unknown> = {};
  const secure: Record<string, unknown> = {};
  for (const [name, { project: projectName, password }] of Object.entries(entries)) {
    const project = fake.cloud.project(projectName);
    clouds[name] = {
      auth: {
        auth_url: `${fake.cloud.url}/v3`,
        username: project.user.name,
        project_name: project.name,
        user_domain_name: "Default",
        project_domain_name: "Default",
      },
    };
    secure[name] = { auth: { password: password ?? project.user.password } };
  }
  fs.writeFileSync(path.join(dir, "clouds.yaml"), yaml.dump({ clouds }));
  fs.writeFileSync(path.join(dir, "secure.yaml"), yaml.dump({ clouds: secure }));
  process.env.OS_CLIENT_CONFIG_FILE = path.join(dir, "clouds.yaml");
  process.env.OS_CLIENT_SECURE_FILE = path.join(dir, "secure.yaml");
}

function share(imageId: string, projectName: string): void {
  fake.cloud.shareByHand(imageId, fake.cloud.project(projectName).id);
}

/** An image the owner shares with consumer1, accepted with clouds.yaml entry c1 (consumer1). */
async function acceptedWithC1() {
  const image = fake.cloud.addImage("owner");
  share(image.id, "consumer1");
  const provider = new ImageMemberAcceptanceProvider();
  await provider.configure(passwordConfig(fake.cloud, "owner"));
  const inputs = { imageId: image.id, status: "accepted" as const, cloud: "c1" };
  const created = await provider.create(inputs);
  return { image, provider, inputs, created };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-identities-"));
  writeClouds({
    owner: { project: "owner" },
    c1: { project: "consumer1" },
    "c1-alias": { project: "consumer1" },
    c2: { project: "consumer2" },
  });
});
afterEach(() => {
  withoutOpenStackEnv();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the cloud input", () => {
  test("one stack shares with its own credentials and accepts with two others: three authentications for six resources", async () => {
    const images = [
      fake.cloud.addImage("owner"),
      fake.cloud.addImage("owner"),
      fake.cloud.addImage("owner"),
    ];
    const members = new ImageMemberProvider();
    await members.configure(passwordConfig(fake.cloud, "owner"));
    const acceptances = new ImageMemberAcceptanceProvider();
    await acceptances.configure(passwordConfig(fake.cloud, "owner"));

    for (const image of images) {
      for (const consumer of ["consumer1", "consumer2"]) {
        await members.create({ imageId: image.id, memberId: fake.cloud.project(consumer).id });
      }
    }
    const accepted = [];
    for (const image of images) {
      accepted.push(
        await acceptances.create({
          imageId: image.id,
          memberId: fake.cloud.project("consumer1").id,
          status: "accepted",
          cloud: "c1",
        }),
        await acceptances.create({
          imageId: image.id,
          memberId: fake.cloud.project("consumer2").id,
          status: "accepted",
          cloud: "c2",
        }),
      );
    }
    const statuses = [...fake.cloud.members.values()].flat().map((m) => m.status);
    expect(statuses).toEqual(Array(6).fill("accepted"));
    // The stack's identity (owner), consumer1's and consumer2's: one login each.
    expect(fake.cloud.authentications()).toHaveLength(3);
    // Each acceptance records the project it acted for, and the name of the cloud only.
    expect(accepted[0].outs).toMatchObject({
      cloud: "c1",
      managingProjectId: fake.cloud.project("consumer1").id,
    });
    const state = JSON.stringify(accepted.map((a) => a.outs));
    for (const project of fake.cloud.projects) {
      expect(state).not.toContain(project.user.password);
    }
  });

  test("a named cloud is that clouds.yaml entry alone: the stack's OS_* credentials do not mix in", async () => {
    const image = fake.cloud.addImage("owner");
    share(image.id, "consumer1");
    process.env.OS_PASSWORD = "a-stray-password-of-the-shell";
    process.env.OS_USERNAME = fake.cloud.project("owner").user.name;
    const provider = new ImageMemberAcceptanceProvider();
    await provider.configure(stackConfig({}));
    const created = await provider.create({ imageId: image.id, status: "accepted", cloud: "c1" });
    expect(created.outs!.memberId).toBe(fake.cloud.project("consumer1").id);
    expect(fake.cloud.members.get(image.id)![0].status).toBe("accepted");
  });

  test("check stops an unknown or unusable cloud before any request, naming what is defined", async () => {
    const provider = new ImageMembersProvider();
    await provider.configure(passwordConfig(fake.cloud, "owner"));
    const image = fake.cloud.addImage("owner");
    const unknown = await provider.check({} as never, {
      imageId: image.id,
      projects: { ops: fake.cloud.project("consumer1").id },
      cloud: "opps",
    });
    expect(unknown.failures).toEqual([
      {
        property: "cloud",
        reason: expect.stringMatching(
          /^cloud "opps" \(the cloud input\) is not defined in .*clouds\.yaml; it defines "owner", "c1", "c1-alias", "c2"\. Add it to that file, or name one of those\.$/,
        ),
      },
    ]);
    const notText = await provider.check({} as never, {
      imageId: image.id,
      projects: {},
      cloud: 42 as unknown as string,
    });
    expect(notText.failures?.[0]?.reason).toMatch(
      /cloud must be the name of a cloud in clouds\.yaml/,
    );
    fs.writeFileSync(
      process.env.OS_CLIENT_CONFIG_FILE!,
      yaml.dump({ clouds: { half: { auth: { username: "x" } } } }),
    );
    const incomplete = await provider.check({} as never, {
      imageId: image.id,
      projects: {},
      cloud: "half",
    });
    expect(incomplete.failures?.[0]?.reason).toMatch(
      /^cloud "half" \(clouds\.yaml\): No Keystone URL: .* Complete that entry in clouds\.yaml \(or secure\.yaml\)\.$/,
    );
    expect(fake.cloud.log).toHaveLength(0);
  });

  test("another name for the same project is no change; another project's stops the preview", async () => {
    const { image, provider, inputs, created } = await acceptedWithC1();

    const renamed = await provider.diff(created.id, created.outs!, {
      ...inputs,
      cloud: "c1-alias",
    });
    expect(renamed).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });

    const consumer1 = fake.cloud.project("consumer1").id;
    const consumer2 = fake.cloud.project("consumer2").id;
    await expect(
      provider.diff(created.id, created.outs!, { ...inputs, cloud: "c2" }),
    ).rejects.toThrow(
      `Cannot change the cloud of the acceptance of image ${image.id} by project ${consumer1}: ` +
        `cloud "c2" (clouds.yaml) would act for project ${consumer2}, but this resource was made with ` +
        `the credentials of project ${consumer1} (cloud "c1" (clouds.yaml)). Only the member ` +
        `project ${consumer1} can accept or reject its membership, so with the other project's ` +
        `credentials this resource could not be updated or reset. Nothing was changed. Name a ` +
        `clouds.yaml entry for project ${consumer1} (any name will do: the same project is no ` +
        `change), or keep the current one.`,
    );
    // To the stack's own credentials (owner): another project too.
    await expect(
      provider.diff(created.id, created.outs!, { ...inputs, cloud: undefined }),
    ).rejects.toThrow(/the stack's credentials would act for project/);
    expect(fake.cloud.members.get(image.id)![0].status).toBe("accepted");
    // Another image, shared with consumer2: another acceptance, with credentials of its own.
    const theirs = fake.cloud.addImage("owner");
    share(theirs.id, "consumer2");
    expect(
      await provider.diff(created.id, created.outs!, {
        ...inputs,
        imageId: theirs.id,
        cloud: "c2",
      }),
    ).toEqual({ changes: true, replaces: ["imageId"], deleteBeforeReplace: false });
  });

  test("the owner's resources: a cloud switch to a member project is refused, a rename is not", async () => {
    const image = fake.cloud.addImage("owner");
    writeClouds({
      owner: { project: "owner" },
      "owner-2": { project: "owner" },
      c1: { project: "consumer1" },
    });
    const provider = new ImageMembersProvider();
    await provider.configure(stackConfig({}));
    const inputs = {
      imageId: image.id,
      projects: { ops: fake.cloud.project("consumer1").id },
      cloud: "owner",
    };
    const created = await provider.create(inputs);
    expect(created.outs).toMatchObject({
      cloud: "owner",
      managingProjectId: fake.cloud.project("owner").id,
    });
    expect(await provider.diff(image.id, created.outs!, { ...inputs, cloud: "owner-2" })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    await expect(
      provider.diff(image.id, created.outs!, { ...inputs, cloud: "c1" }),
    ).rejects.toThrow(
      /Only the image's owner project can add or remove its members.*Nothing was changed\. Name a clouds\.yaml entry for project/,
    );
  });

  test("ImageMember: a cloud switch to another project is refused, a rename is not, a replacement chooses anew", async () => {
    const image = fake.cloud.addImage("owner");
    writeClouds({
      owner: { project: "owner" },
      "owner-2": { project: "owner" },
      c1: { project: "consumer1" },
    });
    const provider = new ImageMemberProvider();
    await provider.configure(stackConfig({}));
    const owner = fake.cloud.project("owner").id;
    const consumer1 = fake.cloud.project("consumer1").id;
    const inputs = { imageId: image.id, memberId: consumer1, cloud: "owner" };
    const created = await provider.create(inputs);
    expect(created.outs).toMatchObject({ cloud: "owner", managingProjectId: owner });
    // A refresh gives the cloud back as an input, so the program's own inputs diff cleanly.
    expect((await provider.read(created.id, created.outs!)).inputs).toEqual(inputs);

    expect(await provider.diff(created.id, created.outs!, { ...inputs, cloud: "owner-2" })).toEqual(
      { changes: false, replaces: [], deleteBeforeReplace: false },
    );
    await expect(
      provider.diff(created.id, created.outs!, { ...inputs, cloud: "c1" }),
    ).rejects.toThrow(
      `Cannot change the cloud of the membership of project ${consumer1} in image ${image.id}: ` +
        `cloud "c1" (clouds.yaml) would act for project ${consumer1}, but this resource was made with ` +
        `the credentials of project ${owner} (cloud "owner" (clouds.yaml)). Only the image's owner ` +
        `project can remove its members, so with the other project's credentials this resource ` +
        `could not be deleted or refreshed. Nothing was changed.`,
    );
    // Another image, owned by consumer1: another membership, made with credentials of its own.
    const theirs = fake.cloud.addImage("consumer1");
    expect(
      await provider.diff(created.id, created.outs!, {
        ...inputs,
        imageId: theirs.id,
        cloud: "c1",
      }),
    ).toEqual({ changes: true, replaces: ["imageId"], deleteBeforeReplace: false });
  });

  test("failures name the cloud: bad credentials, an image its project cannot see, another project's acceptance", async () => {
    const image = fake.cloud.addImage("owner");
    share(image.id, "consumer1");
    writeClouds({
      c1: { project: "consumer1" },
      c2: { project: "consumer2" },
      "c1-wrong": { project: "consumer1", password: "not-the-password" },
    });
    const provider = new ImageMemberAcceptanceProvider();
    await provider.configure(stackConfig({}));

    await expect(
      provider.create({ imageId: image.id, status: "accepted", cloud: "c1-wrong" }),
    ).rejects.toThrow(
      /Keystone rejected the credentials from clouds\.yaml entry "c1-wrong" of \/.*\/clouds\.yaml \(chosen by the resource's cloud input\)\. Check the user, password/,
    );
    const consumer1 = fake.cloud.project("consumer1").id;
    await expect(
      provider.create({ imageId: image.id, memberId: consumer1, status: "accepted", cloud: "c2" }),
    ).rejects.toThrow(
      `cloud "c2" (clouds.yaml) acts for project ${fake.cloud.project("consumer2").id}, but only the ` +
        `member project ${consumer1} can accept or reject its membership`,
    );
    const members = new ImageMemberProvider();
    await members.configure(stackConfig({}));
    await expect(
      members.create({ imageId: image.id, memberId: "some-project", cloud: "c2" }),
    ).rejects.toThrow(/\(Credentials used: cloud "c2" \(clouds\.yaml\)/);
    expect(fake.cloud.members.get(image.id)).toHaveLength(1);
    expect(fake.cloud.members.get(image.id)![0].status).toBe("pending");
  });

  test("the project recorded at creation counts, not whom the old name acts for now; a new name that cannot sign in is explained", async () => {
    const { provider, inputs, created } = await acceptedWithC1();
    // c1 is repointed at consumer2: moving to c2 (consumer2) is still another project.
    writeClouds({
      c1: { project: "consumer2" },
      c2: { project: "consumer2" },
      "c2-wrong": { project: "consumer2", password: "not-the-password" },
    });
    await expect(
      provider.diff(created.id, created.outs!, { ...inputs, cloud: "c2" }),
    ).rejects.toThrow(
      `but this resource was made with the credentials of project ${fake.cloud.project("consumer1").id}`,
    );
    await expect(
      provider.diff(created.id, created.outs!, { ...inputs, cloud: "c2-wrong" }),
    ).rejects.toThrow(
      /^Cannot change the cloud of the acceptance of image .*: Keystone rejected the credentials from clouds\.yaml entry "c2-wrong"/,
    );
  });

  test("a region the catalog lacks: with a named cloud the hint names that entry's keys, with the stack's credentials OS_*", async () => {
    const image = fake.cloud.addImage("owner");
    share(image.id, "consumer1");
    const named = new ImageMemberAcceptanceProvider();
    await named.configure(stackConfig({}));
    await expect(
      named.create({ imageId: image.id, status: "accepted", cloud: "c1", region: "Nowhere" }),
    ).rejects.toThrow(
      `Check the region (region_name of cloud "c1" in clouds.yaml, or the resource's region) ` +
        `and interface (interface of cloud "c1" in clouds.yaml).`,
    );
    const stack = new ImageMemberAcceptanceProvider();
    await stack.configure(passwordConfig(fake.cloud, "consumer1"));
    await expect(
      stack.create({ imageId: image.id, status: "accepted", region: "Nowhere" }),
    ).rejects.toThrow(
      "Check the region (OS_REGION_NAME or the resource's region) and interface (OS_INTERFACE).",
    );
    expect(fake.cloud.members.get(image.id)![0].status).toBe("pending");
  });

  test("look-ups take a cloud too: each project sees its own side, unknown names are explained", async () => {
    const image = fake.cloud.addImage("owner", "shared", "golden");
    share(image.id, "consumer1");
    const members = await getImageMembers({ imageId: image.id, cloud: "owner" });
    expect(members.members.map((m) => m.memberId)).toEqual([fake.cloud.project("consumer1").id]);
    const pending = await getSharedImages({ status: "pending", name: "golden", cloud: "c1" });
    expect(pending.images.map((i) => i.id)).toEqual([image.id]);
    const none = await getSharedImages({ status: "pending", cloud: "c2" });
    expect(none.images).toEqual([]);
    await expect(getSharedImages({ cloud: "nope" })).rejects.toThrow(
      /^Cannot list the images shared with this project \(status "accepted"\) with cloud "nope" \(clouds\.yaml\): cloud "nope" \(the cloud input\) is not defined in/,
    );
  });
});
