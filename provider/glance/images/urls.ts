export function imagesUrl(endpoint: string): string {
  return `${endpoint}/v2/images`;
}

export function imageUrl(endpoint: string, imageId: string): string {
  return `${imagesUrl(endpoint)}/${encodeURIComponent(imageId)}`;
}
