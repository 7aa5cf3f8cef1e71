import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ImageShare } from "pulumi-image-members";
import { ImageShare } from "../../../provider";

const config = new pulumi.Config();
export const imageId = config.require("imageId");
const projects = config.requireObject<string[]>("projects");

const share = new ImageShare("golden-image", { imageId, memberIds: projects });

export const members = share.members;
