/**
 * `npm run pipeline -- <command>`: the steps the workflow runs on synthesized stacks
 * (commands.ts), and posting the review as a comment. Exit 0 done, 1 the gate refused or terraform
 * failed (or an unexpected failure), 2 bad input or a refusal to act (an old commit, no plan file).
 */
import * as fs from "node:fs";
import { postReviewComment } from "./comment";
import { asksForHelp, lines, readCommandLine, type ToolMain } from "../io";
import { consentFromFlag, ConsentFormatError, readConsentsFile } from "../review/consent";
import { applyStacks, contextFromVariables, pendingStacks, planStack, type CommandIo } from "./commands";
import { PipelineInputError } from "./errors";
import { clientOptionsFromEnv, GitHubApiError, GitHubClient } from "./github";

const USAGE = `usage:
  npm run pipeline -- plan <stack> [--no-lock | --fast-refresh]   init, plan -out, show -json into plans/<stack>.json
                                                 (--no-lock: read-only plans; --fast-refresh: refresh in state only the Connect users
                                                 a bulk read found changed, and the other resources, then plan with -refresh=false)
  npm run pipeline -- apply <stack>... [--consents <file>]... [--consent <stack>:<target>]... --since <commit> [--review <file.md>]
                                                 gate the stacks' saved plan files (together) with the consents, then apply each
                                                 and record it beside its state; nothing is applied when the gate refuses, or when the
                                                 commit is older than what was applied or (in GitHub Actions) not the tip of main.
                                                 --since: the commit before the change (files of the gate changed since need consent;
                                                 required in a pipeline); --review: append the review's Markdown to this file
  npm run pipeline -- pending <env>              JSON: stacks whose applied record differs from this synth, and the commits since
  npm run pipeline -- comment <pr> <file> --repo <owner/name>   post the review file as a pull-request comment (GITHUB_TOKEN, GITHUB_API_URL)`;

/**
 * Runs one command with `env` as its variables (CDKTF_OUTDIR, CONNECT_SSO_ENVIRONMENTS, CI,
 * GITHUB_*). Never throws: every failure is a message on `io.log` and an exit code.
 */
export async function runPipeline(argv: string[], env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> {
  if (asksForHelp(argv)) {
    io.out(USAGE);
    return 0;
  }
  try {
    return await run(argv, env, io);
  } catch (error) {
    // A bug or an AWS failure: one line, not a stack trace; the workflow step fails.
    io.log(`pipeline: unexpected failure: ${(error as Error).message}`);
    return 1;
  }
}

async function run(argv: string[], env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> {
  const ctx = contextFromVariables(env, io);
  let args;
  try {
    args = readCommandLine(
      argv,
      {
        "no-lock": { type: "boolean", default: false },
        "fast-refresh": { type: "boolean", default: false },
        repo: { type: "string" },
        consents: { type: "string", multiple: true },
        consent: { type: "string", multiple: true },
        since: { type: "string" },
        review: { type: "string" },
      },
      (message) => new PipelineInputError(message),
    );
  } catch (error) {
    io.log(`pipeline: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, target, ...rest] = args.positionals;
  if (command === "comment") return comment(target, rest, args.values.repo, env, io);
  const problem = !command
    ? "no command given"
    : !["plan", "apply", "pending"].includes(command)
      ? `unknown command ${JSON.stringify(command)}; allowed: plan, apply, pending, comment`
      : !target
        ? `${command}: no ${command === "pending" ? "environment" : "stack"} given`
        : rest.length > 0 && command !== "apply"
          ? `${command} takes one ${command === "pending" ? "environment" : "stack"}, not ${rest.length + 1}`
          : undefined;
  if (problem) {
    io.log(`pipeline: ${problem}\n${USAGE}`);
    return 2;
  }
  try {
    if (command === "plan") return await planStack(ctx, target, { lock: !args.values["no-lock"], fastRefresh: args.values["fast-refresh"] });
    if (command === "apply") {
      const consents = [...(args.values.consent ?? []).map(consentFromFlag), ...(args.values.consents ?? []).flatMap(readConsentsFile)];
      return await applyStacks(ctx, [target, ...rest], { consents, since: args.values.since, reviewFile: args.values.review });
    }
    ctx.out(JSON.stringify(await pendingStacks(ctx, target)));
    return 0;
  } catch (error) {
    if (!(error instanceof PipelineInputError || error instanceof ConsentFormatError)) throw error;
    io.log(`pipeline: ${error.message}`);
    return 2;
  }
}

async function comment(pr: string | undefined, rest: string[], repository: string | undefined, env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> {
  if (!pr || !/^[1-9]\d*$/.test(pr) || rest.length !== 1 || !repository || !/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    io.log(`pipeline: comment needs a pull request number, one file and --repo <owner/name>\n${USAGE}`);
    return 2;
  }
  let markdown: string;
  try {
    markdown = fs.readFileSync(rest[0], "utf8");
  } catch (error) {
    io.log(`pipeline: comment: cannot read ${rest[0]}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 2;
  }
  try {
    await postReviewComment(new GitHubClient(clientOptionsFromEnv(env)), repository, Number(pr), markdown);
    return 0;
  } catch (error) {
    if (!(error instanceof GitHubApiError)) throw error;
    io.log(`pipeline: comment: ${error.message}`);
    return 2;
  }
}

/** `npm run pipeline`'s entry (ToolMain). */
export const pipelineMain: ToolMain = (argv, variables, io) => runPipeline(argv, variables, { log: io.err, out: lines(io) });
