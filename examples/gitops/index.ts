/**
 * Image sharing as a reviewed repository: each image of the stack config `images` is shared
 * with the projects listed under it, by a label a reviewer can read. Change the config in a
 * pull request; the pipeline shows who gains and who loses access, and main applies exactly
 * that.
 */
import * as pulumi from "@pulumi/pulumi";
import { ImageMembers } from "pulumi-image-members";

interface SharedImage {
  /** The image's UUID; the pipeline's credentials belong to its owner project. */
  imageId: string;
  /** Label (a team, a customer) to the project id that may launch the image. */
  projects: Record<string, string>;
}

const config = new pulumi.Config();
const images = config.requireObject<Record<string, SharedImage>>("images");

export const members = Object.fromEntries(
  Object.entries(images).map(([name, image]) => {
    // exclusive: a project granted access outside this repository (by hand) is drift, which the
    // drift job reports, and the next update after a refresh removes.
    const shared = new ImageMembers(name, {
      imageId: image.imageId,
      projects: image.projects,
      exclusive: true,
    });
    return [name, shared.members];
  }),
);
