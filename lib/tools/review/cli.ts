/**
 * `npm run review -- [--consents <file.json>]... [--consent <stack>:<target>]... [--removed-stack <stack>]... <plan.json>...`:
 * Markdown for a pull request from saved plans, and the gate over them. Exit 0 when every gated
 * change has consent, 1 when one lacks it, 2 when the input cannot be used (one line on stderr).
 */
import * as path from "node:path";
import { parseStackName } from "../../rules/sharding";
import { asksForHelp, lines, readCommandLine, type ToolMain } from "../io";
import { PlanFormatError, readPlanFile } from "../plan/read";
import { ChangedFilesError, changedFiles } from "./changed-files";
import { reviewPlan } from "./classify";
import { consentFromFlag, ConsentFormatError, consentLine, readConsentsFile, type Consent } from "./consent";
import { consentTarget, gate, type StackReview } from "./gate";
import { renderRun } from "./markdown";

const USAGE =
  "usage: npm run review -- [--consents <file.json>]... [--consent <stack>:<target>]... [--removed-stack <stack>]... [--since <commit> [--head <commit>]] <plan.json>... " +
  "(each plan from `terraform show -json <planfile>`, in a file or folder named after its stack, e.g. plans/connect-sso-prod.json; " +
  "--since: the commit before the change, whose files the change's files are compared with, so that a change to the gate's own files needs consent too)";

const REPLACED_FLAG =
  "--allow-delete is gone: consent is now scoped to one stack and one target. Use --consent <stack>:<target> " +
  "(e.g. --consent connect-sso-prod:bob.martin@example.com), --consents <file.json> (from npm run consents), " +
  'and --removed-stack <stack> for a stack that disappears (its consent target is "retire")';

/** The stack a plan file belongs to: the nearest part of its path named `connect-sso-<env>[-users-<n>]` (before any extension). */
function stackLabel(file: string): string | undefined {
  const parts = path.resolve(file).split(path.sep).reverse();
  return parts
    .map((p) => /^connect-sso-[a-z0-9-]+?(?=\.|$)/.exec(p)?.[0])
    .find((name): name is string => name !== undefined && parseStackName(name) !== undefined);
}

class InputError extends Error {}

/**
 * The run's inputs, checked; throws InputError (the command line: usage follows), PlanFormatError
 * (a plan file) or ConsentFormatError (a consent), each naming what is wrong.
 */
function readInputs(argv: string[], now: Date): { plans: StackReview[]; removed: string[]; consents: Consent[]; changed: string[] } {
  if (argv.some((a) => a === "--allow-delete" || a.startsWith("--allow-delete="))) throw new InputError(REPLACED_FLAG);
  const args = readCommandLine(
    argv,
    {
      consents: { type: "string", multiple: true },
      consent: { type: "string", multiple: true },
      "removed-stack": { type: "string", multiple: true },
      since: { type: "string" },
      head: { type: "string" },
    },
    (message) => new InputError(message),
  );
  const removed = [...new Set(args.values["removed-stack"] ?? [])];
  const { since, head } = args.values;
  if (head !== undefined && since === undefined) throw new InputError("--head goes with --since: the two commits whose files are compared");
  const changed = since === undefined ? [] : changedFiles(since, head ?? "HEAD");
  if (args.positionals.length === 0 && removed.length === 0 && since === undefined) throw new InputError("no plan file given");
  for (const stack of removed) {
    if (!parseStackName(stack))
      throw new InputError(`--removed-stack ${JSON.stringify(stack)} is not a stack name; expected connect-sso-<env> or connect-sso-<env>-users-<n>`);
  }
  const consents = [...(args.values.consent ?? []).map(consentFromFlag), ...(args.values.consents ?? []).flatMap(readConsentsFile)];
  const files = new Map<string, string>();
  const plans: StackReview[] = [];
  for (const file of args.positionals) {
    const stack = stackLabel(file);
    if (!stack)
      throw new PlanFormatError(`${file}: cannot tell its stack; name the file or a folder above it after the stack, e.g. plans/connect-sso-prod.json`);
    const other = files.get(stack);
    if (other !== undefined) throw new PlanFormatError(`${other} and ${file} are both plans of ${stack}; give one plan per stack`);
    files.set(stack, file);
    try {
      plans.push({ stack, review: reviewPlan(readPlanFile(file), now) });
    } catch (error) {
      if (error instanceof PlanFormatError) throw new PlanFormatError(`${file}: ${error.message}`);
      throw error;
    }
  }
  return { plans, removed, consents, changed };
}

export function runReview(argv: string[], out: (text: string) => void, err: (text: string) => void, now: Date = new Date()): number {
  if (asksForHelp(argv)) {
    out(`${USAGE}\n`);
    return 0;
  }
  let inputs: ReturnType<typeof readInputs>;
  try {
    inputs = readInputs(argv, now);
  } catch (error) {
    if (!(error instanceof InputError || error instanceof PlanFormatError || error instanceof ConsentFormatError || error instanceof ChangedFilesError))
      throw error;
    err(`review: ${error.message}${error instanceof InputError ? `\n${USAGE}` : ""}`);
    return 2;
  }
  const result = gate(inputs.plans, inputs.removed, inputs.consents, inputs.changed);
  out(renderRun(inputs.plans, inputs.removed, result));
  const refused = result.gated.filter((g) => g.consents.length === 0);
  if (refused.length > 0) {
    err(
      [
        `review: ${refused.length} gated change(s) lack consent; each needs its line in an approving review (or --consent <stack>:<target> when you run the review):`,
        ...new Set(refused.map((g) => `  ${consentLine(g.change.stack, consentTarget(g.change))}`)),
      ].join("\n"),
    );
    return 1;
  }
  return 0;
}

/** `npm run review`'s entry (ToolMain). */
export const reviewMain: ToolMain = (argv, _variables, io) => runReview(argv, lines(io), io.err);
