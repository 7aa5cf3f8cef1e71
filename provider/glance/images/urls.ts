export function imageUrl(endpoint: string, imageId: string): string {
  return `${endpoint}/v2/images/${encodeURIComponent(imageId)}`;
}
