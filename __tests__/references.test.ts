import * as fs from "node:fs";
import * as path from "node:path";
import { environmentSchemaJson, REFERENCE_FILES, rulesReference } from "../lib/devtools/reference/generate";
import { docPages } from "./support/docs";
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

test.each(docPages())("GIVEN %s WHEN the project paths it cites are looked up THEN each is in the repository", (document) => {
  const cited = citedPaths(document);
  expect(cited.filter((p) => !fs.existsSync(path.join(REPO, p)))).toEqual([]);
});

test("GIVEN the pages WHEN their cited project paths are counted THEN the check has something to check", () => {
  // A page may cite none (environments/README.md); together they cite well over a hundred.
  expect(docPages().flatMap(citedPaths).length).toBeGreaterThan(100);
});

test.each(Object.values(REFERENCE_FILES))("GIVEN %s WHEN generated from the code again THEN it is what is committed (npm run reference writes it)", (file) => {
  const generated = file === REFERENCE_FILES.environmentSchema ? environmentSchemaJson() : rulesReference();
  expect(fs.readFileSync(path.join(REPO, file), "utf8")).toBe(generated);
});

test("GIVEN the example environment files WHEN read THEN each names the schema for editors, and the schema accepts what the loader accepts", () => {
  const schema = JSON.parse(environmentSchemaJson()) as { properties: Record<string, unknown>; required: string[] };
  for (const name of ["dev", "staging", "prod"]) {
    const text = fs.readFileSync(path.join(REPO, "examples", "environments", `${name}.yaml`), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../../docs/environment.schema.json");
  }
  expect(schema.required).toEqual(expect.arrayContaining(["account", "region", "connect", "ssoApplication"]));
  expect(Object.keys(schema.properties)).toContain("users");
});
