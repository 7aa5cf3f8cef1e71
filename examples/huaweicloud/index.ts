/**
 * A complete Huawei Cloud program (works the same on Open Telekom Cloud with OS_ACCESS_KEY /
 * OS_SECRET_KEY). Credentials, AK/SK, come from the environment as Huawei's tools use them:
 *
 *   export HW_ACCESS_KEY=...  HW_SECRET_KEY=...          # the image owner's keys
 *   export HW_REGION_NAME=ap-southeast-1  HW_PROJECT_ID=<owner project id>
 *   pulumi config set imageId <private image id, visibility "shared">
 *   pulumi config set --path 'members.ops' <project id to share with>
 *   pulumi up
 *
 * or from the stack config (openstack:accessKey, openstack:secretKey --secret,
 * openstack:projectId, openstack:region). The IMS endpoint, https://ims.<region>.myhuaweicloud.com,
 * follows from the region; openstack:imageEndpoint overrides it. The member project accepts
 * in its own stack with ImageMemberAcceptance and its own keys (see examples/cross-project).
 *
 * Encrypted images: authorize the image's KMS key for each member project first ("Decrypt
 * Data Key" and "Describe Key" on the custom key); the provider's error says so if you forget.
 */
import * as pulumi from "@pulumi/pulumi";
import { ImageShare } from "pulumi-image-members";

const config = new pulumi.Config();
const imageId = config.require("imageId");
const members = config.requireObject<Record<string, string>>("members");

const share = new ImageShare("shared-image", { imageId, memberIds: Object.values(members) });

export const sharedWith = share.members;
