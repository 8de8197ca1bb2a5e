import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportBundle } from "../../src/bundles/export.js";
import { BundleError, importBundle } from "../../src/bundles/import.js";
import { ROOT } from "../../src/paths.js";
import { makeDb } from "../helpers.js";
import { verifyAudit } from "../../src/audit/repo.js";

const demoText = readFileSync(join(ROOT, "src", "demo", "demo-bundle.json"), "utf8");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const demo = (): any => JSON.parse(demoText);

function refusal(mutate: (b: ReturnType<typeof demo>) => unknown): { path: string; message: string }[] {
  const { db } = makeDb();
  const b = demo();
  const replaced = mutate(b);
  const text = typeof replaced === "string" ? replaced : JSON.stringify(b);
  const before = db
    .prepare(
      "SELECT (SELECT count(*) FROM evaluations) + (SELECT count(*) FROM vendors) + (SELECT count(*) FROM answers)",
    )
    .pluck()
    .get();
  try {
    importBundle(db, text, "test");
  } catch (err) {
    expect(err).toBeInstanceOf(BundleError);
    // All or nothing: nothing was written.
    expect(
      db
        .prepare(
          "SELECT (SELECT count(*) FROM evaluations) + (SELECT count(*) FROM vendors) + (SELECT count(*) FROM answers)",
        )
        .pluck()
        .get(),
    ).toBe(before);
    return (err as BundleError).problems;
  }
  throw new Error("expected the bundle to be refused");
}

