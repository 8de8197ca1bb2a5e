import { describe, expect, it } from "vitest";
import { auditActions } from "../../src/audit/repo.js";
import { buildTestApp } from "../helpers.js";
import { dom, pageText } from "../html.js";
import { postForm } from "../web.js";
import { invitedVendor, openLink } from "./helpers.js";

async function delegateCfo(env: Record<string, string> = {}) {
  const t = buildTestApp(env);
  const v = await invitedVendor(t.db, t.config);
  const main = await openLink(t.app, v.path);
  const res = await postForm(main, "/portal", "/portal/delegations", {
    role: "cfo",
    name: "Fin Lead",
    email: "fin@acme.example",
  });
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe("/portal?delegated=cfo");
  return { ...t, ...v, main, overview: (await main.get(res.headers.location!)).text };
}

describe("handing a section to a colleague", () => {
  it("without a mail server gives the main contact the colleague's link to pass on, and says no email was sent", async () => {
    const { app, overview } = await delegateCfo();
    const $ = dom(overview);
    const flash = pageText($("#delegated").html()!);
    expect(flash).toContain("“Finance and price structure” is handed to Fin Lead.");
    expect(flash).toContain("No email was sent: this Truecost server does not send mail.");
    const link = $("#delegated-link").attr("value")!;
    expect(link).toMatch(/^http:\/\/[^/]+\/v\/[A-Za-z0-9_-]{20,}$/);
    expect($('button[data-copy="delegated-link"]').text()).toBe("Copy link");
    // The link shown is the colleague's: it opens the delegated section and nothing else.
    const colleague = await openLink(app, new URL(link).pathname);
    expect((await colleague.get("/portal")).headers.location).toBe("/portal/sections/cfo");
    expect((await colleague.get("/portal/sections/cto")).status).toBe(404);
  });

  it("with a mail server says the colleague was emailed, and keeps a copy of the link behind a disclosure", async () => {
    const { overview, db } = await delegateCfo({ SMTP_URL: "smtp://127.0.0.1:1" });
    const $ = dom(overview);
    expect(pageText($("#delegated").html()!)).toContain("We emailed them their own link at fin@acme.example");
    expect($("#delegated-link")).toHaveLength(0);
    const status = db.prepare("SELECT status FROM email_outbox WHERE kind = 'delegation'").pluck().get();
    expect(status).toBe("pending");
  });

  it("tells the colleague who asked, which section and by when, and lets them hand it back", async () => {
    const { app, db, overview, main, evaluationId } = await delegateCfo();
    const colleague = await openLink(app, new URL(dom(overview)("#delegated-link").attr("value")!).pathname);
    const first = dom((await colleague.get("/portal/sections/cfo")).text);
    const intro = pageText(first("#handed-to-you").html()!);
    expect(intro).toContain("You were asked to answer this section");
    expect(intro).toMatch(/Casey Vendor \(casey@acme\.example\) at Acme AI handed you this section/);
    expect(intro).toMatch(/\d+ questions, about \d+ minutes\. It is due \d{1,2} \w+ \d{4}\./);
    expect(intro).toContain("only they can submit");
    expect(first("#handed-to-you button").text()).toBe("I have finished: tell Casey Vendor");

    const done = await postForm(colleague, "/portal/sections/cfo", "/portal/hand-back", {});
    expect(done.headers.location).toBe("/portal/sections/cfo?handed=1");
    expect(pageText((await colleague.get(done.headers.location!)).text)).toContain(
      "Casey Vendor has been told that this section is finished.",
    );
    const later = pageText(dom((await colleague.get("/portal/sections/cfo")).text)("#handed-to-you").html()!);
    expect(later).toMatch(/You told Casey Vendor on .+ that this section is finished/);

    const mail = db.prepare("SELECT to_addr AS toAddr, subject FROM email_outbox WHERE kind = 'handed_back'").get() as {
      toAddr: string;
      subject: string;
    };
    expect(mail).toEqual({
      toAddr: "casey@acme.example",
      subject: 'Fin Lead has finished the CFO and finance section for "Document triage assistant"',
    });
    expect(auditActions(db, evaluationId)).toContain("vendor.section_handed_back");
    expect(pageText((await main.get("/portal")).text)).toMatch(
      /Handed to Fin Lead \(fin@acme\.example\)\. They finished it on/,
    );
    // Only a colleague hands back: the main contact has nothing to hand back to.
    expect((await postForm(main, "/portal", "/portal/hand-back", {})).status).toBe(403);
  });
});
