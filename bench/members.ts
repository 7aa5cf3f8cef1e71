/**
 * The `members` contender: the same scenarios as `package`, but the program declares one
 * `ImageMembers` per image holding all its member ids (one resource per image instead of one
 * per member), run from the package installed from `npm pack` of this repository.
 */
import { installPackageProject } from "./projects";

export const membersProgram = `import * as pulumi from "@pulumi/pulumi";
import { ImageMembers } from "pulumi-image-members";

const config = new pulumi.Config();
const imageIds = config.requireObject<string[]>("imageIds");
const membersPerImage = config.requireNumber("membersPerImage");

imageIds.forEach((imageId, i) => {
  const memberIds: string[] = [];
  for (let m = 0; m < membersPerImage; m++) {
    memberIds.push(\`bec4${"0".repeat(25)}\${String(m).padStart(3, "0")}\`);
  }
  new ImageMembers(\`ms-\${i}\`, { imageId, memberIds });
});

export const members = imageIds.length * membersPerImage;
`;

export function makeMembersProject(tarball: string): string {
  return installPackageProject(tarball, "members", membersProgram);
}

/**
 * Memberships a state resource stands for: an `ImageMembers` holds a list (its outputs'
 * `members`, else its inputs' `memberIds`), an `ImageMember` or `ImageAccess` one.
 */
export function membershipsOf(resource: {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}): number {
  if (!/ImageMembers$/.test(resource.type)) return 1;
  const list = resource.outputs?.members ?? resource.inputs?.memberIds;
  return Array.isArray(list) ? list.length : 0;
}
