/**
 * `npm run pipeline -- <command>`: the steps the workflow runs on synthesized stacks
 * (lib/tools/pipeline/commands.ts). Exit 0 done, 1 terraform failed, 2 bad input or a refusal.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { postReviewComment } from "../lib/tools/pipeline/comment";
import { applyStack, contextFromVariables, pendingStacks, PipelineInputError, planStack } from "../lib/tools/pipeline/commands";
import { clientOptionsFromEnv, GitHubApiError, GitHubClient } from "../lib/tools/pipeline/github";

const USAGE = `usage:
  npm run pipeline -- plan <stack> [--no-lock]   init, plan -out, show -json into plans/<stack>.json (--no-lock: read-only plans)
  npm run pipeline -- apply <stack>              apply the stack's saved plan file, then record it beside the state
  npm run pipeline -- pending <env>              JSON: stacks whose applied record differs from this synth, and the commits since
  npm run pipeline -- comment <pr> <file> --repo <owner/name>   post the review file as a pull-request comment (GITHUB_TOKEN, GITHUB_API_URL)`;

async function main(argv: string[]): Promise<number> {
  const ctx = contextFromVariables(process.env, { log: (line) => console.error(line), out: (text) => console.log(text) });
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { "no-lock": { type: "boolean", default: false }, repo: { type: "string" } } });
  } catch (error) {
    console.error(`pipeline: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, target, ...rest] = args.positionals;
  if (command === "comment") return comment(target, rest, args.values.repo);
  if (!command || !target || rest.length > 0 || !["plan", "apply", "pending"].includes(command)) {
    console.error(`pipeline: ${command ? `cannot read ${JSON.stringify(args.positionals.join(" "))}` : "no command given"}\n${USAGE}`);
    return 2;
  }
  try {
    if (command === "plan") return planStack(ctx, target, { lock: !args.values["no-lock"] });
    if (command === "apply") return await applyStack(ctx, target);
    ctx.out(JSON.stringify(await pendingStacks(ctx, target)));
    return 0;
  } catch (error) {
    if (!(error instanceof PipelineInputError)) throw error;
    console.error(`pipeline: ${error.message}`);
    return 2;
  }
}

async function comment(pr: string | undefined, rest: string[], repository: string | undefined): Promise<number> {
  if (!pr || !/^[1-9]\d*$/.test(pr) || rest.length !== 1 || !repository || !/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    console.error(`pipeline: comment needs a pull request number, one file and --repo <owner/name>\n${USAGE}`);
    return 2;
  }
  let markdown: string;
  try {
    markdown = fs.readFileSync(rest[0], "utf8");
  } catch (error) {
    console.error(`pipeline: comment: cannot read ${rest[0]}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 2;
  }
  try {
    await postReviewComment(new GitHubClient(clientOptionsFromEnv(process.env)), repository, Number(pr), markdown);
    return 0;
  } catch (error) {
    if (!(error instanceof GitHubApiError)) throw error;
    console.error(`pipeline: comment: ${error.message}`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`pipeline: unexpected failure: ${error.message}`);
    process.exitCode = 1;
  },
);
