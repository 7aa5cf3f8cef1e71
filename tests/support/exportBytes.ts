/**
 * What resources take in `pulumi stack export`: the engine prints the deployment as JSON
 * indented by four spaces (each resource at depth 3), the same text as
 * `JSON.stringify(document, null, 4)` plus a newline, and the same shape as the checkpoint the
 * file backend rewrites after every step. A resource's bytes are the text with it minus the
 * text without it, so its indentation counts as it does in the file.
 */

export type ExportedEntry = Record<string, unknown> & { type: string };

export interface ExportDocument {
  version: number;
  deployment: Record<string, unknown> & { resources?: ExportedEntry[] };
}

export function exportTextBytes(document: ExportDocument): number {
  return Buffer.byteLength(`${JSON.stringify(document, null, 4)}\n`);
}

/** The resources `matching` selects: how many, and the mean bytes each takes in the export. */
export function bytesPerEntry(
  document: ExportDocument,
  matching: (entry: ExportedEntry) => boolean,
): { count: number; bytesPerEntry: number } {
  const resources = document.deployment.resources ?? [];
  const others = resources.filter((entry) => !matching(entry));
  const count = resources.length - others.length;
  const without = { ...document, deployment: { ...document.deployment, resources: others } };
  const bytes = exportTextBytes(document) - exportTextBytes(without);
  return { count, bytesPerEntry: count === 0 ? 0 : bytes / count };
}

/**
 * The bytes each top-level field of the matching entries takes in the export, per entry: what
 * the text loses without it. Inputs and outputs are also broken down by property.
 */
export function fieldBytes(
  document: ExportDocument,
  matching: (entry: ExportedEntry) => boolean,
): Record<string, number> {
  const { count } = bytesPerEntry(document, matching);
  const sample = (document.deployment.resources ?? []).find(matching);
  if (!sample) return {};
  const costOf = (strip: (entry: ExportedEntry) => void): number => {
    const stripped = {
      ...document,
      deployment: {
        ...document.deployment,
        resources: (document.deployment.resources ?? []).map((entry) => {
          if (!matching(entry)) return entry;
          const copy = JSON.parse(JSON.stringify(entry)) as ExportedEntry;
          strip(copy);
          return copy;
        }),
      },
    };
    return (exportTextBytes(document) - exportTextBytes(stripped)) / count;
  };
  const costs: Record<string, number> = {};
  for (const field of Object.keys(sample)) {
    costs[field] = costOf((entry) => delete entry[field]);
  }
  for (const bag of ["inputs", "outputs"]) {
    for (const key of Object.keys((sample[bag] as Record<string, unknown>) ?? {})) {
      costs[`${bag}.${key}`] = costOf(
        (entry) => delete (entry[bag] as Record<string, unknown>)[key],
      );
    }
  }
  return costs;
}
