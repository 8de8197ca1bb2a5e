import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import { saveAnswer } from "../../src/answers/repo.js";
import { scoreTable } from "../../src/cli/score-table.js";
import { applyReportFont, ConfigError, loadConfig } from "../../src/config.js";
import { scoreEvaluation } from "../../src/evaluations/scoring.js";
import { answersCopyPdf } from "../../src/portal/copy-pdf.js";
import { comparisonCharts } from "../../src/report/charts.js";
import { reportData } from "../../src/report/data.js";
import { drawable, setCustomFont } from "../../src/report/fonts.js";
import { comparisonReport } from "../../src/report/pdf.js";
import { findVendor } from "../../src/vendors/repo.js";
import { downloadName } from "../../src/web/download.js";
import { syntheticAnswers } from "../bench/fixtures.js";
import { makeDb, tempDir } from "../helpers.js";
import { makeEvaluation, makeUser, makeVendor } from "../factories.js";
import { readPdf } from "./pdf-text.js";
import { collectionOf } from "./ttc.js";

const flat = (s: string) => s.replace(/\s+/g, " ");
/** pdftotext marks right-to-left runs with embedding controls: the letters are what count. */
const letters = (s: string) => s.replace(/[\u202a-\u202e\u2066-\u2069]/g, "");

const NAMES = {
  latin: "Müller & Søn Datenverarbeitung GmbH",
  greek: "Ελληνική Τεχνητή Νοημοσύνη Α.Ε.",
  cyrillic: "Сибирские Нейросети ООО",
  japanese: "株式会社未来知能",
  simplified: "北京智能科技有限公司",
  traditional: "臺灣人工智慧股份有限公司",
  korean: "주식회사 미래지능",
  arabic: "شركة عربية للحوسبة",
  hebrew: "חברת בינה מלאכותית",
  emoji: "Rocket 🚀 Labs ✅",
};

function evaluationWith(names: string[]) {
  const { db } = makeDb();
  const e = makeEvaluation(db, null, { title: `Évaluation — 評価 — ${NAMES.hebrew}` });
  const set = scoreEvaluation(db, e)!.set;
  names.forEach((name, i) => {
    const v = makeVendor(db, e, { name, contactEmail: `v${i}@x.example` });
    for (const [k, val] of Object.entries(syntheticAnswers(set, i + 3)))
      saveAnswer(db, { vendorId: v, questionKey: k, value: val, expectedRevision: 0, actor: "test" });
  });
  return { db, e, set };
}

afterEach(() => setCustomFont(null));

