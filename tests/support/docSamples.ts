/**
 * The sample review reports the documentation shows, each a ```markdown block between two
 * comment markers, so tests can find, check and rewrite them: the README's GitOps sample
 * (written by tests/e2e/gitops.test.ts from a real run, read by tests/e2e/gitopsYaml.test.ts)
 * and docs/gitops.md's sample of a recorded preview (tests/unit/fixtures/pull-request.json).
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "./childProcess";

export interface DocSample {
  /** The file holding it, relative to the project's root. */
  file: string;
  begin: string;
  end: string;
}

export const gitopsSample: DocSample = {
  file: "README.md",
  begin: "<!-- gitops-review-sample:begin (written by tests/e2e/gitops.test.ts) -->",
  end: "<!-- gitops-review-sample:end -->",
};

export const fixtureSample: DocSample = {
  file: "docs/gitops.md",
  begin:
    "<!-- review-fixture-sample:begin (rendered from tests/unit/fixtures/pull-request.json; tests/unit/docSamples.test.ts checks it) -->",
  end: "<!-- review-fixture-sample:end -->",
};

/** The markers with a report between them, exactly as the documentation writes them. */
export function sampleBlock(sample: DocSample, report: string): string {
  return `${sample.begin}\n\n\`\`\`markdown\n${report.trim()}\n\`\`\`\n\n${sample.end}`;
}

function located(sample: DocSample): { text: string; start: number; stop: number } {
  const file = path.join(projectRoot, sample.file);
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf(sample.begin);
  const stop = text.indexOf(sample.end);
  if (start < 0 || stop < start) {
    throw new Error(`${sample.file} has no sample between "${sample.begin}" and "${sample.end}"`);
  }
  return { text, start, stop: stop + sample.end.length };
}

/** The sample as its file holds it now, from its first marker to its last. */
export function shownBlock(sample: DocSample): string {
  const { text, start, stop } = located(sample);
  return text.slice(start, stop);
}

/** The report a sample shows, without its fence. */
export function readSample(sample: DocSample): string {
  const block = /\n```markdown\n([\s\S]*?)\n```\n/.exec(shownBlock(sample));
  if (!block)
    throw new Error(
      `${sample.file}: the sample after "${sample.begin}" has no \`\`\`markdown block`,
    );
  return block[1]!;
}

/** Replaces a sample's report in its file (for PIM_UPDATE_DOCS=true). */
export function writeSample(sample: DocSample, report: string): void {
  const { text, start, stop } = located(sample);
  fs.writeFileSync(
    path.join(projectRoot, sample.file),
    text.slice(0, start) + sampleBlock(sample, report) + text.slice(stop),
  );
}

/** The README's Quickstart program (index.ts), which tests/package/newProject.test.ts runs. */
export const quickstartProgram: DocSample = {
  file: "README.md",
  begin: "<!-- quickstart-program:begin (tests/package/newProject.test.ts runs this program) -->",
  end: "<!-- quickstart-program:end -->",
};

/** The README's YAML program (Pulumi.yaml with the plugin stanza), run by the same test. */
export const pluginProgram: DocSample = {
  file: "README.md",
  begin: "<!-- plugin-program:begin (tests/package/newProject.test.ts runs this program) -->",
  end: "<!-- plugin-program:end -->",
};

/**
 * The code of the fenced block between a sample's markers in `text` (the file's content, which
 * may come from somewhere else than this checkout: the packed README, say).
 */
export function codeBetweenMarkers(sample: DocSample, text: string, language: string): string {
  const start = text.indexOf(sample.begin);
  const stop = text.indexOf(sample.end);
  const block =
    start < 0 || stop < start
      ? undefined
      : new RegExp("\\n```" + language + "\\n([\\s\\S]*?)\\n```\\n").exec(text.slice(start, stop));
  if (!block) {
    throw new Error(
      `${sample.file}: no \`\`\`${language} block between "${sample.begin}" and "${sample.end}"`,
    );
  }
  return `${block[1]!}\n`;
}

/** The engine's messages when it does not find the plugin, as README.md and docs/plugin.md quote them. */
export const pluginNotFound: DocSample = {
  file: "README.md",
  begin: "<!-- plugin-not-found:begin (tests/package/newProject.test.ts provokes both) -->",
  end: "<!-- plugin-not-found:end -->",
};
