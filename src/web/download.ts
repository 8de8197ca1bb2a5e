import { create as contentDisposition } from "content-disposition";

/** Letters that do not decompose into a Latin letter and a mark, written the usual way in ASCII. */
const LETTERS: Record<string, string> = {
  "—": "-",
  "–": "-",
  "‘": "'",
  "’": "'",
  ø: "o",
  Ø: "O",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ß: "ss",
  đ: "d",
  Đ: "D",
  ł: "l",
  Ł: "L",
  þ: "th",
  Þ: "Th",
  ð: "d",
  Ð: "D",
  ı: "i",
};

/**
 * A download's Content-Disposition: the name in full Unicode (filename*, RFC 6266 and 5987) and, for
 * clients that read only the plain parameter, an ASCII fallback (accents dropped, other letters
 * replaced, never empty).
 */
export function downloadName(name: string): string {
  const safe =
    name
      .toWellFormed()
      .replace(/[\u0000-\u001f\u007f"\\/]+/g, " ")
      .replace(/\s+/g, " ")
      .trim() || "download";
  const dot = safe.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [safe.slice(0, dot), safe.slice(dot)] : [safe, ""];
  const ascii = [...stem.normalize("NFKD").replace(/[\u0300-\u036f]/g, "")]
    .map((c) => LETTERS[c] ?? c)
    .join("")
    .replace(/[^\x20-\x7e]+/g, " ")
    .replace(/\s+/g, " ")
    .replace(/^[\s-]+|[\s-]+$/g, "");
  return contentDisposition(`${stem}${ext}`, { fallback: `${ascii || "download"}${ext}` });
}
