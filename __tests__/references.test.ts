import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "./support/tools";

/**
 * Project paths a document cites in backticks (`lib/…`, `__tests__/…`, `examples/…`, …), without
 * wildcards or placeholders. `environments/…` is left out: it names a team's own files, which the
 * project ships none of.
 */
function citedPaths(document: string): string[] {
  const text = fs.readFileSync(path.join(REPO, document), "utf8");
  const cited = [...text.matchAll(/`((?:lib|modules|stacks|scripts|__tests__|docs|examples|\.github)\/[\w./-]+)`/g)].map((m) => m[1]);
  return [...new Set(cited)].sort();
}

test.each(["README.md", "docs/checks.md"])("GIVEN %s WHEN the project paths it cites are looked up THEN each is in the repository", (document) => {
  const cited = citedPaths(document);
  expect(cited.length).toBeGreaterThan(10);
  expect(cited.filter((p) => !fs.existsSync(path.join(REPO, p)))).toEqual([]);
});
