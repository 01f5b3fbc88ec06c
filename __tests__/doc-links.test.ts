/**
 * The documentation holds together: every relative link of a page reaches a file of the
 * repository and, with a #fragment, a heading of it (GitHub's anchors); every section that a
 * message, a workflow comment or a page cites by name (`docs/gitops.md, "Remote state"`) is a
 * heading of that file; every docs/ file the code names exists. A page split or a heading renamed
 * fails here, not in front of a user following the pointer.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { docPages, githubSlug, readPage } from "./support/docs";
import { REPO } from "./support/tools";

/** Folders whose text (messages, comments, workflow files) may cite the docs. */
const CITING_FOLDERS = ["lib", "scripts", "modules", "stacks", ".github"];
const CITING_EXTENSIONS = /\.(ts|js|mjs|json|ya?ml|md)$|(^|\/)CODEOWNERS$/;

function filesUnder(folder: string): string[] {
  return fs
    .readdirSync(path.join(REPO, folder), { recursive: true, encoding: "utf8" })
    .map((file) => path.posix.join(folder, file.split(path.sep).join("/")))
    .filter((file) => CITING_EXTENSIONS.test(file) && fs.statSync(path.join(REPO, file)).isFile());
}

/** The project's own configuration at the top: its comments cite the docs too. */
const TOP_FILES = ["main.ts", "eslint.config.mjs", "jest.config.js", "package.json", ".ci/run"];

const citingFiles = (): string[] => [...CITING_FOLDERS.flatMap(filesUnder), ...TOP_FILES, ...docPages()];

interface Citation {
  in: string;
  file: string;
  section: string;
}

/**
 * Sections cited by name. `<file>.md, "<Section>"` names a file relative to the repository; the
 * README's own forms (`README: "<Section>"`, `README "<Section>"`, `"<Section>" in the README`) name
 * README.md. Quotes may be JSON-escaped (`\"`), as in the generated schema.
 */
function citations(source: string, where: string): Citation[] {
  const found: Citation[] = [];
  for (const m of source.matchAll(/([\w./-]+\.md),? \\?"([^"\\\n]+)\\?"/g)) found.push({ in: where, file: m[1], section: m[2] });
  for (const m of source.matchAll(/\bREADME:? \\?"([^"\\\n]+)\\?"/g)) found.push({ in: where, file: "README.md", section: m[1] });
  for (const m of source.matchAll(/\\?"([^"\\\n]+)\\?" in the README\b/g)) found.push({ in: where, file: "README.md", section: m[1] });
  return found;
}

/** What is wrong with one relative link of `page`, or undefined when it resolves. */
function brokenLink(page: string, href: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) return undefined; // another site's
  const [target, fragment] = href.split("#", 2);
  const file = target === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURIComponent(target)));
  if (file.startsWith("../")) return `${href}: leaves the repository`;
  if (!fs.existsSync(path.join(REPO, file))) return `${href}: no file ${file}`;
  if (fragment === undefined || fragment === "") return undefined;
  if (!file.endsWith(".md")) return `${href}: a fragment into ${file}, which has no headings`;
  return readPage(file).anchors.has(decodeURIComponent(fragment)) ? undefined : `${href}: ${file} has no heading with the anchor #${fragment}`;
}

test.each(docPages())("GIVEN %s WHEN each relative link is followed THEN it reaches an existing file and, with a fragment, a heading of it", (page) => {
  const broken = readPage(page)
    .links.map((href) => brokenLink(page, href))
    .filter((problem) => problem !== undefined);
  expect(broken).toEqual([]);
});

test("GIVEN the code, the workflows and the pages WHEN every section they cite by name is looked up THEN the file has that heading", () => {
  const cited = citingFiles().flatMap((file) => citations(fs.readFileSync(path.join(REPO, file), "utf8"), file));
  // The messages of synth, doctor, pipeline and new-env and the workflows' comments cite dozens.
  expect(cited.length).toBeGreaterThan(25);
  const missing = cited
    .filter((c) => !fs.existsSync(path.join(REPO, c.file)) || !readPage(c.file).headings.includes(c.section))
    .map((c) => `${c.in}: ${c.file}, "${c.section}"`);
  expect(missing).toEqual([]);
});

test("GIVEN the code and the workflows WHEN every docs/ file they name is looked up THEN it exists", () => {
  const named = CITING_FOLDERS.flatMap(filesUnder).flatMap((file) =>
    [...fs.readFileSync(path.join(REPO, file), "utf8").matchAll(/\bdocs\/[\w./-]*\.(?:md|json)\b/g)].map((m) => ({ in: file, path: m[0] })),
  );
  expect(named.length).toBeGreaterThan(10);
  expect(named.filter((n) => !fs.existsSync(path.join(REPO, n.path))).map((n) => `${n.in}: ${n.path}`)).toEqual([]);
});

test("GIVEN the pages, the code and the workflows WHEN searched for how the project was made THEN no issue number, no one machine and no dated measurement shows", () => {
  // The product speaks of what it does; issues, work sessions and one machine's timings belong to
  // the history (git log), and targets or `npm run bench` replace measurements.
  const process = /\bissue \d+|\bthis machine\b|\bmeasured on\b|\bmeasured here\b|\bchecked on this\b/i;
  const found = citingFiles()
    .filter((file) => file !== "__tests__/README.md")
    .flatMap((file) =>
      fs
        .readFileSync(path.join(REPO, file), "utf8")
        .split("\n")
        .map((line, i) => ({ file, line: i + 1, text: line }))
        .filter((l) => process.test(l.text)),
    )
    .map((l) => `${l.file}:${l.line}: ${l.text.trim()}`);
  expect(found).toEqual([]);
});

describe("the checker itself", () => {
  test("GIVEN headings with code, punctuation and a repeat WHEN slugged THEN they get GitHub's anchors", () => {
    expect(githubSlug("Pipeline IAM: the bootstrap stack")).toBe("pipeline-iam-the-bootstrap-stack");
    expect(githubSlug("Pull requests with -refresh=false, drift on a schedule")).toBe("pull-requests-with--refreshfalse-drift-on-a-schedule");
    expect(githubSlug("The Connect / sso-admin fake")).toBe("the-connect--sso-admin-fake");
    expect(readPage("docs/gitops.md").anchors).toContain("what-the-roles-may-do");
  });

  test("GIVEN a link to a missing file, a missing heading and another site WHEN checked THEN only the first two are broken", () => {
    expect(brokenLink("docs/gitops.md", "missing.md")).toBe("missing.md: no file docs/missing.md");
    expect(brokenLink("docs/gitops.md", "drift.md#no-such-heading")).toBe(
      "drift.md#no-such-heading: docs/drift.md has no heading with the anchor #no-such-heading",
    );
    expect(brokenLink("docs/gitops.md", "#remote-state")).toBeUndefined();
    expect(brokenLink("docs/gitops.md", "https://docs.aws.amazon.com/#x")).toBeUndefined();
  });

  test("GIVEN each citation form WHEN read THEN the file and section are found", () => {
    expect(citations(`(docs/gitops.md, "Remote state") README: "A" README "B" follow "C" in the README {\\"x.md, \\"D\\"}`, "f")).toEqual([
      { in: "f", file: "docs/gitops.md", section: "Remote state" },
      { in: "f", file: "x.md", section: "D" },
      { in: "f", file: "README.md", section: "A" },
      { in: "f", file: "README.md", section: "B" },
      { in: "f", file: "README.md", section: "C" },
    ]);
  });
});
