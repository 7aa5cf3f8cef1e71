/**
 * The benchmark chart as SVG, drawn by hand (no dependency): one panel per operation with the
 * median wall time against N (log-scale seconds) for each contender, and one panel for the
 * 20 images × 10 members scenario.
 */

export interface Series {
  contender: string;
  label: string;
  color: string;
  dashed?: boolean;
  /** N → median seconds. */
  points: [number, number][];
}

export interface Panel {
  title: string;
  series: Series[];
}

export interface BarGroup {
  title: string;
  bars: { label: string; color: string; seconds: number }[];
}

const W = 330;
const H = 250;
const M = { left: 52, right: 14, top: 28, bottom: 38 };

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function fmt(seconds: number): string {
  if (seconds >= 100) return `${seconds.toFixed(0)} s`;
  if (seconds >= 10) return `${seconds.toFixed(1)} s`;
  if (seconds >= 1) return `${seconds.toFixed(2)} s`;
  return `${(seconds * 1000).toFixed(0)} ms`;
}

/** Axis label of a power of ten. */
function tick(seconds: number): string {
  return seconds >= 1 ? `${Math.round(seconds)} s` : `${Math.round(seconds * 1000)} ms`;
}

function logRange(values: number[]): [number, number] {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return [-2, 1];
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  return [lo, hi === lo ? lo + 1 : hi];
}

function linePanel(panel: Panel, xs: number[], ox: number, oy: number): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const all = panel.series.flatMap((s) => s.points.map((p) => p[1]));
  const [lo, hi] = logRange(all);
  const xMax = Math.max(...xs);
  const x = (n: number) => ox + M.left + (n / xMax) * pw;
  const y = (s: number) =>
    oy + M.top + ph - ((Math.log10(Math.max(s, 10 ** lo)) - lo) / (hi - lo)) * ph;
  const out: string[] = [];
  out.push(
    `<text x="${ox + W / 2}" y="${oy + 16}" text-anchor="middle" font-weight="bold">${esc(panel.title)}</text>`,
  );
  for (let e = lo; e <= hi; e++) {
    const yy = y(10 ** e);
    out.push(
      `<line x1="${ox + M.left}" x2="${ox + M.left + pw}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`,
    );
    out.push(
      `<text x="${ox + M.left - 4}" y="${yy + 4}" text-anchor="end" font-size="10">${tick(10 ** e)}</text>`,
    );
  }
  for (const n of xs) {
    out.push(
      `<line x1="${x(n)}" x2="${x(n)}" y1="${oy + M.top}" y2="${oy + M.top + ph}" stroke="#eee"/>`,
    );
    out.push(
      `<text x="${x(n)}" y="${oy + M.top + ph + 14}" text-anchor="middle" font-size="10">${n}</text>`,
    );
  }
  out.push(
    `<text x="${ox + M.left + pw / 2}" y="${oy + H - 6}" text-anchor="middle" font-size="10">N members of one image</text>`,
  );
  out.push(
    `<rect x="${ox + M.left}" y="${oy + M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
  );
  for (const s of panel.series) {
    const pts = s.points.filter((p) => p[1] > 0).sort((a, b) => a[0] - b[0]);
    if (pts.length === 0) continue;
    const d = pts.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ");
    out.push(
      `<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ""}/>`,
    );
    for (const p of pts) {
      out.push(
        `<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(`${s.label}, N=${p[0]}: ${fmt(p[1])}`)}</title></circle>`,
      );
    }
  }
  return out.join("\n");
}

function barPanel(group: BarGroup, ox: number, oy: number): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const bars = group.bars.filter((b) => b.seconds > 0);
  const [lo, hi] = logRange(bars.map((b) => b.seconds));
  const x = (s: number) => ox + M.left + ((Math.log10(s) - lo) / (hi - lo)) * pw;
  const out: string[] = [];
  out.push(
    `<text x="${ox + W / 2}" y="${oy + 16}" text-anchor="middle" font-weight="bold">${esc(group.title)}</text>`,
  );
  for (let e = lo; e <= hi; e++) {
    out.push(
      `<line x1="${x(10 ** e)}" x2="${x(10 ** e)}" y1="${oy + M.top}" y2="${oy + M.top + ph}" stroke="#ddd"/>`,
    );
    out.push(
      `<text x="${x(10 ** e)}" y="${oy + M.top + ph + 14}" text-anchor="middle" font-size="10">${tick(10 ** e)}</text>`,
    );
  }
  const slot = ph / Math.max(bars.length, 1);
  bars.forEach((b, i) => {
    const top = oy + M.top + i * slot + slot * 0.15;
    const width = Math.max(1, x(b.seconds) - (ox + M.left));
    out.push(
      `<rect x="${ox + M.left}" y="${top.toFixed(1)}" width="${width.toFixed(1)}" height="${(slot * 0.7).toFixed(1)}" fill="${b.color}"><title>${esc(`${b.label}: ${fmt(b.seconds)}`)}</title></rect>`,
    );
    out.push(
      `<text x="${ox + M.left + 4}" y="${(top + slot * 0.35 + 4).toFixed(1)}" font-size="10" fill="#000">${esc(`${b.label} ${fmt(b.seconds)}`)}</text>`,
    );
  });
  out.push(
    `<rect x="${ox + M.left}" y="${oy + M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
  );
  return out.join("\n");
}

export function renderChart(options: {
  title: string;
  subtitle: string;
  xs: number[];
  panels: Panel[];
  bars?: BarGroup;
}): string {
  const cols = 3;
  const cells = options.panels.length + (options.bars ? 1 : 0);
  const rows = Math.ceil(cells / cols);
  const legend = new Map<string, Series>();
  for (const p of options.panels) for (const s of p.series) legend.set(s.contender, s);
  const legendH = 22 * Math.ceil(legend.size / 3) + 8;
  const top = 50;
  const width = cols * W + 20;
  const height = top + rows * H + legendH + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(options.title)}</text>`,
    `<text x="10" y="38" font-size="11" fill="#444">${esc(options.subtitle)}</text>`,
  ];
  options.panels.forEach((panel, i) => {
    out.push(linePanel(panel, options.xs, 10 + (i % cols) * W, top + Math.floor(i / cols) * H));
  });
  if (options.bars) {
    const i = options.panels.length;
    out.push(barPanel(options.bars, 10 + (i % cols) * W, top + Math.floor(i / cols) * H));
  }
  [...legend.values()].forEach((s, i) => {
    const lx = 20 + (i % 3) * 330;
    const ly = top + rows * H + 16 + Math.floor(i / 3) * 22;
    out.push(
      `<line x1="${lx}" x2="${lx + 26}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="5,3"' : ""}/>`,
    );
    out.push(`<text x="${lx + 32}" y="${ly}">${esc(s.label)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
