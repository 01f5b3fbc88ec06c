/**
 * The README is what a newcomer reads first: short, the two commands that install and check the
 * project (the ones CI runs), the main job, a first environment near the top, and a map that
 * reaches every page of docs/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { docPages, readPage } from "./support/docs";
import { REPO } from "./support/tools";

const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");

/** The commands of the README's first shell block, comments dropped. */
function firstShellBlock(): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(readme)![1];
  return block
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line !== "");
}

test("GIVEN the README WHEN its lines are counted THEN there are at most 250", () => {
  expect(readme.split("\n").length).toBeLessThanOrEqual(250);
});

test("GIVEN the README's first commands WHEN read THEN they are npm ci, then npm test, then the main job npm run synth", () => {
  expect(firstShellBlock().slice(0, 3)).toEqual(["npm ci", "npm test", "npm run synth"]);
});

test("GIVEN .ci/run WHEN its npm commands are read THEN it installs with npm ci and runs exactly the README's test command", () => {
  const commands = fs
    .readFileSync(path.join(REPO, ".ci", "run"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("npm "));
  // npm ci's flags only quieten the log; the test command must be the README's, word for word.
  expect(commands.map((c) => c.split(" ").slice(0, 2).join(" "))).toEqual(firstShellBlock().slice(0, 2));
  expect(commands.at(-1)).toBe(firstShellBlock()[1]);
});

test('GIVEN the README WHEN its headings are read THEN "Your first environment" is among the first sections (messages and environments/README.md cite it)', () => {
  const headings = readPage("README.md").headings;
  expect(headings.indexOf("Your first environment")).toBeGreaterThan(0);
  expect(headings.indexOf("Your first environment")).toBeLessThanOrEqual(4);
});

test("GIVEN the pages of docs/ WHEN the README's map is read THEN it links every one", () => {
  const linked = new Set(readPage("README.md").links.map((href) => href.split("#")[0]));
  expect(docPages().filter((page) => page.startsWith("docs/") && !linked.has(page))).toEqual([]);
});