describe("evaluation bundles", () => {
  it.each([
    [
      "an unknown question key",
      (b: any) => {
        b.vendors[1].answers.cto_teleport = true;
      },
      "vendors[1].answers.cto_teleport",
      /unknown question key 'cto_teleport'/,
    ],
    [
      "an answer of the wrong type",
      (b: any) => {
        b.vendors[0].answers.cto_inference_included = "sometimes";
      },
      "vendors[0].answers.cto_inference_included",
      /must be yes or no/,
    ],
    [
      "an amount that is not a number",
      (b: any) => {
        b.vendors[2].answers.cfo_licence = "60k";
      },
      "vendors[2].answers.cfo_licence",
      /must be an amount/,
    ],
    [
      "a fractional amount",
      (b: any) => {
        b.vendors[2].answers.cfo_licence = 12.5;
      },
      "vendors[2].answers.cfo_licence",
      /whole number of minor units/,
    ],
    [
      "a coverage status that does not exist",
      (b: any) => {
        b.vendors[0].answers.cto_controls = { status: "maybe" };
      },
      "vendors[0].answers.cto_controls.status",
      /Invalid option/,
    ],
    [
      "not applicable where the question does not allow it",
      (b: any) => {
        b.vendors[0].answers.cto_controls = { status: "not_applicable" };
      },
      "vendors[0].answers.cto_controls.status",
      /Not applicable/,
    ],
    [
      "an option that is not listed",
      (b: any) => {
        b.vendors[0].answers.proc_spec_owner = "nobody";
      },
      "vendors[0].answers.proc_spec_owner",
      /listed options/,
    ],
    [
      "a bad email",
      (b: any) => {
        b.vendors[1].contactEmail = "mikael at northwind";
      },
      "vendors[1].contactEmail",
      /email/,
    ],
    [
      "an unknown assumption",
      (b: any) => {
        b.evaluation.assumptions.magic = 2;
      },
      "evaluation.assumptions.magic",
      /unknown assumption/,
    ],
    [
      "a share above its maximum",
      (b: any) => {
        b.evaluation.assumptions.partial_share = 5;
      },
      "evaluation.assumptions.partial_share",
      /^at most 1$/,
    ],
    [
      "a go-live month beyond sense",
      (b: any) => {
        b.evaluation.assumptions.go_live_month = 1e9;
      },
      "evaluation.assumptions.go_live_month",
      /^at most 36$/,
    ],
    [
      "an assumption of 1e308",
      (b: any) => {
        b.evaluation.assumptions.exit_share = 1e308;
      },
      "evaluation.assumptions.exit_share",
      /^at most 2$/,
    ],
    [
      "a negative assumption",
      (b: any) => {
        b.evaluation.assumptions.monitoring_days = -3;
      },
      "evaluation.assumptions.monitoring_days",
      /^at least 0$/,
    ],
    [
      "a day rate beyond the largest amount",
      (b: any) => {
        b.evaluation.dayRateMinor = 1e15;
      },
      "evaluation.dayRateMinor",
      /too large/,
    ],
    [
      "a bad currency",
      (b: any) => {
        b.evaluation.currency = "euro";
      },
      "evaluation.currency",
      /ISO 4217/,
    ],
    [
      "a horizon out of range",
      (b: any) => {
        b.evaluation.horizonYears = 40;
      },
      "evaluation.horizonYears",
      /at most 10/,
    ],
    [
      "an unknown question-set version",
      (b: any) => {
        b.questionSet.version = 99;
      },
      "questionSet",
      /version 99 is not loaded/,
    ],
    [
      "a clarification on a missing question",
      (b: any) => {
        b.vendors[0].clarifications[0].questionKey = "nope";
      },
      "vendors[0].clarifications[0].questionKey",
      /unknown question key/,
    ],
    ["text that is not JSON", () => "{ not json", "(file)", /not valid JSON/],
    [
      "__proto__ among the answers",
      (b: any) => JSON.stringify(b).replace('"answers":{', '"answers":{"__proto__":{"polluted":true},'),
      "vendors[0].answers.__proto__",
      /"__proto__" is not allowed/,
    ],
    [
      "__proto__ among the assumptions",
      (b: any) =>
        JSON.stringify({ ...b, evaluation: { ...b.evaluation, assumptions: { partial_share: 0.5 } } }).replace(
          '"assumptions":{',
          '"assumptions":{"__proto__":1,',
        ),
      "evaluation.assumptions.__proto__",
      /not allowed/,
    ],
    [
      "a key twice in one object",
      (b: any) => JSON.stringify(b).replace('"title":', '"title":"First title","title":'),
      "evaluation.title",
      /appears twice/,
    ],
    [
      "a key twice among a vendor's answers",
      (b: any) => JSON.stringify(b).replace('"cfo_licence":', '"cfo_licence":1,"cfo_licence":'),
      "vendors[0].answers.cfo_licence",
      /appears twice/,
    ],
    [
      "submitted with no submission time",
      (b: any) => {
        b.vendors[0].submittedAt = null;
      },
      "vendors[0].submittedAt",
      /needs the time it submitted/,
    ],
    [
      "in progress with a decline reason",
      (b: any) => {
        b.vendors[2].declinedReason = "Not for us.";
      },
      "vendors[2].declinedReason",
      /must be null: the vendor is in progress/,
    ],
    [
      "declined without a reason",
      (b: any) => {
        b.vendors[2].status = "declined";
      },
      "vendors[2].declinedReason",
      /needs its reason/,
    ],
    [
      "invited with answers",
      (b: any) => {
        b.vendors[2].status = "invited";
      },
      "vendors[2].status",
      /cannot be invited with answers/,
    ],
    [
      "decided without a decision",
      (b: any) => {
        b.evaluation.status = "decided";
      },
      "evaluation.status",
      /carries no committee decision/,
    ],
    [
      "a draft with a submitted vendor",
      (b: any) => {
        b.evaluation.status = "draft";
      },
      "vendors[0].status",
      /draft has sent no questionnaire/,
    ],
    [
      "answers for a section the evaluation does not send",
      (b: any) => {
        b.evaluation.roles = ["cto", "cfo", "procurement"];
      },
      "vendors[0].answers.product_review_effort",
      /product section, which the evaluation does not send/,
    ],
    [
      "clarification messages out of time order",
      (b: any) => {
        b.vendors[0].clarifications[0].messages[1].createdAt = "2020-01-01T00:00:00.000Z";
      },
      "vendors[0].clarifications[0].messages[1].createdAt",
      /earlier than the message before it/,
    ],
    [
      "a vendor message in an internal note",
      (b: any) => {
        b.vendors[1].clarifications[0].messages.push({
          author: "vendor",
          authorName: "V",
          body: "Hi",
          createdAt: "2027-02-01T00:00:00.000Z",
        });
      },
      "vendors[1].clarifications[0].messages[1].author",
      /internal note/,
    ],
    [
      "NUL in a vendor name",
      (b: any) => {
        b.vendors[0].name = "Swift\u0000pilot";
      },
      "vendors[0].name",
      /NUL character \(U\+0000, invisible\) at position 6/,
    ],
    [
      "a lone surrogate in a title",
      (b: any) => JSON.stringify(b).replace('"title":"', '"title":"\\ud800'),
      "evaluation.title",
      /lone surrogate/,
    ],
    [
      "a bidi override in a contact name",
      (b: any) => {
        b.vendors[1].contactName = "Mikael \u202eNOSLIW";
      },
      "vendors[1].contactName",
      /right-to-left override \(U\+202E/,
    ],
    [
      "a line break in a name",
      (b: any) => {
        b.vendors[1].name = "North\nwind";
      },
      "vendors[1].name",
      /line break/,
    ],
    [
      "a bidi isolate in a clarification",
      (b: any) => {
        b.vendors[0].clarifications[0].messages[0].body = "See \u2066this\u2069";
      },
      "vendors[0].clarifications[0].messages[0].body",
      /left-to-right isolate/,
    ],
    [
      "a control character in a text answer",
      (b: any) => {
        const k = Object.keys(b.vendors[0].answers).find(
          (k) => typeof b.vendors[0].answers[k] === "string" && b.vendors[0].answers[k].length > 12,
        );
        b.vendors[0].answers[k!] += "\u0007";
        return JSON.stringify(b).replace("\\u0007", "\\u0007");
      },
      "",
      /control character/,
    ],
  ])("refuses %s, with its JSON path, and writes nothing", (_name, mutate, path, reason) => {
    const problems = refusal(mutate as (b: unknown) => unknown);
    const hit = problems.find((p) => (path === "" ? reason.test(p.message) : p.path === path));
    expect(hit, JSON.stringify(problems)).toBeDefined();
    expect(hit!.message).toMatch(reason);
  });

  it("exports a decided evaluation as closed (its decision stays with this installation), and the bundle imports", () => {
    const { db } = makeDb();
    const id = importBundle(db, demoText, "test");
    db.prepare("UPDATE evaluations SET status = 'decided' WHERE id = ?").run(id);
    const bundle = exportBundle(db, id)!;
    expect(bundle.evaluation.status).toBe("closed");
    const again = importBundle(db, JSON.stringify(bundle), "test");
    expect(db.prepare("SELECT status FROM evaluations WHERE id = ?").pluck().get(again)).toBe("closed");
  });

  it("export → import → export gives the same bundle", () => {
    const { db } = makeDb();
    const first = importBundle(db, demoText, "test");
    const exported = exportBundle(db, first)!;
    expect(exported).toEqual(JSON.parse(demoText));
    const second = importBundle(db, JSON.stringify(exported), "test");
    expect(second).not.toBe(first);
    expect(exportBundle(db, second)).toEqual(exported);
    expect(verifyAudit(db)).toMatchObject({ ok: true, entries: 2 });
    const history = db
      .prepare("SELECT count(*) FROM answer_history h JOIN vendors v ON v.id = h.vendor_id WHERE v.evaluation_id = ?")
      .pluck()
      .get(second);
    expect(history).toBe(
      db
        .prepare("SELECT count(*) FROM answers a JOIN vendors v ON v.id = a.vendor_id WHERE v.evaluation_id = ?")
        .pluck()
        .get(second),
    );
  });
});
