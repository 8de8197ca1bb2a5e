import type { Chart } from "./charts.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Draws a chart as inline SVG (presentation attributes only: the CSP allows no inline style). */
export function chartSvg(chart: Chart): string {
  const parts = chart.shapes.map((s) => {
    switch (s.kind) {
      case "rect":
        return `<rect x="${s.x.toFixed(1)}" y="${s.y.toFixed(1)}" width="${Math.max(0, s.w).toFixed(1)}" height="${s.h.toFixed(1)}" fill="${s.fill}">${s.label ? `<title>${esc(s.label)}</title>` : ""}</rect>`;
      case "text":
        // The width the report measured: the browser fits its own font to it, so no label runs past its room.
        return `<text x="${s.x.toFixed(1)}" y="${s.y.toFixed(1)}" font-size="${s.size}" text-anchor="${s.anchor}" fill="${s.fill}"${s.bold ? ' font-weight="600"' : ""} textLength="${s.width.toFixed(1)}" lengthAdjust="spacingAndGlyphs">${esc(s.text)}</text>`;
      case "line":
        return `<line x1="${s.x1.toFixed(1)}" y1="${s.y1.toFixed(1)}" x2="${s.x2.toFixed(1)}" y2="${s.y2.toFixed(1)}" stroke="${s.stroke}" stroke-width="${s.width}"/>`;
    }
  });
  return (
    `<svg class="chart" viewBox="0 0 ${chart.width} ${chart.height.toFixed(0)}" role="img" aria-labelledby="chart-${chart.id}-title chart-${chart.id}-desc" xmlns="http://www.w3.org/2000/svg" font-family="'DejaVu Sans', Verdana, sans-serif">` +
    `<title id="chart-${chart.id}-title">${esc(chart.title)}</title><desc id="chart-${chart.id}-desc">${esc(chart.summary)}</desc>${parts.join("")}</svg>`
  );
}
