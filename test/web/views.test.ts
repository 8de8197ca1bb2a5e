import { describe, expect, it } from "vitest";
import fc from "fast-check";
import ejs from "ejs";
import { escapeHtml, templateNames } from "../../src/web/views.js";

describe("view options", () => {
  it("escapes exactly as EJS does", () => {
    const ejsEscape = (ejs as unknown as { escapeXML: (s: unknown) => string }).escapeXML;
    fc.assert(fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom("<script>alert('x')</script>", `a & b "c" 'd' <e>`, ""), fc.integer(), fc.constant(null), fc.constant(undefined)), (v) => {
      expect(escapeHtml(v)).toBe(ejsEscape(v));
    }), { numRuns: 1000 });
  });

  it("finds the names templates read, not property names, quoted text, keywords or globals", () => {
    const names = templateNames([
      `<%# comment names nothing %><% const q = v.q; if (!p.editable) { %><%= format.money(x, 'EUR') %><% } %>`,
      `<%- include('/partials/x', { v, errors }) %><%= JSON.stringify(Math.max(a, b)) %><%= \`\${minPassword} characters\` %><%= "quoted words" %>`,
    ]);
    expect(names).toEqual(expect.arrayContaining(["q", "v", "p", "format", "x", "errors", "a", "b", "minPassword"]));
    for (const absent of ["editable", "money", "JSON", "Math", "const", "if", "include", "comment", "quoted", "words", "EUR"]) expect(names).not.toContain(absent);
  });
});
