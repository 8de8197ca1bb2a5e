import { LAYERS, LAYER_LABELS, PHASES, PHASE_LABELS } from "../domain.js";
import { money, moneyShort } from "../format.js";
import type { ModelResult } from "../model/index.js";
import { drawable, textWidth } from "./fonts.js";

/** Drawing primitives in abstract units: the page draws them as SVG, the report as PDF vector graphics. */
export type Shape =
  | { kind: "rect"; x: number; y: number; w: number; h: number; fill: string; label?: string }
  | {
      kind: "text";
      x: number;
      y: number;
      text: string;
      size: number;
      anchor: "start" | "middle" | "end";
      fill: string;
      bold?: boolean;
      width: number;
    }
  | { kind: "line"; x1: number; y1: number; x2: number; y2: number; stroke: string; width: number };

export interface Chart {
  id: string;
  title: string;
  /** One sentence saying what the chart shows, for screen readers and the report. */
  summary: string;
  width: number;
  height: number;
  shapes: Shape[];
  /** The chart's figures as a table, exact to the unit: what a screen reader reads instead of the drawing. */
  table: { head: string[]; rows: string[][] };
}

const LAYER_COLORS: Record<string, string> = {
  value: "#2f6fb5",
  governance: "#7a4fb0",
  support: "#c2662d",
  ownership: "#2d8a6e",
  rollout: "#b8a12a",
};
const PHASE_COLORS: Record<string, string> = {
  discovery: "#8fb3de",
  implementation: "#2f6fb5",
  rollout: "#b8a12a",
  operate: "#c2662d",
  transition: "#2d8a6e",
};
const YEAR_COLORS = [
  "#14213d",
  "#2f6fb5",
  "#5f93cf",
  "#8fb3de",
  "#b9d0ec",
  "#d6e3f3",
  "#9aa4b2",
  "#c2662d",
  "#b8a12a",
  "#2d8a6e",
];
const INK = "#1c2430",
  MUTED = "#5b6675",
  GRID = "#d9dee5";

interface Series {
  label: string;
  color: string;
  values: number[];
}

/** Horizontal stacked bars, one per vendor, with a legend and a scale; the layout both renderers draw. */
/** A text shape measured in the fonts the PDF draws it with (the page's SVG is told the same width). */
function text(
  x: number,
  y: number,
  value: string,
  size: number,
  anchor: "start" | "middle" | "end",
  fill: string,
  bold = false,
): Shape {
  const t = drawable(value, bold ? "bold" : "body").replace(/\n/g, " ");
  return { kind: "text", x, y, text: t, size, anchor, fill, bold, width: textWidth(t, size, bold ? "bold" : "body") };
}

/** A label shortened with an ellipsis until it fits `max` at `size`. */
function fitted(label: string, size: number, max: number): string {
  let t = drawable(label).replace(/\n/g, " ");
  while (textWidth(t, size) > max && [...t].length > 2) t = [...t].slice(0, -2).join("") + "…";
  return t;
}

