import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { answerSlots, questionsHtml, type QuestionView } from "../../src/portal/questions-html.js";
import { getQuestionSet } from "../../src/questions/repo.js";
import { Fragment } from "../../src/web/render.js";
import { viewTemplate } from "../../src/web/views.js";
import { buildSharedApp } from "../helpers.js";

const { app, db } = buildSharedApp();
const set = getQuestionSet(db, 1);
const questions = set.sections.flatMap((s) => s.questions);

/** A fragment's bytes as the page would carry them. */
const text = (f: Fragment) => Buffer.concat(f.pieces).toString();

/** The questions view rendered whole for one question, as the page did before questions were prepared. */
function whole(v: QuestionView, ctx: { currency: string; readOnly: boolean; files?: unknown[]; clarifications?: unknown[] }): string {
  return viewTemplate(app, "partials/portal/questions")({ ...app.locals, currency: ctx.currency, ro: ctx.readOnly, files: ctx.files ?? [], clarifications: ctx.clarifications ?? [], at: answerSlots, questions: [v] });
}

// What a vendor may type or post: HTML, quotes, entities, control characters and any Unicode, one value or several.
const typed = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom("<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "&amp; ' \" < >", "\u0000", ""));
const view = fc.record({
  q: fc.constantFrom(...questions),
  raw: fc.record({ q: fc.oneof(typed, fc.array(typed, { maxLength: 3 })), p: typed }, { requiredKeys: [] }),
  revision: fc.nat({ max: 100_000 }),
  shown: fc.boolean(),
});

describe("a section's questions, rendered once and filled in", () => {
  it("print exactly what rendering the whole view prints, for any answer, read-only or not, in any currency", () => {
    fc.assert(
      fc.property(view, fc.boolean(), fc.constantFrom("EUR", "USD", "GBP"), (v, readOnly, currency) => {
        const ctx = { app, currency, readOnly, files: [], clarifications: [] };
        // Twice: the first may prepare the question, the second must reuse it.
        expect(text(questionsHtml([v], ctx))).toBe(whole(v, ctx));
        expect(text(questionsHtml([v], ctx))).toBe(whole(v, ctx));
      }),
      { numRuns: 1000 },
    );
  });

  it("keep nothing of one vendor's answers for the next", () => {
    const q = questions.find((x) => x.type === "text")!;
    const ctx = { app, currency: "EUR", readOnly: false, files: [], clarifications: [] };
    expect(text(questionsHtml([{ q, raw: { q: "Vendor A's secret plan" }, revision: 7, shown: true }], ctx))).toContain("Vendor A&#39;s secret plan");
    const next = text(questionsHtml([{ q, raw: {}, revision: 0, shown: true }], ctx));
    expect(next).not.toContain("secret plan");
    expect(next).toBe(whole({ q, raw: {}, revision: 0, shown: true }, ctx));
  });

  it("render a question whole when it has evidence files, a clarification thread, an error or a conflict", () => {
    const q = questions.find((x) => x.evidence)!;
    const files = [{ id: 9, questionKey: q.key, name: "<b>soc2</b>.pdf", size: 2048, sha256: "ab".repeat(32), createdAt: "2026-01-01T00:00:00.000Z" }];
    const clarifications = [{ id: 4, vendorId: 1, questionKey: q.key, visibility: "vendor" as const, status: "open" as const, createdAt: "2026-01-01T00:00:00.000Z", resolvedAt: null, messages: [{ id: 1, authorKind: "buyer" as const, authorName: "Ana", body: "Which auditor?", createdAt: "2026-01-01T00:00:00.000Z" }], earlierMessages: 0 }];
    const v: QuestionView = { q, raw: {}, revision: 2, shown: true };
    const ctx = { app, currency: "EUR", readOnly: false, files, clarifications };
    const page = text(questionsHtml([v, { ...v, q: questions.find((x) => x !== q && !x.evidence)!, error: "Give a number <here>" }], ctx));
    expect(page).toContain("&lt;b&gt;soc2&lt;/b&gt;.pdf");
    expect(page).toContain("Which auditor?");
    expect(page).toContain("Give a number &lt;here&gt;");
    expect(page.startsWith(whole(v, ctx))).toBe(true);
  });

  it("are printed only into a page renderPage assembles", () => {
    expect(() => String(new Fragment([Buffer.from("<p>x</p>")]))).toThrow(/renderPage/);
  });
});
