import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root: the nearest folder above this file that holds package.json (works from src/ and dist/src/). */
function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const VIEWS_DIR = join(ROOT, "views");
export const QUESTIONS_DIR = join(ROOT, "questions");
export const MIGRATIONS_DIR = join(ROOT, "src", "db", "migrations");
export const PUBLIC_DIR = join(ROOT, "views", "static");

/** Resolves a path given on the command line or in the environment against the working directory. */
export function resolveFromCwd(p: string): string {
  return resolve(process.cwd(), p);
}
