import { load } from "cheerio";
import { describe, expect, it } from "vitest";
import { QUESTION_TYPES } from "../../src/domain.js";
import type { QuestionView } from "../../src/portal/answer-form.js";
import { getQuestionSet, latestQuestionSets } from "../../src/questions/repo.js";
import type { Question } from "../../src/questions/schema.js";
import { buildTestApp } from "../helpers.js";

const { app, db } = buildTestApp();
const set = getQuestionSet(db, latestQuestionSets(db)[0]!.id);
const questions = set.sections.flatMap((s) => s.questions);

function render(v: QuestionView, ro = false): Promise<string> {
  const locals = { v, ro, currency: "EUR", files: [], clarifications: [] };
  return new Promise((resolve, reject) =>
    app.render("partials/portal/question", locals, (err, html) => (err ? reject(err) : resolve(html!))),
  );
}

/** A typed answer for each type of question, as the form posts it, and what the control must show. */
function posted(q: Question): QuestionView["raw"] {
  switch (q.type) {
    case "coverage":
      return { q: "partial", p: "1,200" };
    case "yes_no":
      return { q: "no" };
    case "single_choice":
      return { q: q.options!.at(-1)!.value };
    case "multi_choice":
      return { q: q.options!.slice(0, 2).map((o) => o.value) };
    case "date":
      return { q: "2027-03-01" };
    case "text":
      return { q: `<b>"Ours" & theirs</b>` };
    default:
      return { q: "42" };
  }
}

describe("a question's partial", () => {
  it("exists for every question type the schema allows and shows the answer in its control", async () => {
    for (const type of QUESTION_TYPES) {
      // A type the default set does not use is tried on a copy of a question of another type.
      const options = [
        { value: "a", label: "A" },
        { value: "b", label: "B" },
      ];
      const q =
        questions.find((x) => x.type === type) ?? ({ ...questions[0]!, key: `t_${type}`, type, options } as Question);
      const raw = posted(q!);
      const $ = load(await render({ q: q!, raw, revision: 3, shown: true }));
      const root = $(`#q-${q!.key}`);
      expect(root.attr("data-type")).toBe(type);
      expect($(`input[name="rev_${q!.key}"]`).val()).toBe("3");
      const field = `[name="q_${q!.key}"]`;
      if (type === "multi_choice")
        expect(
          $(`${field}:checked`)
            .map((_, e) => $(e).val())
            .get(),
        ).toEqual(raw.q);
      else if (["coverage", "yes_no", "single_choice"].includes(type)) expect($(`${field}:checked`).val()).toBe(raw.q);
      else if (type === "text") expect($(field).text()).toBe(raw.q);
      else expect($(field).val()).toBe(raw.q);
      if (type === "coverage") expect($(`[name="p_${q!.key}"]`).val()).toBe("1,200");
    }
  });

  it("escapes what a vendor typed, marks errors on the field, and disables it when read-only", async () => {
    const q = questions.find((x) => x.type === "text")!;
    const html = await render(
      { q, raw: { q: "</textarea><script>alert(1)</script>" }, revision: 0, shown: true, error: "Too <long>" },
      true,
    );
    expect(html).not.toContain("<script>");
    const $ = load(html);
    expect($(`[name="q_${q.key}"]`).text()).toBe("</textarea><script>alert(1)</script>");
    expect($(`[name="q_${q.key}"]`).attr("aria-invalid")).toBe("true");
    expect($(`[name="q_${q.key}"]`).attr("disabled")).toBeDefined();
    expect($(`#q-${q.key}-error`).text()).toBe("Too <long>");
  });

  it("is hidden while its condition is not met", async () => {
    const q = questions.find((x) => x.shows_if) ?? questions[0]!;
    expect(load(await render({ q, raw: {}, revision: 0, shown: false }))(`#q-${q.key}`).attr("hidden")).toBeDefined();
    expect(load(await render({ q, raw: {}, revision: 0, shown: true }))(`#q-${q.key}`).attr("hidden")).toBeUndefined();
  });
});

describe("a group question's help and error", () => {
  it("are read with its fieldset, once, rather than repeated on every option", async () => {
    const q = questions.find((x) => x.type === "coverage" && x.help)!;
    const $ = load(await render({ q, raw: { q: "" }, revision: 0, shown: true, error: "Choose one" }));
    expect($("fieldset").attr("aria-describedby")).toBe(`q-${q.key}-help q-${q.key}-error`);
    expect($('input[type="radio"][aria-describedby]').length).toBe(0);
    expect($('input[type="radio"]').first().attr("aria-invalid")).toBe("true");
    const money = questions.find((x) => x.type === "money" && x.help)!;
    const m = load(await render({ q: money, raw: { q: "" }, revision: 0, shown: true }));
    expect(m(`#q-${money.key}-input`).attr("aria-describedby")).toBe(`q-${money.key}-help`);
  });
});