describe("every script in every PDF", () => {
  it("the report and the vendor's copy draw each script with the bundled fonts, and pdftotext gives the names back in reading order", async () => {
    const { db, e, set } = evaluationWith(Object.values(NAMES));
    const report = letters(flat(readPdf(await comparisonReport(reportData(db, e, "Committee")!)).text));
    for (const [script, name] of Object.entries(NAMES)) {
      // The lam-alef ligature reads back in an order of poppler's own: the other Arabic words must read back as written.
      const expected = script === "arabic" ? "للحوسبة" : name;
      expect(report, script).toContain(expected);
    }
    for (const [i, name] of Object.values(NAMES).entries()) {
      const vendor = findVendor(db, i + 1)!;
      const copy = letters(
        flat(readPdf(await answersCopyPdf(scoreEvaluation(db, e)!.evaluation, set, vendor, {}, [])).text),
      );
      expect(copy, name).toContain(`Answers of ${name === NAMES.arabic ? "" : name}`.trim());
    }
  }, 60_000);

  it("right-to-left words come out in reading order, mixed with left-to-right ones", async () => {
    const { db, e } = evaluationWith(["Acme שלום עולם Holdings 2027"]);
    const text = letters(flat(readPdf(await comparisonReport(reportData(db, e, "x")!)).text));
    expect(text).toContain("Acme שלום עולם Holdings 2027");
  }, 60_000);

  it("whatever Unicode any text field holds, the report and the vendor's copy generate and read back", async () => {
    const { db, e, set } = evaluationWith(["Seed vendor"]);
    const admin = await makeUser(db, "admin");
    const text = fc.string({ unit: "binary", minLength: 1, maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(
        fc.record({ vendor: text, answer: text, message: text, file: text, comment: text, title: text }),
        async (t) => {
          db.prepare("UPDATE vendors SET name = ? WHERE id = 1").run(t.vendor);
          db.prepare("UPDATE evaluations SET title = ? WHERE id = ?").run(t.title, e);
          db.prepare(
            "INSERT OR REPLACE INTO answers (vendor_id, question_key, value, revision, updated_by) VALUES (1, 'proc_subprocessors', ?, 1, 't')",
          ).run(JSON.stringify(t.answer));
          db.prepare("DELETE FROM comments").run();
          db.prepare("INSERT INTO comments (evaluation_id, user_id, body) VALUES (?, ?, ?)").run(
            e,
            admin.id,
            t.comment,
          );
          db.prepare("DELETE FROM attachments").run();
          db.prepare(
            "INSERT INTO attachments (vendor_id, question_key, original_name, stored_name, mime_type, size_bytes, sha256, uploaded_by) VALUES (1, 'proc_reference', ?, ?, 'application/pdf', 1, 'x', 't')",
          ).run(t.file, `f${Math.random()}`);
          db.prepare("DELETE FROM clarification_messages").run();
          db.prepare("DELETE FROM clarifications").run();
          const c = db
            .prepare(
              "INSERT INTO clarifications (vendor_id, question_key, visibility) VALUES (1, 'cto_controls', 'vendor')",
            )
            .run().lastInsertRowid;
          db.prepare(
            "INSERT INTO clarification_messages (clarification_id, author_kind, author_name, body) VALUES (?, 'buyer', ?, ?)",
          ).run(c, t.vendor, t.message);
          const report = flat(readPdf(await comparisonReport(reportData(db, e, t.comment)!)).text);
          const vendor = findVendor(db, 1)!;
          const copy = flat(
            readPdf(
              await answersCopyPdf(scoreEvaluation(db, e)!.evaluation, set, vendor, { proc_subprocessors: t.answer }, [
                { questionKey: "proc_reference", name: t.file, sha256: "ab" },
              ]),
            ).text,
          );
          // Text of one left-to-right script without marks reads back as drawn; anything else at least generates.
          for (const s of [t.vendor, t.message, t.comment]) {
            const shown = flat(drawable(s)).trim();
            if (/^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Han}\p{N} ]+$/u.test(shown))
              expect(report).toContain(shown);
          }
          const answer = flat(drawable(t.answer)).trim();
          if (/^[\p{Script=Latin}\p{N} ]+$/u.test(answer)) expect(copy).toContain(answer);
        },
      ),
      {
        numRuns: 25,
        examples: [
          [
            {
              vendor: "\u202Eevil\u202C",
              answer: "\u0000NUL",
              message: "\ud800lone",
              file: "e\u0301\u0301",
              comment: "🏳️‍🌈",
              title: "\u061C\u200F",
            },
          ],
        ],
      },
    );
  }, 180_000);

  it("an operator's font: a collection needs a face, a wrong one is named with the faces it has, and a good one draws", async () => {
    const dir = tempDir();
    const ttc = join(dir, "Fonts.ttc");
    writeFileSync(ttc, collectionOf());
    writeFileSync(join(dir, "not-a-font.ttf"), "hello");
    const refuse = (env: Record<string, string>) => {
      try {
        loadConfig({ DATA_DIR: dir, ...env });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error("expected the configuration to be refused");
    };
    expect(refuse({ REPORT_FONT: ttc })).toMatch(
      /REPORT_FONT=.*is a font collection: set REPORT_FONT_FACE to one of its faces \(DejaVuSans, UnifontMedium\)/,
    );
    expect(refuse({ REPORT_FONT: ttc, REPORT_FONT_FACE: "Nope" })).toMatch(
      /has no face "Nope"; its faces are DejaVuSans, UnifontMedium/,
    );
    expect(refuse({ REPORT_FONT: join(dir, "not-a-font.ttf") })).toMatch(/is not a font Truecost can read/);
    expect(refuse({ REPORT_FONT: join(dir, "missing.ttf") })).toMatch(/does not exist/);
    expect(refuse({ REPORT_FONT_FACE: "UnifontMedium" })).toMatch(/REPORT_FONT_FACE is set but REPORT_FONT is not/);
    applyReportFont(loadConfig({ DATA_DIR: dir, REPORT_FONT: ttc, REPORT_FONT_FACE: "UnifontMedium" }));
    const { db, e } = evaluationWith([NAMES.japanese]);
    const { file, text } = readPdf(await comparisonReport(reportData(db, e, "x")!));
    expect(flat(text)).toContain(NAMES.japanese);
    // The face from the collection is embedded (and the bundled wide font is not needed).
    const fonts = execFileSync("pdffonts", [file], { encoding: "utf8" });
    expect(fonts.match(/UnifontMedium/g)).toHaveLength(1);
  }, 60_000);
});

