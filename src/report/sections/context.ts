import type { ComparisonView } from "../../comparison/present.js";
import type { ReportData } from "../data.js";
import type { ReportWriter } from "../pdf-writer.js";

/** What every section of the report draws from: the data read once, the presenter's view, the writer and the outline. */
export interface ReportContext {
  data: ReportData;
  view: ComparisonView;
  w: ReportWriter;
  root: PDFKit.PDFOutline;
}

export type Section = (ctx: ReportContext) => void;
