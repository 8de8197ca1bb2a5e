import type { Express } from "express";
import request from "supertest";
import { expect } from "vitest";
import { PASSWORD } from "./factories.js";
import { csrfOf, textAt } from "./html.js";

export type Agent = ReturnType<typeof request.agent>;
/** What supertest drives: the app itself, or the URL of a server already listening. */
export type Target = Express | string;

export { csrfOf };

/** An agent signed in as `email`. */
export async function signIn(app: Target, email: string): Promise<Agent> {
  const agent = request.agent(app);
  const page = await agent.get("/login");
  const res = await agent
    .post("/login")
    .type("form")
    .send({ _csrf: csrfOf(page.text), email, password: PASSWORD });
  expect(res.status, res.text.slice(0, 500)).toBe(303);
  return agent;
}

/** Posts a form the way a browser does: first loads `from` for its CSRF token. */
export async function postForm(agent: Agent, from: string, to: string, fields: Record<string, string | string[]>) {
  const page = await agent.get(from);
  return agent
    .post(to)
    .type("form")
    .send({ _csrf: csrfOf(page.text), ...fields });
}

/** The message shown next to a field. */
export function fieldError(html: string, field: string): string | undefined {
  const id = "f-" + field.replace(/[^\w-]/g, "-");
  return textAt(html, `[id="${id}-error"]`) ?? textAt(html, `[id="${field}-error"]`);
}

/** A GET whose body is read as bytes (a PDF, a workbook), with its response. */
export function getBytes(agent: Agent, url: string) {
  return agent
    .get(url)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on("data", (c: Buffer) => chunks.push(c));
      r.on("end", () => done(null, Buffer.concat(chunks)));
    });
}
