import { describe, expect, it } from "vitest";
import { addMessage, openClarification } from "../../src/clarifications/repo.js";
import { nextSteps, type VendorStage } from "../../src/evaluations/next-steps.js";
import { buildTestApp } from "../helpers.js";
import { dom, textsAt } from "../html.js";
import { invitedVendor } from "../portal/helpers.js";
import { signIn } from "../web.js";

const now = new Date("2026-12-02T12:00:00Z");
const e = { id: 7, status: "open" as const, dueDate: "2026-12-12" };
const vendor = (over: Partial<VendorStage> & { id: number; name: string }): VendorStage => ({
  status: "invited",
  link: { live: true, remindFrom: new Date("2026-12-03T12:00:00Z") },
  replies: null,
  ...over,
});
const texts = (s: ReturnType<typeof nextSteps>) => s.map((x) => x.text);

describe("what to do next on an evaluation", () => {
  it("starts with adding vendors and checking the assumptions", () => {
    const s = nextSteps({ ...e, status: "draft" }, [], "buyer", now);
    expect(s[0]).toMatchObject({ href: "#add-vendor", link: "Add the shortlisted vendors" });
    expect(s[1]!.href).toBe("/evaluations/7/edit");
  });

  it("then the invitations, then waiting: a reminder only once an invitation is a day old", () => {
    const added = nextSteps(
      e,
      [vendor({ id: 1, name: "A", link: null }), vendor({ id: 2, name: "B", link: null })],
      "buyer",
      now,
    );
    expect(texts(added)).toEqual(["Send 2 vendors their invitations from the table below."]);
    const fresh = nextSteps(e, [vendor({ id: 1, name: "A" })], "buyer", now);
    expect(texts(fresh)).toEqual([
      "A is still answering; answers are due in 10 days. You can send reminders once an invitation is a day old.",
    ]);
    const old = nextSteps(e, [vendor({ id: 1, name: "A" })], "buyer", new Date("2026-12-13T12:00:00Z"));
    expect(old[0]!.text).toBe(
      "A is still answering; the due date passed 1 day ago. Send a reminder from the table below where one is due.",
    );
    const two = nextSteps(
      e,
      [vendor({ id: 1, name: "A" }), vendor({ id: 2, name: "B" }), vendor({ id: 3, name: "C", status: "declined" })],
      "buyer",
      now,
    );
    expect(two[0]!.text).toMatch(/^2 of 3 vendors are still answering; answers are due in 10 days\./);
    expect(nextSteps({ ...e, dueDate: "2027-03-01" }, [vendor({ id: 1, name: "A" })], "buyer", now)[0]!.text).toMatch(
      /^A is still answering; answers are due on 1 Mar 2027\./,
    );
    // The comparison and the audit log are not next steps while nobody has submitted.
    expect(fresh.some((x) => x.href?.endsWith("/comparison"))).toBe(false);
  });

  it("puts a vendor's replies first, and the comparison once answers are in", () => {
    const s = nextSteps(
      e,
      [
        vendor({ id: 1, name: "A", status: "submitted", replies: { count: 2, questionKey: "cfo_licence" } }),
        vendor({ id: 2, name: "B", status: "in_progress" }),
      ],
      "buyer",
      now,
    );
    expect(s[0]).toMatchObject({
      text: "A replied to 2 clarifications: read and close them.",
      href: "/evaluations/7/vendors/1#q-cfo_licence",
    });
    expect(s.at(-1)!.text).toContain("It ranks submitted vendors only.");
    // A vendor that has submitted needs no new link once its own has expired.
    const expired = { live: false, remindFrom: new Date("2026-11-01T00:00:00Z") };
    const done = nextSteps(e, [vendor({ id: 1, name: "A", status: "submitted", link: expired })], "buyer", now);
    expect(texts(done).some((t) => t.includes("invitation"))).toBe(false);
    const all = nextSteps(
      e,
      [vendor({ id: 1, name: "A", status: "submitted" }), vendor({ id: 2, name: "B", status: "submitted" })],
      "buyer",
      now,
    );
    expect(all.at(-1)!.text).toMatch(/^Every vendor has answered/);
    for (const x of [...s, ...all]) if (x.link) expect(x.text).toContain(x.link);
  });

  it("tells the committee what it can do, and everyone once the decision is recorded", () => {
    expect(texts(nextSteps(e, [vendor({ id: 1, name: "A", status: "submitted" })], "committee", now))[1]).toBe(
      "Comment there, and sign the proposed decision for your seat.",
    );
    expect(nextSteps({ ...e, status: "decided" }, [], "buyer", now)[0]!.text).toMatch(/^The decision is recorded/);
    expect(texts(nextSteps({ ...e, status: "closed" }, [], "buyer", now))[1]).toMatch(/Reopen it below/);
  });
});

describe("the evaluation page's next steps", () => {
  it("follow the evaluation: waiting after the invitation, then the vendor's reply to a clarification", async () => {
    const { app, db, config } = buildTestApp();
    const { buyer, evaluationId, vendorId } = await invitedVendor(db, config);
    const agent = await signIn(app, buyer.email);
    const steps = async () => textsAt((await agent.get(`/evaluations/${evaluationId}`)).text, ".next-steps li");
    expect(await steps()).toEqual([
      expect.stringMatching(/^Acme AI is still answering; answers are due on \d{1,2} \w{3} \d{4}\./),
    ]);
    const cid = openClarification(db, {
      vendorId,
      questionKey: "cfo_licence",
      visibility: "vendor",
      userId: buyer.id,
      authorName: "Bea",
      body: "Which tier?",
    });
    addMessage(db, cid, { authorKind: "vendor", authorName: "Casey", body: "Enterprise." });
    const $ = dom((await agent.get(`/evaluations/${evaluationId}`)).text);
    expect($(".next-steps li").first().text()).toBe("Acme AI replied to a clarification: read and close it.");
    expect($(".next-steps li a").first().attr("href")).toBe(
      `/evaluations/${evaluationId}/vendors/${vendorId}#q-cfo_licence`,
    );
  });
});
