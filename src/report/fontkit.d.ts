/** The part of fontkit (pdfkit's font engine) Truecost uses directly: opening fonts to check and measure glyphs. */
declare module "fontkit" {
  export function openSync(path: string, postscriptName?: string): unknown;
  export function create(buffer: Uint8Array, postscriptName?: string): unknown;
}

/** The part of bidi-js (the Unicode bidi algorithm) the report uses: embedding levels per UTF-16 unit. */
declare module "bidi-js" {
  export default function bidiFactory(): {
    getEmbeddingLevels(
      text: string,
      direction?: "ltr" | "rtl",
    ): { levels: Uint8Array; paragraphs: { start: number; end: number; level: number }[] };
  };
}
