import { describe, expect, it } from "vitest";
import { fieldsOf, rowSplitter } from "../../src/db/index.js";

describe("rowSplitter", () => {
  it("splits a joined raw row into one object per table, in the order the column lists were selected", () => {
    const split = rowSplitter(["id, user_id AS userId", "id, name", "content_hash AS hash"].map(fieldsOf));
    expect(split([1, null, 7, "Acme", "h"])).toEqual([{ id: 1, userId: null }, { id: 7, name: "Acme" }, { hash: "h" }]);
    // Objects are fresh on every call.
    const a = split([1, 2, 3, "x", "y"]);
    a[0]!.id = 99;
    expect(split([1, 2, 3, "x", "y"])[0]!.id).toBe(1);
  });

  it("takes any field name as a name, never as code", () => {
    const split = rowSplitter([["a\"b", "c'); throw 1; ('", "__proto__x"]]);
    expect(split([1, 2, 3])).toEqual([{ 'a"b': 1, "c'); throw 1; ('": 2, __proto__x: 3 }]);
  });
});
