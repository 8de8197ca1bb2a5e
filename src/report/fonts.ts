import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const fontDir = join(dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
/** The embedded Unicode fonts (DejaVu: Latin, Greek, Cyrillic and more). */
export const FONTS = { regular: join(fontDir, "DejaVuSans.ttf"), bold: join(fontDir, "DejaVuSans-Bold.ttf") };

/** pdfkit's embedded font: the parsed font (fontkit) and its cache of shaped words. */
interface EmbeddedFont {
  font: object;
  layoutCache?: Record<string, unknown>;
}

interface Shared {
  font: object;
  words: Record<string, unknown>;
  documents: number;
}

/** Shaped words kept per font before the cache starts afresh: enough for several reports, bounded whatever vendors write. */
const MAX_WORDS = 50_000;
const shared = new Map<string, Shared>();

/**
 * Registers fonts on a document, parsed once per process and sharing one cache of shaped words.
 * pdfkit parses a font file and shapes every word again for each document; parsing DejaVu's tables
 * and shaping its words was most of a report's time. Each document still embeds its own subset.
 * Leaves the last font selected.
 */
export function useFonts(doc: PDFKit.PDFDocument, fonts: Record<string, string>): void {
  const d = doc as unknown as { _font: EmbeddedFont };
  for (const [name, path] of Object.entries(fonts)) {
    const known = shared.get(path);
    doc.registerFont(name, (known?.font ?? path) as string);
    doc.font(name);
    const embedded = d._font;
    if (!known) shared.set(path, { font: embedded.font, words: embedded.layoutCache ?? Object.create(null), documents: 1 });
    else {
      // Counting keys costs a little: check the bound every tenth document.
      if (++known.documents % 10 === 0 && Object.keys(known.words).length > MAX_WORDS) known.words = Object.create(null);
      embedded.layoutCache = known.words;
    }
  }
}