describe("charts, the command line and downloads", () => {
  it("chart labels are measured in the report's fonts and never run outside the chart, whatever the names", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: "grapheme", maxLength: 80 }), fc.constantFrom(...Object.values(NAMES))), {
          minLength: 1,
          maxLength: 6,
        }),
        (names) => {
          const { db, e } = evaluationWith(names.map((n) => n || "x"));
          db.prepare("UPDATE vendors SET status = 'submitted'").run();
          for (const chart of comparisonCharts(scoreEvaluation(db, e)!.result))
            for (const s of chart.shapes) {
              if (s.kind !== "text") continue;
              const left = s.anchor === "end" ? s.x - s.width : s.anchor === "middle" ? s.x - s.width / 2 : s.x;
              expect(left, `${s.text} in ${chart.id}`).toBeGreaterThanOrEqual(0);
              expect(left + s.width, `${s.text} in ${chart.id}`).toBeLessThanOrEqual(chart.width + 0.01);
            }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it("the score table lines wide characters up in a terminal's columns", () => {
    const { db, e } = evaluationWith([NAMES.japanese, NAMES.latin, "Rocket 🚀 Labs"]);
    db.prepare("UPDATE vendors SET status = 'submitted'").run();
    const lines = scoreTable(scoreEvaluation(db, e)!).split("\n");
    const rows = lines.filter((l) => /^\s*(#|=|—)\d*\s{2}/.test(l) && /€/.test(l));
    expect(rows).toHaveLength(3);
    // The entry price column ends at the same terminal column in every row.
    const end = (row: string) => stringWidth(row.slice(0, row.search(/€[\d,]+ /) + /€[\d,]+/.exec(row)![0].length));
    expect(new Set(rows.map(end)).size).toBe(1);
  });

  it("download names keep their Unicode, with a safe ASCII fallback", () => {
    expect(downloadName("Müller & Søn — answers.pdf")).toBe(
      `attachment; filename="Muller & Son - answers.pdf"; filename*=UTF-8''M%C3%BCller%20%26%20S%C3%B8n%20%E2%80%94%20answers.pdf`,
    );
    expect(downloadName("株式会社未来知能 — answers.pdf")).toMatch(
      /^attachment; filename=answers\.pdf; filename\*=UTF-8''%E6%A0%AA/,
    );
    expect(downloadName('\ud800\u0000"/x.pdf')).toMatch(
      /^attachment; filename=x\.pdf; filename\*=UTF-8''%EF%BF%BD%20x\.pdf$/,
    );
  });
});
