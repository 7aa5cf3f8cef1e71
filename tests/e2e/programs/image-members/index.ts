import * as pulumi from "@pulumi/pulumi";
import { ImageMember, ImageMembers } from "../../../../provider";

const config = new pulumi.Config();
const imageId = config.require("imageId");
// A JSON list is the older `memberIds` form, an object the `projects` form.
const projects = config.requireObject<string[] | Record<string, string>>("projects");

const shared = new ImageMembers(
  "golden",
  Array.isArray(projects) ? { imageId, memberIds: projects } : { imageId, projects },
);
export const members = shared.members;

const single = config.get("single");
export const singleStatus = single
  ? new ImageMember("single", { imageId, memberId: single }).status
  : undefined;
