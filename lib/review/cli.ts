/**
 * `npm run review -- [--allow-delete <address|user>]... <plan.json>...`: Markdown for a pull
 * request from saved plans; exit 1 when a plan deletes or replaces identity resources the run did
 * not allow, 2 on bad input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { asPlan, PlanFormatError, reviewPlan } from "./classify";
import { renderReview } from "./markdown";

export const USAGE = "usage: npm run review -- [--allow-delete <address|user name>]... <plan.json>... (each from `terraform show -json <planfile>`)";

/** The stack a plan file belongs to: a `connect-sso-…` part of its path, else its file name. */
export function stackLabel(file: string): string {
  const parts = path.resolve(file).split(path.sep).reverse();
  const named = parts.map((p) => /connect-sso-[a-z0-9-]+?(?=\.|$)/.exec(p)?.[0]).find(Boolean);
  return named ?? path.basename(file).replace(/(\.tfplan)?\.json$/, "");
}

export function runReview(argv: string[], out: (text: string) => void, err: (text: string) => void): number {
  let args: ReturnType<typeof parse>;
  const parse = (a: string[]) => parseArgs({ args: a, allowPositionals: true, options: { "allow-delete": { type: "string", multiple: true } } });
  try {
    args = parse(argv);
  } catch (error) {
    err(`review: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.positionals.length === 0) {
    err(`review: no plan file given\n${USAGE}`);
    return 2;
  }
  const allow = args.values["allow-delete"] ?? [];
  const sections: string[] = [];
  let blocked = 0;
  for (const file of args.positionals) {
    let plan;
    try {
      plan = asPlan(JSON.parse(fs.readFileSync(file, "utf8")));
    } catch (error) {
      const why = error instanceof PlanFormatError || error instanceof SyntaxError ? error.message : (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
      err(`review: ${file}: ${error instanceof SyntaxError ? `is not JSON (${why})` : why}`);
      return 2;
    }
    const review = reviewPlan(plan, allow);
    blocked += review.guarded.filter((g) => !g.allowed).length;
    sections.push(renderReview(stackLabel(file), review));
  }
  out(["# Plan review", "", ...sections].join("\n"));
  if (blocked > 0) {
    err(`review: ${blocked} deletion(s) or replacement(s) of identity resources were not allowed; re-run with --allow-delete for each that may go`);
    return 1;
  }
  return 0;
}
