import { comparisonCharts } from "../charts.js";
import type { ReportContext } from "./context.js";

/** The charts, drawn as vectors from the same chart model as the page's SVG. */
export function charts({ data, w, root }: ReportContext): void {
  w.heading("Charts", 1, root);
  for (const c of comparisonCharts(data.result)) {
    // A chart's title stays on the page with its chart.
    w.ensure((c.height * w.width) / c.width + 30 + 40);
    w.heading(c.title, 3);
    w.chart(c);
  }
}