function stackedBars(
  id: string,
  title: string,
  summary: string,
  names: string[],
  totals: number[],
  series: Series[],
  currency: string,
  width = 720,
): Chart {
  const right = 90,
    barH = 22,
    gap = 12,
    top = 12;
  // Vendor names are measured: the label column is as wide as the longest (up to a limit), and a longer name is shortened, never clipped.
  const labels = names.map((n) => fitted(n, 11, 230));
  const labelW = Math.max(90, Math.ceil(Math.max(0, ...labels.map((l) => textWidth(l, 11)))) + 16);
  const plotW = width - labelW - right;
  const max = niceMax(Math.max(1, ...totals));
  const shapes: Shape[] = [];
  const plotH = names.length * (barH + gap);
  for (let t = 0; t <= 4; t++) {
    const x = labelW + (plotW * t) / 4;
    shapes.push({ kind: "line", x1: x, y1: top - 4, x2: x, y2: top + plotH - gap + 4, stroke: GRID, width: 1 });
    shapes.push(text(x, top + plotH + 10, moneyShort((max * t) / 4, currency), 9, "middle", MUTED));
  }
  names.forEach((name, i) => {
    const y = top + i * (barH + gap);
    shapes.push(text(labelW - 8, y + barH / 2 + 4, labels[i]!, 11, "end", INK));
    let x = labelW;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const w = (plotW * v) / max;
      shapes.push({
        kind: "rect",
        x,
        y,
        w,
        h: barH,
        fill: s.color,
        label: `${name} — ${s.label}: ${moneyShort(v, currency)}`,
      });
      x += w;
    }
    shapes.push(text(x + 6, y + barH / 2 + 4, moneyShort(totals[i]!, currency), 10, "start", INK, true));
  });
  const legendY = top + plotH + 28;
  let lx = labelW;
  let ly = legendY;
  for (const s of series) {
    const label = text(lx + 18, ly + 1, s.label, 10, "start", INK);
    const w = 18 + (label.kind === "text" ? label.width : 0) + 16;
    if (lx + w > width && lx > labelW) ((lx = labelW), (ly += 18));
    shapes.push({ kind: "rect", x: lx, y: ly - 9, w: 12, h: 12, fill: s.color });
    shapes.push(text(lx + 18, ly + 1, s.label, 10, "start", INK));
    lx += w;
  }
  const table = {
    head: ["Vendor", ...series.map((s) => s.label), "Total"],
    rows: names.map((n, i) => [
      n,
      ...series.map((s) => money(s.values[i] ?? 0, currency)),
      money(totals[i]!, currency),
    ]),
  };
  return { id, title, summary, width, height: ly + 14, shapes, table };
}

/** The smallest round figure (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × a power of ten, times 4 ticks) at or above `x`. */
function niceMax(x: number): number {
  const raw = x / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((s) => s >= raw)!;
  return step * 4;
}

/**
 * The comparison's charts, from the cost model's output and nothing else: vendors whose total is
 * comparable, ranked ones first (cheapest first); each bar's label is the model's total.
 */
export function comparisonCharts(result: ModelResult): Chart[] {
  const comparable = result.vendors.filter((v) => v.adjustedTotal !== null);
  const order = [
    ...result.ranking.adjusted.map((id) => comparable.find((v) => v.vendorId === id)!),
    ...comparable.filter((v) => v.adjustedRank === null),
  ];
  const names = order.map((v) => v.name);
  const totals = order.map((v) => v.adjustedTotal!);
  const cur = result.currency;
  const total = result.basis === "beyond_quote" ? "cost beyond the quote" : "adjusted total";
  const byLayer = stackedBars(
    "layers",
    `${cap(total)} by cost layer`,
    `Each vendor's ${total} over the horizon, split into the five cost layers, cheapest first.`,
    names,
    totals,
    LAYERS.map((l) => ({ label: LAYER_LABELS[l], color: LAYER_COLORS[l]!, values: order.map((v) => v.byLayer[l]) })),
    cur,
  );
  const byPhase = stackedBars(
    "phases",
    "Funding by phase",
    `When each vendor's ${total} is funded, by phase.`,
    names,
    totals,
    PHASES.map((p) => ({ label: PHASE_LABELS[p], color: PHASE_COLORS[p]!, values: order.map((v) => v.byPhase[p]) })),
    cur,
  );
  const byYear = stackedBars(
    "years",
    "Funding by year",
    `Each vendor's ${total} by year of the horizon.`,
    names,
    totals,
    Array.from({ length: result.horizonYears }, (_, y) => ({
      label: `Year ${y + 1}`,
      color: YEAR_COLORS[y % YEAR_COLORS.length]!,
      values: order.map((v) => v.byYear[y] ?? 0),
    })),
    cur,
  );
  const charts = [byLayer, byPhase, byYear];
  const withEntry = order.filter((v) => v.entryPrice !== null);
  if (withEntry.length)
    charts.unshift(
      stackedBars(
        "entry",
        "Entry price against adjusted total",
        "The headline quote, and what the buyer funds beyond it over the horizon.",
        withEntry.map((v) => v.name),
        withEntry.map((v) => v.adjustedTotal!),
        [
          { label: "Entry price (headline quote)", color: "#9aa4b2", values: withEntry.map((v) => v.entryPrice!) },
          {
            label: "Beyond the entry price",
            color: "#b42318",
            values: withEntry.map((v) => v.adjustedTotal! - v.entryPrice!),
          },
        ],
        cur,
      ),
    );
  const tornado = tornadoChart(result);
  if (tornado) charts.push(tornado);
  return charts;
}

