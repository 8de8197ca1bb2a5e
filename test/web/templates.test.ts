import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../src/web/templates.js";
import { dom } from "../html.js";

const q = { key: "run_cost", type: "money", nature: "recurring", text: "Run cost", required: true };

describe("templates rendered by name", () => {
  it("render a partial from the locals its caller names, without a page around it", () => {
    const html = renderTemplate("partials/portal/answer/amount", {
      q,
      id: "q-run_cost",
      aria: "",
      answer: "1,200",
      currency: "EUR",
    });
    const $ = dom(html);
    expect($("input").attr("value")).toBe("1,200");
    expect($(".unit").text()).toBe("EUR per year");
  });

  it("escape what they print, the same on every render", () => {
    const locals = { q, id: "q-1", aria: "", answer: `"><script>alert(1)</script>`, currency: "EUR" };
    const a = renderTemplate("partials/portal/answer/amount", locals);
    expect(a).not.toContain("<script>");
    expect(a).toContain("&#34;&gt;&lt;script&gt;");
    expect(renderTemplate("partials/portal/answer/amount", locals)).toBe(a);
  });
});
