/**
 * A small line/bar chart as inline SVG text (pure, no script): the HTML review's charts, which must survive ticket
 * systems that strip scripts and any Content-Security-Policy. Every text in it is escaped.
 */
import { escapeHtml } from '../escape.js';

export interface ChartSeries {
  readonly label: string;
  /** One value per x label; null (or a non-finite number) leaves a gap. */
  readonly values: readonly (number | null)[];
  readonly color: string;
  readonly kind?: 'line' | 'bar';
}

export interface ChartLine {
  readonly label: string;
  readonly value: number;
  readonly color: string;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabels: readonly string[];
  readonly series: readonly ChartSeries[];
  /** Horizontal reference lines (target, warning, critical, 100% budget …), dashed. */
  readonly lines?: readonly ChartLine[];
  readonly format: (v: number) => string;
  readonly width?: number;
  readonly height?: number;
}

const PAD = { left: 74, right: 120, top: 14, bottom: 44 };

function finite(v: number | null): v is number {
  return v !== null && Number.isFinite(v);
}

/** Round numbers for 3–5 ticks between lo and hi. */
export function ticks(lo: number, hi: number): number[] {
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw);
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

export function svgChart(o: ChartOptions): string {
  const width = o.width ?? 640;
  const height = o.height ?? 220;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const all = [...o.series.flatMap((s) => s.values.filter(finite)), ...(o.lines ?? []).map((l) => l.value)];
  const bars = o.series.some((s) => s.kind === 'bar');
  let lo = all.length === 0 ? 0 : Math.min(...all);
  let hi = all.length === 0 ? 1 : Math.max(...all);
  if (bars) lo = Math.min(0, lo);
  if (hi === lo) {
    hi += Math.abs(hi) * 0.05 || 1;
    lo -= Math.abs(lo) * 0.05 || (bars ? 0 : 1);
  }
  const pad = (hi - lo) * 0.08;
  hi += pad;
  if (!bars || lo < 0) lo -= pad;
  const n = o.xLabels.length;
  const x = (i: number): number => PAD.left + (n <= 1 ? plotW / 2 : (plotW * (i + 0.5)) / n);
  const y = (v: number): number => PAD.top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const f = (v: number): string => v.toFixed(1);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(o.title)}" class="chart">`);
  parts.push(`<title>${escapeHtml(o.title)}</title>`);
  parts.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="#fff" stroke="#d8dde3"/>`);
  for (const t of ticks(lo, hi)) {
    parts.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#eef0f2"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${f(y(t) + 4)}" text-anchor="end" font-size="11" fill="#5c6670">${escapeHtml(o.format(t))}</text>`);
  }
  o.xLabels.forEach((label, i) => {
    const short = label.length > 14 ? `${label.slice(0, 13)}…` : label;
    parts.push(`<text x="${f(x(i))}" y="${height - PAD.bottom + 16}" text-anchor="middle" font-size="11" fill="#5c6670">${escapeHtml(short)}</text>`);
  });
  const barSeries = o.series.filter((s) => s.kind === 'bar');
  const barW = (plotW / Math.max(1, n)) * 0.6 / Math.max(1, barSeries.length);
  barSeries.forEach((s, k) => {
    s.values.forEach((v, i) => {
      if (!finite(v)) return;
      const top = y(Math.max(v, 0));
      const bottom = y(Math.min(v, 0));
      const bx = x(i) - (barW * barSeries.length) / 2 + k * barW;
      parts.push(`<rect x="${f(bx)}" y="${f(top)}" width="${f(barW)}" height="${f(Math.max(1, bottom - top))}" fill="${s.color}"><title>${escapeHtml(`${o.xLabels[i] ?? ''}: ${s.label} ${o.format(v)}`)}</title></rect>`);
    });
  });
  for (const l of o.lines ?? []) {
    parts.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${f(y(l.value))}" y2="${f(y(l.value))}" stroke="${l.color}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${PAD.left + plotW + 6}" y="${f(y(l.value) + 4)}" font-size="11" fill="${l.color}">${escapeHtml(`${l.label} ${o.format(l.value)}`)}</text>`);
  }
  for (const s of o.series.filter((x) => x.kind !== 'bar')) {
    // Runs of consecutive finite values become polylines; gaps stay gaps.
    let run: string[] = [];
    const flush = (): void => {
      if (run.length > 1) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${run.join(' ')}"/>`);
      run = [];
    };
    s.values.forEach((v, i) => {
      if (!finite(v)) return flush();
      run.push(`${f(x(i))},${f(y(v))}`);
    });
    flush();
    s.values.forEach((v, i) => {
      if (finite(v)) parts.push(`<circle cx="${f(x(i))}" cy="${f(y(v))}" r="3.5" fill="${s.color}"><title>${escapeHtml(`${o.xLabels[i] ?? ''}: ${s.label} ${o.format(v)}`)}</title></circle>`);
    });
  }
  const legend = o.series.map((s, i) => `<g transform="translate(${PAD.left + i * 180},${height - 10})"><rect width="10" height="10" y="-9" fill="${s.color}"/><text x="14" font-size="11" fill="#1c2127">${escapeHtml(s.label)}</text></g>`);
  parts.push(...legend, '</svg>');
  return parts.join('');
}
