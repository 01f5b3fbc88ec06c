/**
 * `npm run changed-stacks -- <base stack-hashes.json> <head stack-hashes.json>`: prints
 * `{"changed":[...],"removed":[...],"bootstrap":[...]}`: the stacks a pull request must plan, stacks it
 * removes, and bootstrap stacks it changes (an administrator applies those). Exit 0, or 2 on bad input.
 */
import * as fs from "node:fs";
import { changedStacks, readManifest } from "../../synth/stack-manifest";
import { asksForHelp, lines, readCommandLine, type ToolMain } from "../io";
import type { CommandIo } from "./commands";

const USAGE = "usage: npm run changed-stacks -- <base stack-hashes.json> <head stack-hashes.json>";

/** Runs the command. A missing base file (a first run) means every head stack changed; a missing head file is refused. */
export function runChangedStacks(argv: ReadonlyArray<string>, io: CommandIo): number {
  if (asksForHelp(argv)) {
    io.out(USAGE);
    return 0;
  }
  let positionals: string[];
  try {
    positionals = readCommandLine([...argv], {}, (message) => new Error(message)).positionals;
  } catch (error) {
    io.log(`changed-stacks: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [base, head, ...rest] = positionals;
  if (!base || !head || rest.length > 0) {
    io.log(
      `changed-stacks: ${!base ? "no base stack-hashes.json given" : !head ? "no head stack-hashes.json given" : `two files, not ${positionals.length}`}\n${USAGE}`,
    );
    return 2;
  }
  try {
    const before = fs.existsSync(base) ? readManifest(base) : {};
    io.out(JSON.stringify(changedStacks(before, readManifest(head))));
    return 0;
  } catch (error) {
    io.log(`changed-stacks: ${(error as Error).message}`);
    return 2;
  }
}

/** `npm run changed-stacks`'s entry (ToolMain). */
export const changedStacksMain: ToolMain = (argv, _variables, io) => runChangedStacks(argv, { log: io.err, out: lines(io) });