/**
 * What moves the leader's margin over the runner-up most: one bar per input from the margin at its
 * low to the margin at its high (the others at base), widest first, with the base margin marked; a
 * bar that crosses zero is an input that alone changes the leader.
 */
function tornadoChart(result: ModelResult): Chart | null {
  const t = result.ranges.tornado;
  if (!t || !t.bars.length) return null;
  const cur = result.currency;
  const name = (id: string) => result.vendors.find((v) => v.vendorId === id)!.name;
  const width = 720,
    top = 24,
    barH = 16,
    gap = 8,
    right = 110;
  const labels = t.bars.map((b) => fitted(b.label, 10, 250));
  const labelW = Math.max(120, Math.ceil(Math.max(...labels.map((l) => textWidth(l, 10)))) + 16);
  const plotW = width - labelW - right;
  const lo = Math.min(0, t.margin, ...t.bars.flatMap((b) => [b.low, b.high]));
  const hi = Math.max(0, t.margin, ...t.bars.flatMap((b) => [b.low, b.high]));
  const span = Math.max(1, hi - lo);
  const x = (v: number) => labelW + (plotW * (v - lo)) / span;
  const shapes: Shape[] = [];
  const plotH = t.bars.length * (barH + gap);
  shapes.push(text(x(t.margin), top - 10, `margin ${moneyShort(t.margin, cur)}`, 9, "middle", MUTED));
  t.bars.forEach((b, i) => {
    const y = top + i * (barH + gap);
    shapes.push(text(labelW - 8, y + barH / 2 + 4, labels[i]!, 10, "end", INK));
    // Blue where the input widens the lead, red where it narrows it.
    for (const [end, v] of [
      ["low", b.low],
      ["high", b.high],
    ] as const) {
      if (v === t.margin) continue;
      const [a, z] = v < t.margin ? [x(v), x(t.margin)] : [x(t.margin), x(v)];
      shapes.push({
        kind: "rect",
        x: a,
        y,
        w: z - a,
        h: barH,
        fill: v < t.margin ? "#b42318" : "#2f6fb5",
        label: `${b.label} at its ${end}: margin ${moneyShort(v, cur)}`,
      });
    }
    shapes.push(
      text(
        width - right + 6,
        y + barH / 2 + 4,
        `${moneyShort(Math.min(b.low, b.high), cur)} – ${moneyShort(Math.max(b.low, b.high), cur)}`,
        9,
        "start",
        INK,
      ),
    );
  });
  shapes.push({
    kind: "line",
    x1: x(t.margin),
    y1: top - 4,
    x2: x(t.margin),
    y2: top + plotH - gap + 4,
    stroke: INK,
    width: 1,
  });
  if (lo < 0)
    shapes.push({
      kind: "line",
      x1: x(0),
      y1: top - 4,
      x2: x(0),
      y2: top + plotH - gap + 4,
      stroke: "#b42318",
      width: 1,
    });
  const figure = result.rankOn === "present" ? "present value" : "adjusted total";
  return {
    id: "tornado",
    title: `What moves ${name(t.leader)}'s lead over ${name(t.runnerUp)} most`,
    summary: `The gap between ${name(t.runnerUp)} and ${name(t.leader)} on the ${figure} (${moneyShort(t.margin, cur)}) with each input alone at its low and its high; a bar past zero means that input alone changes the cheapest vendor.`,
    width,
    height: top + plotH + 6,
    shapes,
    table: {
      head: ["Input", "Margin with the input at its low", "Margin with the input at its high"],
      rows: t.bars.map((b) => [b.label, money(b.low, cur), money(b.high, cur)]),
    },
  };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
