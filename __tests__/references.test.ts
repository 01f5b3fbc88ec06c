import * as fs from "node:fs";
import * as path from "node:path";
import { marked } from "marked";
import { BOOTSTRAP_STACK_OUTPUTS, MAIN_STACK_OUTPUTS, outputDescription } from "../lib/rules/outputs";
import { environmentFileReference, environmentSchemaJson, REFERENCES, stackOutputsReference } from "../lib/devtools/reference/generate";
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

test.each(REFERENCES)("GIVEN %s WHEN generated from the code again THEN it is what is committed (npm run reference writes it)", (file, generate) => {
  expect(fs.readFileSync(path.join(REPO, file), "utf8")).toBe(generate());
});

test.each(["docs/reference/environment-file.md", "docs/reference/stack-outputs.md", "docs/reference/commands.md", "docs/reference/toolchain.md"])(
  "GIVEN %s WHEN the project paths it cites are looked up THEN each is in the repository",
  (document) => {
    expect(citedPaths(document).filter((p) => !fs.existsSync(path.join(REPO, p)))).toEqual([]);
  },
);

interface SchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** Every field of a JSON Schema, by path (`users[].username`). */
function fields(node: SchemaNode, prefix = ""): Array<[string, SchemaNode]> {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]): Array<[string, SchemaNode]> => [
    [`${prefix}${key}`, child],
    ...fields(child.items ?? child, child.items ? `${prefix}${key}[].` : `${prefix}${key}.`),
  ]);
}

describe("the environment file's reference", () => {
  const schema = JSON.parse(environmentSchemaJson()) as SchemaNode;

  test("GIVEN the zod schema WHEN turned into JSON Schema THEN every field, nested ones and those of a user included, carries its description", () => {
    const all = fields(schema);
    expect(all.length).toBeGreaterThan(60);
    expect(all.filter(([, node]) => !node.description?.trim()).map(([p]) => p)).toEqual([]);
  });

  test("GIVEN the reference page WHEN rendered as GitHub renders Markdown THEN it has one row per field, with its description, and no text lost to HTML", () => {
    const html = marked.parse(environmentFileReference(), { async: false });
    const rows = [...html.matchAll(/<tr>\s*<td><code>([^<]+)<\/code><\/td>([\s\S]*?)<\/tr>/g)].map((m) => [m[1], m[2]] as const);
    expect(rows.map(([p]) => p)).toEqual(fields(schema).map(([p]) => p));
    expect(rows.find(([p]) => p === "users[].phoneType")?.[1]).toMatch(
      /default <code>SOFT_PHONE<\/code>.*<code>SOFT_PHONE<\/code>, <code>DESK_PHONE<\/code>.*desk phone/s,
    );
    expect(rows.find(([p]) => p === "backend.s3.key")?.[1]).toContain("connect-sso/&lt;env&gt;/terraform.tfstate");
    expect(rows.find(([p]) => p === "region")?.[1]).toContain("(us-gov-*, cn-*)");
    expect(html).not.toMatch(/<(em|strong)>/);
  });
});

describe("the stack outputs' reference", () => {
  test("GIVEN lib/rules/outputs.ts WHEN rendered THEN every output of both stacks has its row, and <env> stays text", () => {
    const html = marked.parse(stackOutputsReference(), { async: false });
    for (const output of [...Object.values(MAIN_STACK_OUTPUTS), ...Object.values(BOOTSTRAP_STACK_OUTPUTS)])
      expect(html).toContain(`<code>${output.name}</code>`);
    expect(html).toContain("GitHub environment &lt;env&gt; in .github/workflows/connect-sso.yml");
  });

  test("GIVEN a repository in its immutable form WHEN an output is described for the environment THEN the REST path names owner/repo without the IDs", () => {
    expect(outputDescription(BOOTSTRAP_STACK_OUTPUTS.githubOidcSubjectCustomization, { name: "prod", repository: "acme@1234/contact-center@5678" })).toMatch(
      /^Body of PUT \/repos\/acme\/contact-center\/actions\/oidc\/customization\/sub:/,
    );
    expect(outputDescription(BOOTSTRAP_STACK_OUTPUTS.applyRoleArn, { name: "prod" })).toContain("GitHub environment prod in");
  });
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
