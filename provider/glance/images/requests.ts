import { GlanceConnection } from "../connection";
import { imageUrl } from "./urls";

/** The parts of an image that explain why sharing it failed. */
export interface ImageSummary {
  id: string;
  name?: string;
  visibility?: string;
  owner?: string;
  status?: string;
}

export async function getImage(glance: GlanceConnection, imageId: string): Promise<ImageSummary> {
  const response = await glance.http.request({
    method: "GET",
    url: imageUrl(glance.endpoint, imageId),
    authorizer: glance.authorizer,
  });
  const body = (response.body ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  return {
    id: text(body.id) ?? imageId,
    name: text(body.name),
    visibility: text(body.visibility),
    owner: text(body.owner),
    status: text(body.status),
  };
}
