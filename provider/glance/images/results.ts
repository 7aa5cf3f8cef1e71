/** One image of a `GET /v2/images` page, with the fields the look-ups report. */
export interface ListedImage {
  id: string;
  name?: string;
  owner?: string;
  visibility?: string;
  status?: string;
  createdAt: string;
  updatedAt: string;
}

/** One page of `GET /v2/images`: its images and the `next` link, when there is one. */
export interface ImagePage {
  images: ListedImage[];
  next?: string;
}

/** A success answer to `GET /v2/images` that is not an image list. */
export class UnexpectedImageListAnswer extends Error {
  override name = "UnexpectedImageListAnswer";
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function parseImagePage(body: unknown): ImagePage {
  const raw = (body ?? {}) as { images?: unknown; next?: unknown };
  if (!Array.isArray(raw.images)) {
    throw new UnexpectedImageListAnswer(
      `unexpected image list from the image service: ${JSON.stringify(body ?? null).slice(0, 200)}`,
    );
  }
  const images = raw.images.map((entry: unknown): ListedImage => {
    const image = (entry ?? {}) as Record<string, unknown>;
    const id = text(image.id);
    if (!id) {
      throw new UnexpectedImageListAnswer(
        `the image service listed an image without an id: ${JSON.stringify(entry ?? null).slice(0, 200)}`,
      );
    }
    return {
      id,
      name: text(image.name) ?? undefined,
      owner: text(image.owner),
      visibility: text(image.visibility),
      status: text(image.status),
      createdAt: text(image.created_at) ?? "",
      updatedAt: text(image.updated_at) ?? "",
    };
  });
  const next = text(raw.next);
  return next ? { images, next } : { images };
}
