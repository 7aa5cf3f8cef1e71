import * as pulumi from "@pulumi/pulumi";
import { ImageShare } from "pulumi-image-members";

const config = new pulumi.Config();
export const imageId = config.require("imageId");
const projects = config.requireObject<string[]>("projects");

const share = new ImageShare("golden-image", { imageId, memberIds: projects });

export const members = share.members;
