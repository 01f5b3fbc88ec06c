/**
 * Users stacks pass the same real Terraform checks as the rest: `terraform init`, `validate` and a
 * mocked apply (`terraform test`, `mock_provider "aws"`) of every stack of a sharded prod, in the
 * middle of a move from 2 to 3 users stacks (so forget and import blocks are exercised too).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import type { Environment } from "../../lib/config/environment";
import { environmentStacks } from "../../stacks";
import { exampleEnvironment, testApp } from "../support/environments";
import { hierarchyGroupMock } from "../support/hierarchy-mock";
import {
  formatDiagnostic,
  hcl,
  hclString,
  parseTestReport,
  removeTempDir,
  serialQueue,
  terraform,
  terraformSetup,
  writeTeardownOverride,
  type TerraformSetup,
} from "../support/terraform";
import { describeIfTools, missingTerraform } from "../support/tools";

const INSTANCE = "5b7d2e90-3c4a-4f1e-8a6b-9d0c1e2f3a4b";
const INSTANCE_ARN = `arn:aws:connect:us-west-2:444455556666:instance/${INSTANCE}`;

/** Where each prod user is with 3 users stacks, and which stacks they leave from 2 (pinned: the hash is stable). */
const EXPECTED: Record<string, { users: string[]; forgets: string[]; imports: string[] }> = {
  "connect-sso-prod": { users: [], forgets: [], imports: [] },
  "connect-sso-prod-users-1": { users: ["alice.nguyen@example.com"], forgets: ["bob.martin@example.com", "supervisor.kim@example.com"], imports: [] },
  "connect-sso-prod-users-2": { users: [], forgets: ["jose.pena@example.com"], imports: [] },
  "connect-sso-prod-users-3": {
    users: ["bob.martin@example.com", "jose.pena@example.com", "supervisor.kim@example.com"],
    forgets: [],
    imports: ["bob.martin@example.com", "jose.pena@example.com", "supervisor.kim@example.com"],
  },
};

/**
 * A mocked apply that checks which users a stack holds; imports need an override_resource, and each
 * hierarchy look-up the group at its path (its postcondition compares them).
 */
function testFile(expected: (typeof EXPECTED)[string], json: Record<string, any>): string {
  const data = json.data ?? {};
  const groupPaths = Object.keys(data.aws_connect_user_hierarchy_group?.hierarchy_groups?.for_each ?? {});
  const mocks = [
    ...groupPaths.map(
      (group) =>
        `override_data {\n  target = data.aws_connect_user_hierarchy_group.hierarchy_groups[${hclString(group)}]\n  values = ${hcl(hierarchyGroupMock(group, (p) => `group-${p}`, INSTANCE_ARN))}\n}`,
    ),
    `override_data {\n  target = data.aws_connect_instance.connect_instance\n  values = { identity_management_type = "SAML", id = ${hclString(INSTANCE)} }\n}`,
    data.aws_ssoadmin_instances
      ? `override_data {\n  target = data.aws_ssoadmin_instances.identity_center_instances\n  values = { identity_store_ids = ["d-9067a1b2c3"] }\n}`
      : "",
  ].join("\n");
  const imports = expected.imports.length
    ? `override_resource {\n  target = aws_connect_user.connect_users\n  values = { instance_id = ${hclString(INSTANCE)} }\n}\n`
    : "";
  return `mock_provider "aws" {
${mocks}
}
${imports}
run "apply" {
  command = apply
  assert {
    condition     = data.aws_connect_instance.connect_instance.identity_management_type == "SAML"
    error_message = "the stack checks its instance"
  }
${
  expected.users.length
    ? `  assert {
    condition     = join(",", sort(keys(aws_connect_user.connect_users))) == ${hclString(expected.users.join(","))}
    error_message = "users of this stack: expected ${expected.users.join(", ")}"
  }
`
    : ""
}}
`;
}

describeIfTools("users stacks through real Terraform (init, validate, mocked apply)", [missingTerraform()], () => {
  let setup: TerraformSetup | undefined;
  const stacks: Record<string, Record<string, any>> = {};

  beforeAll(() => {
    const env: Environment = { ...exampleEnvironment("prod"), pipeline: undefined, sharding: { stacks: 3, previousStacks: 2, usersPerStack: 500 } };
    for (const stack of environmentStacks(testApp(), env)) stacks[stack.node.id] = JSON.parse(Testing.synth(stack));
    setup = terraformSetup("connect-sso-users-stacks");
  });
  afterAll(() => removeTempDir(setup?.root));

  test("GIVEN prod moving from 2 to 3 users stacks WHEN synthesized THEN the stacks hold, forget and import the pinned users", () => {
    expect(Object.keys(stacks).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, expected] of Object.entries(EXPECTED)) {
      const json = stacks[name];
      expect(Object.keys(json.locals?.connect_users ?? {}).sort()).toEqual(expected.users);
      // Forgets: moves into the parking resource of the file-groups block (the console-group block's twin moves are checked in sharding.test.ts).
      const forgets = (json.moved ?? []).filter((m: { to: string }) => m.to.startsWith("aws_connect_user.connect_users_forgotten["));
      expect(forgets.map((m: { from: string }) => JSON.parse(m.from.replace(/^[^[]+\[(.*)\]$/, "$1"))).sort()).toEqual(expected.forgets);
      const lookups = json.data?.aws_connect_user?.adopted_connect_users?.for_each ?? "${toset([])}";
      expect(JSON.parse(lookups.replace(/^\$\{toset\((.*)\)\}$/, "$1")).sort()).toEqual(expected.imports);
    }
  });

  const init = serialQueue();
  test.each(Object.keys(EXPECTED))("GIVEN %s WHEN terraform validates it and applies it against the mock provider THEN both pass", async (name) => {
    const dir = path.join(setup!.root, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(stacks[name], null, 2));
    await init(() => terraform(setup!, dir, ["init", "-backend=false", "-input=false", "-no-color"], { timeoutMs: 120_000 }));
    await terraform(setup!, dir, ["validate", "-no-color"]);
    writeTeardownOverride(dir, stacks[name]);
    fs.writeFileSync(path.join(dir, "stack.tftest.hcl"), testFile(EXPECTED[name], stacks[name]));
    const result = await terraform(setup!, dir, ["test", "-json", "-no-color"], { timeoutMs: 180_000, okCodes: [0, 1] });
    const report = parseTestReport(result.stdout);
    const problems = [...report.runDiagnostics.values()]
      .flat()
      .concat(report.otherDiagnostics)
      .filter((d) => d.severity === "error");
    expect({ status: report.summary?.status, problems: problems.map(formatDiagnostic), plain: report.plainLines.filter((l) => /rror/.test(l)) }).toEqual({
      status: "pass",
      problems: [],
      plain: [],
    });
  });
});
