import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { FLAGS, LAYERS, PHASES, ROLES } from "../../src/domain.js";
import {
  allQuestions,
  loadQuestionSetFile,
  parseQuestionSet,
  QuestionSetError,
  summarise,
} from "../../src/questions/loader.js";
import { getQuestionSet, listQuestionSets, syncQuestionSets } from "../../src/questions/repo.js";
import { QUESTIONS_DIR } from "../../src/paths.js";
import { makeDb, tempDir } from "../helpers.js";

const DEFAULT_FILE = join(QUESTIONS_DIR, "ai-production.yaml");
const defaultText = readFileSync(DEFAULT_FILE, "utf8");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const base = (): Doc => parse(defaultText);

function problemsOf(doc: Doc): { path: string; message: string }[] {
  try {
    parseQuestionSet(typeof doc === "string" ? doc : stringify(doc), "broken.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(QuestionSetError);
    expect((err as QuestionSetError).message).toContain("broken.yaml");
    return (err as QuestionSetError).problems;
  }
  throw new Error("expected the file to be refused");
}

describe("the default question set", () => {
  const loaded = loadQuestionSetFile(DEFAULT_FILE);
  const qs = allQuestions(loaded.set);

  it("loads, with four role sections of at least 12 questions", () => {
    expect(loaded.set.sections.map((s) => s.role).sort()).toEqual([...ROLES].sort());
    for (const s of loaded.set.sections) expect(s.questions.length).toBeGreaterThanOrEqual(12);
  });

  it("covers every layer and phase, and can raise every red flag", () => {
    const s = summarise(loaded.set);
    for (const l of LAYERS) expect(s.byLayer[l], l).toBeGreaterThan(0);
    for (const p of PHASES) expect(s.byPhase[p], p).toBeGreaterThan(0);
    const raised = new Set(qs.flatMap((q) => q.flags.map((f) => f.flag)));
    for (const f of FLAGS) expect(raised.has(f), f).toBe(true);
  });

  it("prices every coverage item and captures the price structure as money", () => {
    for (const q of qs.filter((q) => q.type === "coverage")) expect(q.estimate, q.key).toBeDefined();
    const quotes = qs.filter((q) => q.type === "money" && q.quote).map((q) => q.quote);
    expect(quotes.sort()).toEqual(["implementation", "licence", "support", "training", "transition", "usage"]);
  });

  it("gives every assumption a basis: a cited figure or 'judgement'", () => {
    for (const a of loaded.set.assumptions)
      expect(a.basis === "judgement" || /judgement|\(\w.*\d{4}\)|benchmark/i.test(a.basis), a.key).toBe(true);
  });
});

describe("a broken question set is refused with the file, the path and the reason", () => {
  const cases: [string, (d: Doc) => void | string, string, RegExp][] = [
    [
      "duplicate question key",
      (d) => {
        d.sections[1].questions[3].key = d.sections[0].questions[0].key;
      },
      "sections[1].questions[3].key",
      /duplicate question key 'cto_production_readiness'/,
    ],
    [
      "unknown layer",
      (d) => {
        d.sections[0].questions[1].layer = "marketing";
      },
      "sections[0].questions[1].layer",
      /Invalid option/,
    ],
    [
      "unknown phase",
      (d) => {
        d.sections[2].questions[0].phase = "someday";
      },
      "sections[2].questions[0].phase",
      /Invalid option/,
    ],
    [
      "unknown role",
      (d) => {
        d.sections[3].role = "legal";
      },
      "sections[3].role",
      /Invalid option/,
    ],
    [
      "unknown assumption in a share",
      (d) => {
        d.sections[0].questions[1].estimate.share = "magic_share";
      },
      "sections[0].questions[1].estimate.share",
      /unknown assumption 'magic_share'/,
    ],
    [
      "unknown assumption in days",
      (d) => {
        d.sections[0].questions[5].estimate.days = "nope_days";
      },
      "sections[0].questions[5].estimate.days",
      /unknown assumption 'nope_days'/,
    ],
    [
      "shows_if pointing at a missing question",
      (d) => {
        d.sections[1].questions[18].shows_if.question = "cfo_ghost";
      },
      "sections[1].questions[18].shows_if.question",
      /missing question 'cfo_ghost'/,
    ],
    [
      "choice question without options",
      (d) => {
        delete d.sections[0].questions[0].options;
      },
      "sections[0].questions[0].options",
      /at least two options/,
    ],
    [
      "coverage question without an estimate",
      (d) => {
        delete d.sections[0].questions[2].estimate;
      },
      "sections[0].questions[2].estimate",
      /needs 'estimate'/,
    ],
    [
      "share that is not a number",
      (d) => {
        d.assumptions[0].defaults.production = "half";
      },
      "assumptions[0].defaults.production",
      /expected number/,
    ],
    [
      "default outside its bounds",
      (d) => {
        d.assumptions[0].defaults.pilot = 1.5;
      },
      "assumptions[0].defaults.pilot",
      /outside/,
    ],
    [
      "duplicate assumption",
      (d) => {
        d.assumptions[5].key = d.assumptions[4].key;
      },
      "assumptions[5].key",
      /duplicate assumption 'reference_build_days'/,
    ],
    [
      "a model assumption missing",
      (d) => {
        d.assumptions.splice(0, 1);
      },
      "assumptions",
      /needs the assumption 'partial_share'/,
    ],
    [
      "unknown flag",
      (d) => {
        d.sections[0].questions[0].flags[0].flag = "looks_bad";
      },
      "sections[0].questions[0].flags[0].flag",
      /Invalid option/,
    ],
    [
      "flag matching an answer that cannot occur",
      (d) => {
        d.sections[0].questions[3].flags[0].when = ["maybe"];
      },
      "sections[0].questions[3].flags[0].when[0]",
      /'maybe' is not an answer of 'cto_controls'/,
    ],
    [
      "estimate share without a base",
      (d) => {
        delete d.sections[0].questions[1].estimate.of;
      },
      "sections[0].questions[1].estimate",
      /share and of go together/,
    ],
    [
      "unknown field (a typo)",
      (d) => {
        d.sections[0].questions[0].requird = true;
      },
      "sections[0].questions[0]",
      /Unrecognized key: "requird"/,
    ],
    [
      "duplicate section role",
      (d) => {
        d.sections[1].role = "cto";
      },
      "sections[1].role",
      /duplicate section for role 'cto'/,
    ],
    [
      "empty section",
      (d) => {
        d.sections[2].questions = [];
      },
      "sections[2].questions",
      /at least one question/,
    ],
    [
      "a quoted price with an estimate",
      (d) => {
        d.sections[1].questions[0].estimate = { days: "discovery_days" };
      },
      "sections[1].questions[0].estimate",
      /a blank price is a missing figure/,
    ],
    [
      "an assumption without bounds",
      (d) => {
        delete d.assumptions[6].max;
      },
      "assumptions[6].max",
      /needs a maximum/,
    ],
    [
      "a term on the wrong type of question",
      (d) => {
        d.sections[0].questions[0].term = "price_cap";
      },
      "sections[0].questions[0].term",
      /needs a percent question/,
    ],
  ];

  it.each(cases)("%s", (_name, mutate, path, reason) => {
    const doc = base();
    mutate(doc);
    const problems = problemsOf(doc);
    const hit = problems.find((p) => p.path === path);
    expect(hit, `expected a problem at ${path}, got ${JSON.stringify(problems)}`).toBeDefined();
    expect(hit!.message).toMatch(reason);
  });

  it("refuses YAML with a repeated mapping key, giving the line", () => {
    const problems = problemsOf("id: a\nid: b\ntitle: x\n");
    expect(problems[0]!.path).toBe("line 2");
    expect(problems[0]!.message).toMatch(/unique/i);
  });

  it("refuses text that is not YAML at all", () => {
    expect(problemsOf("sections: [unclosed\n")[0]!.path).toMatch(/^line \d+/);
  });
});

describe("question set versions", () => {
  it("stores each content once, and a changed file as a new version without touching the old one", () => {
    const { db } = makeDb();
    // The default set ships as version 2 (ai-production.yaml) beside version 1 kept as it was (ai-production.1.yaml).
    const first = listQuestionSets(db);
    expect(first.map((r) => r.version)).toEqual([2, 1]);
    expect(syncQuestionSets(db).stored.every((s) => !s.created)).toBe(true);

    const dir = tempDir();
    const changed = base();
    changed.sections[0].questions[0].text = "Which steps of the workflow already run live at another client?";
    writeFileSync(join(dir, "ai-production.yaml"), stringify(changed));
    writeFileSync(join(dir, "broken.yaml"), "id: [");
    const sync = syncQuestionSets(db, dir);
    expect(sync.refused.map((e) => e.file)).toEqual(["broken.yaml"]);
    const rows = listQuestionSets(db);
    expect(rows.map((r) => r.version)).toEqual([3, 2, 1]);
    const v1 = getQuestionSet(db, rows[1]!.id);
    expect(v1.sections[0]!.questions[0]!.text).toBe(
      "Which parts of the proposed workflow already run in production elsewhere?",
    );
    expect(getQuestionSet(db, rows[0]!.id).sections[0]!.questions[0]!.text).toMatch(/already run live/);
  });
});
