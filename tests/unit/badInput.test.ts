/**
 * Hostile and malformed input, table-driven, across both resources and the configuration.
 * Each case names the error expected, and proves that Glance received no request (refused in
 * check, or before any Glance call) and that no member was left behind.
 */
import * as fs from "fs";
import * as path from "path";
import { ImageMemberAcceptanceProvider, ImageMemberProvider } from "../../provider";
import { temporaryFolder } from "../support/cleanup";
import { FakeCloud } from "../support/fakeCloud";
import { onFakeCloud, passwordConfig, stackConfig } from "../support/providerHarness";

const goodImage = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";

interface CheckCase {
  resource: "ImageMember" | "ImageMemberAcceptance";
  inputs: Record<string, unknown>;
  property: string;
  reason: RegExp;
}

const checkCases: [string, CheckCase][] = [
  [
    "imageId not a UUID",
    {
      resource: "ImageMember",
      inputs: { imageId: "not-a-uuid", memberId: "p" },
      property: "imageId",
      reason: /must be the UUID of an image/,
    },
  ],
  [
    "imageId empty",
    {
      resource: "ImageMember",
      inputs: { imageId: "", memberId: "p" },
      property: "imageId",
      reason: /got ""/,
    },
  ],
  [
    "imageId white space only",
    {
      resource: "ImageMember",
      inputs: { imageId: "   ", memberId: "p" },
      property: "imageId",
      reason: /must be the UUID/,
    },
  ],
  [
    "imageId with a path",
    {
      resource: "ImageMember",
      inputs: { imageId: `${goodImage}/members`, memberId: "p" },
      property: "imageId",
      reason: /must be the UUID/,
    },
  ],
  [
    "imageId ..",
    {
      resource: "ImageMember",
      inputs: { imageId: "..", memberId: "p" },
      property: "imageId",
      reason: /must be the UUID/,
    },
  ],
  [
    "imageId %2F",
    {
      resource: "ImageMember",
      inputs: { imageId: "%2F", memberId: "p" },
      property: "imageId",
      reason: /must be the UUID/,
    },
  ],
  [
    "imageId unicode look-alike",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage.replace("d", "ԁ"), memberId: "p" },
      property: "imageId",
      reason: /must be the UUID/,
    },
  ],
  [
    "imageId very long",
    {
      resource: "ImageMember",
      inputs: { imageId: "a".repeat(10_000), memberId: "p" },
      property: "imageId",
      reason: /…"/,
    },
  ],
  [
    "imageId a number",
    {
      resource: "ImageMember",
      inputs: { imageId: 42, memberId: "p" },
      property: "imageId",
      reason: /got a number/,
    },
  ],
  [
    "imageId an object",
    {
      resource: "ImageMember",
      inputs: { imageId: { id: goodImage }, memberId: "p" },
      property: "imageId",
      reason: /got a object/,
    },
  ],
  [
    "memberId missing",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage },
      property: "memberId",
      reason: /\(a string\)/,
    },
  ],
  [
    "memberId empty",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "" },
      property: "memberId",
      reason: /it is empty/,
    },
  ],
  [
    "memberId white space",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: " \t" },
      property: "memberId",
      reason: /white space/,
    },
  ],
  [
    "memberId trailing newline",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "abc\n" },
      property: "memberId",
      reason: /white space/,
    },
  ],
  [
    "memberId with /",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "a/b" },
      property: "memberId",
      reason: /can never read or delete again/,
    },
  ],
  [
    "memberId ..",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: ".." },
      property: "memberId",
      reason: /only dots/,
    },
  ],
  [
    "memberId .",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "." },
      property: "memberId",
      reason: /only dots/,
    },
  ],
  [
    "memberId 256 characters",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "x".repeat(256) },
      property: "memberId",
      reason: /at most 255 characters; it has 256/,
    },
  ],
  [
    "memberId 300 characters (a 500 in Glance)",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "x".repeat(300) },
      property: "memberId",
      reason: /it has 300/,
    },
  ],
  [
    "memberId emoji (4-byte)",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "team🚀" },
      property: "memberId",
      reason: /Basic Multilingual Plane/,
    },
  ],
  [
    "memberId NUL byte",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "a\u0000b" },
      property: "memberId",
      reason: /control characters/,
    },
  ],
  [
    "memberId escape character",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "a\u001bb" },
      property: "memberId",
      reason: /control characters/,
    },
  ],
  [
    "memberId a list",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: ["p1", "p2"] },
      property: "memberId",
      reason: /\(a string\)/,
    },
  ],
  [
    "region empty",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "p", region: "" },
      property: "region",
      reason: /region name without spaces/,
    },
  ],
  [
    "region with spaces",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "p", region: "Region One" },
      property: "region",
      reason: /without spaces/,
    },
  ],
  [
    "adoptExisting a string",
    {
      resource: "ImageMember",
      inputs: { imageId: goodImage, memberId: "p", adoptExisting: "true" },
      property: "adoptExisting",
      reason: /must be true or false/,
    },
  ],
  [
    "status misspelt",
    {
      resource: "ImageMemberAcceptance",
      inputs: { imageId: goodImage, status: "acepted" },
      property: "status",
      reason: /must be one of "accepted", "rejected", "pending"/,
    },
  ],
  [
    "status upper case",
    {
      resource: "ImageMemberAcceptance",
      inputs: { imageId: goodImage, status: "ACCEPTED" },
      property: "status",
      reason: /must be one of/,
    },
  ],
  [
    "status missing",
    {
      resource: "ImageMemberAcceptance",
      inputs: { imageId: goodImage },
      property: "status",
      reason: /got nothing/,
    },
  ],
  [
    "statusOnDelete accepted",
    {
      resource: "ImageMemberAcceptance",
      inputs: { imageId: goodImage, status: "accepted", statusOnDelete: "accepted" },
      property: "statusOnDelete",
      reason: /"rejected", "pending"/,
    },
  ],
  [
    "acceptance memberId with /",
    {
      resource: "ImageMemberAcceptance",
      inputs: { imageId: goodImage, status: "accepted", memberId: "x/../y" },
      property: "memberId",
      reason: /can never read or delete again/,
    },
  ],
  [
    "acceptance vaultId blank",
    {
      resource: "ImageMemberAcceptance",
      inputs: { imageId: goodImage, status: "accepted", vaultId: "  " },
      property: "vaultId",
      reason: /non-empty id/,
    },
  ],
  [
    "acceptance imageId not a UUID",
    {
      resource: "ImageMemberAcceptance",
      inputs: { imageId: "../images", status: "accepted" },
      property: "imageId",
      reason: /must be the UUID/,
    },
  ],
];

