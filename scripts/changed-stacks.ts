/**
 * `npm run changed-stacks -- <base stack-hashes.json> <head stack-hashes.json>`: prints
 * `{"changed":[...],"removed":[...],"bootstrap":[...]}`: the stacks a pull request must plan, stacks it
 * removes, and bootstrap stacks it changes (an administrator applies those).
 * A missing base file (first run) means every head stack changed.
 */
import * as fs from "node:fs";
import { changedStacks, readManifest } from "../lib/synth/stack-manifest";

const [base, head, ...rest] = process.argv.slice(2);
if (!base || !head || rest.length > 0) {
  console.error("usage: npm run changed-stacks -- <base stack-hashes.json> <head stack-hashes.json>");
  process.exit(2);
}
try {
  const before = fs.existsSync(base) ? readManifest(base) : {};
  console.log(JSON.stringify(changedStacks(before, readManifest(head))));
} catch (error) {
  console.error(`changed-stacks: ${(error as Error).message}`);
  process.exit(2);
}
