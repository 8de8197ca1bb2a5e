import { readFileSync } from "node:fs";
import { FONT_FILES, sfnt } from "../../src/report/fonts.js";

/**
 * A TrueType collection (.ttc) built from fonts Truecost bundles, as Debian's Noto CJK is one:
 * the 'ttcf' header, then each font's table directory pointing at its tables, laid out one after
 * another. CI installs no system fonts, so the tests make the collection they need.
 */
export function collectionOf(files: string[] = [FONT_FILES.body, FONT_FILES.wide]): Buffer {
  const fonts = files.map((f) => sfnt(readFileSync(f)));
  const headerSize = 12 + 4 * fonts.length;
  const directories = fonts.map((f) => 12 + 16 * f.readUInt16BE(4));
  let offset = headerSize + directories.reduce((a, b) => a + b, 0);
  const header = Buffer.alloc(headerSize);
  header.write("ttcf", 0, "latin1");
  header.writeUInt32BE(0x00010000, 4);
  header.writeUInt32BE(fonts.length, 8);
  const dirParts: Buffer[] = [];
  const tableParts: Buffer[] = [];
  let dirAt = headerSize;
  fonts.forEach((font, i) => {
    header.writeUInt32BE(dirAt, 12 + 4 * i);
    const count = font.readUInt16BE(4);
    const dir = Buffer.from(font.subarray(0, 12 + 16 * count));
    for (let t = 0; t < count; t++) {
      const rec = 12 + 16 * t;
      const [at, length] = [font.readUInt32BE(rec + 8), font.readUInt32BE(rec + 12)];
      const body = Buffer.alloc((length + 3) & ~3);
      font.copy(body, 0, at, at + length);
      dir.writeUInt32BE(offset, rec + 8);
      tableParts.push(body);
      offset += body.length;
    }
    dirParts.push(dir);
    dirAt += dir.length;
  });
  return Buffer.concat([header, ...dirParts, ...tableParts]);
}