describe("bad input", () => {
  const fake = onFakeCloud("all");
  const temp = temporaryFolder("bad-input-");

  test.each(checkCases)("check refuses %s, before any request", async (_name, c) => {
    const provider =
      c.resource === "ImageMember"
        ? new ImageMemberProvider()
        : new ImageMemberAcceptanceProvider();
    await provider.configure(passwordConfig(fake.cloud));
    const before = fake.cloud.log.length;
    const result = await provider.check({} as never, c.inputs as never);
    const failure = result.failures?.find((f) => f.property === c.property);
    expect(failure?.reason).toMatch(c.reason);
    expect(fake.cloud.log.length).toBe(before);
  });

  function configCase(values: () => Record<string, string>, expected: RegExp) {
    return { values, expected };
  }

  const configCases: [string, ReturnType<typeof configCase>][] = [
    [
      "OS_AUTH_URL not a URL",
      configCase(
        () => ({
          "openstack:authUrl": "keystone port 5000",
          "openstack:userName": "u",
          "openstack:password": "pw-123456",
        }),
        /is not a valid URL/,
      ),
    ],
    [
      "OS_AUTH_URL on a closed port",
      configCase(
        () => ({
          "openstack:authUrl": "http://127.0.0.1:1/v3",
          "openstack:userName": "u",
          "openstack:password": "pw-123456",
        }),
        /the cloud could not be reached: POST 127\.0\.0\.1:1\/v3\/auth\/tokens failed after 5 attempt\(s\): ECONNREFUSED/,
      ),
    ],
    [
      "OS_AUTH_URL pointing at Keystone v2.0",
      configCase(
        () => ({
          "openstack:authUrl": `${fake.cloud.url}/v2.0`,
          "openstack:userName": "u",
          "openstack:password": "pw-123456",
        }),
        /needs Keystone v3/,
      ),
    ],
    [
      "a region that does not exist",
      configCase(
        () => ({ ...passwordConfigValues(), "openstack:region": "Atlantis" }),
        /no public endpoint in region "Atlantis"; the catalog offers: public@RegionOne/,
      ),
    ],
    [
      "an interface that does not exist",
      configCase(
        () => ({ ...passwordConfigValues(), "openstack:endpointType": "private" }),
        /must be public, internal or admin/,
      ),
    ],
    [
      "clouds.yaml that is malformed",
      configCase(() => writeClouds("clouds:\n  broken: [\n"), /is not valid YAML/),
    ],
    [
      "clouds.yaml without the named cloud",
      configCase(
        () => writeClouds("clouds:\n  other:\n    auth: {}\n"),
        /cloud "mine" \(OS_CLOUD or openstack:cloud\) is not defined in .*; it defines "other"/,
      ),
    ],
    [
      "a password without a user",
      configCase(
        () => ({ "openstack:authUrl": `${fake.cloud.url}/v3`, "openstack:password": "pw-123456" }),
        /Password authentication needs a user/,
      ),
    ],
    [
      "an unknown imsCloud",
      configCase(
        () => ({
          "openstack:accessKey": "AK",
          "openstack:secretKey": "SK-123456",
          "openstack:region": "eu-de",
          "openstack:imsCloud": "azure",
        }),
        /imsCloud must be "huaweicloud" or "otc"/,
      ),
    ],
  ];

  function passwordConfigValues(): Record<string, string> {
    const owner = fake.cloud.project("owner");
    return {
      "openstack:authUrl": `${fake.cloud.url}/v3`,
      "openstack:userName": owner.user.name,
      "openstack:password": owner.user.password,
      "openstack:tenantName": owner.name,
    };
  }

  function writeClouds(content: string): Record<string, string> {
    const file = path.join(temp.dir, `clouds-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, content);
    process.env.OS_CLIENT_CONFIG_FILE = file;
    return { "openstack:cloud": "mine" };
  }

  test.each(configCases)(
    "configuration: %s fails create clearly, with no Glance request and nothing left",
    async (_name, c) => {
      const image = fake.cloud.addImage("owner");
      const provider = new ImageMemberProvider();
      try {
        await provider.configure(stackConfig(c.values()));
        const glanceBefore = fake.cloud.glanceRequests().length;
        const error = await provider
          .create({ imageId: image.id, memberId: "p1" })
          .catch((e: Error) => e);
        expect(String(error)).toMatch(
          new RegExp(`Cannot share image ${image.id} with project p1: `),
        );
        expect(String(error)).toMatch(c.expected);
        expect(String(error)).not.toMatch(/pw-123456|SK-123456/);
        expect(fake.cloud.glanceRequests().length).toBe(glanceBefore);
        expect(fake.cloud.members.get(image.id)).toEqual([]);
      } finally {
        delete process.env.OS_CLIENT_CONFIG_FILE;
      }
    },
    30_000,
  );

  test("a catalog with no image service fails clearly, with no Glance request", async () => {
    const bare = new FakeCloud();
    await bare.start();
    try {
      const image = bare.addImage("owner");
      const catalogWithoutImage = bare as unknown as {
        keystone: (...args: unknown[]) => { body?: { token?: { catalog?: unknown[] } } };
      };
      const original = catalogWithoutImage.keystone.bind(bare);
      catalogWithoutImage.keystone = (...args: unknown[]) => {
        const answer = original(...args);
        if (answer.body?.token) answer.body.token.catalog = [{ type: "compute", endpoints: [] }];
        return answer;
      };
      const provider = new ImageMemberProvider();
      await provider.configure(passwordConfig(bare));
      const error = await provider
        .create({ imageId: image.id, memberId: "p1" })
        .catch((e: Error) => e);
      expect(String(error)).toMatch(
        /The service catalog has no "image" service \(it has: compute\). Set openstack:imageEndpoint/,
      );
      expect(bare.glanceRequests()).toEqual([]);
    } finally {
      await bare.stop();
    }
  });
});
