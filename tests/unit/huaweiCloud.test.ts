import { ImageMemberAcceptanceProvider, ImageMemberProvider } from "../../provider";
import { resolveCloudConfig } from "../../provider/identity/resolve";
import { AkSkSession, imsEndpoint } from "../../provider/identity/session";
import { settingsFromEnv } from "../../provider/identity/settings";
import { HttpClient } from "../../provider/transport/http";
import { FakeCloud } from "../support/fakeCloud";
import { stackConfig, withoutOpenStackEnv } from "../support/providerHarness";

withoutOpenStackEnv();

describe("Huawei Cloud and Open Telekom Cloud (AK/SK)", () => {
  test("HW_* variables select Huawei Cloud, OS_ACCESS_KEY Open Telekom Cloud; the region gives the IMS endpoint", async () => {
    const huawei = resolveCloudConfig({
      stack: {},
      env: settingsFromEnv({
        HW_ACCESS_KEY: "AK1",
        HW_SECRET_KEY: "SK1",
        HW_PROJECT_ID: "p1",
        HW_REGION_NAME: "ap-southeast-1",
      }),
    });
    expect(huawei.auth).toBeUndefined();
    expect(huawei.aksk).toEqual({
      accessKey: "AK1",
      secretKey: "SK1",
      securityToken: undefined,
      projectId: "p1",
      imsCloud: "huaweicloud",
    });
    const session = new AkSkSession(new HttpClient(), { ...huawei, aksk: huawei.aksk! });
    expect((await session.imageService()).endpoint).toBe(
      "https://ims.ap-southeast-1.myhuaweicloud.com",
    );
    expect((await session.imageService("cn-north-4")).endpoint).toBe(
      "https://ims.cn-north-4.myhuaweicloud.com",
    );

    const otc = resolveCloudConfig({
      stack: {},
      env: settingsFromEnv({
        OS_ACCESS_KEY: "AK2",
        OS_SECRET_KEY: "SK2",
        OS_PROJECT_ID: "p2",
        OS_REGION_NAME: "eu-de",
        OS_SECURITY_TOKEN: "tmp-token",
      }),
    });
    expect(otc.aksk).toMatchObject({ imsCloud: "otc", securityToken: "tmp-token" });
    expect(imsEndpoint("otc", "eu-de")).toBe("https://ims.eu-de.otc.t-systems.com");
  });

  test("AK/SK problems are refused clearly", () => {
    expect(() =>
      resolveCloudConfig({
        stack: {},
        env: settingsFromEnv({ HW_SECRET_KEY: "SK", HW_REGION_NAME: "r" }),
      }),
    ).toThrow(/AK\/SK authentication needs both keys: HW_ACCESS_KEY and HW_SECRET_KEY/);
    expect(() =>
      resolveCloudConfig({
        stack: {},
        env: settingsFromEnv({ HW_ACCESS_KEY: "AK", HW_SECRET_KEY: "SK" }),
      }),
    ).toThrow(/needs a region to find the IMS endpoint/);
    expect(() => imsEndpoint("huaweicloud", "eu de")).toThrow(/is not a region name/);
  });

  describe("against a fake IMS that accepts signed requests", () => {
    let cloud: FakeCloud;
    beforeEach(async () => {
      cloud = new FakeCloud();
      cloud.akskAccessKey = "AKEXAMPLE";
      await cloud.start();
    });
    afterEach(() => cloud.stop());

    const akskConfig = (projectId: string) =>
      stackConfig({
        "openstack:accessKey": "AKEXAMPLE",
        "openstack:secretKey": "secret-key-never-shown",
        "openstack:projectId": projectId,
        "openstack:region": "eu-de",
        "openstack:imageEndpoint": cloud.url,
      });

    test("the owner shares and the member accepts with signed requests, without any Keystone request", async () => {
      const image = cloud.addImage("owner");
      const owner = new ImageMemberProvider();
      await owner.configure(akskConfig(cloud.project("owner").id));
      const consumerId = cloud.project("consumer1").id;
      await owner.create({ imageId: image.id, memberId: consumerId });

      const consumer = new ImageMemberAcceptanceProvider();
      await consumer.configure(akskConfig(consumerId));
      const accepted = await consumer.create({
        imageId: image.id,
        status: "accepted",
        vaultId: "vault-1",
      });
      expect(accepted.outs).toMatchObject({
        memberId: consumerId,
        status: "accepted",
        vaultId: "vault-1",
      });
      expect(cloud.authentications()).toEqual([]);
    });

    test("Huawei's error body for an encrypted image is explained with the KMS authorization to grant", async () => {
      const image = cloud.addImage("owner");
      cloud.faults.push({
        match: (m) => m === "POST",
        status: 400,
        body: JSON.stringify({
          error: {
            code: "IMG.0134",
            message: "The encrypted image cannot be shared: the KMS key is not authorized.",
          },
        }),
        times: 1,
      });
      const owner = new ImageMemberProvider();
      await owner.configure(akskConfig(cloud.project("owner").id));
      const error = await owner
        .create({ imageId: image.id, memberId: "p1" })
        .catch((e: Error) => e);
      expect(String(error)).toContain(
        `image ${image.id} is encrypted, and its KMS key must be authorized for project p1`,
      );
      expect(String(error)).toContain('"Decrypt Data Key" and "Describe Key"');
      expect(String(error)).toContain("HTTP 400, IMG.0134");
      expect(String(error)).not.toContain("secret-key-never-shown");
    });
  });
});
