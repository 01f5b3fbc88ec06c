/**
 * Literal text stays literal, proven by Terraform itself: an environment whose user names, profile
 * names, Identity Center user fields and metadata comment hold Terraform template code is loaded,
 * synthesized, validated, and applied by `terraform test` with `mock_provider "aws"`; every value
 * Terraform computes must equal the text as written.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Environment } from "../../lib/config/environment";
import { synthStack } from "../support/environments";
import { parse, VALID_METADATA, withChange } from "../support/env-text";
import {
  describeResult,
  formatDiagnostic,
  hcl,
  hclString,
  parseTestReport,
  removeTempDir,
  runTerraform,
  tail,
  terraform,
  terraformSetup,
  type CommandResult,
  type TerraformSetup,
  type TestReport,
} from "../support/terraform";
import { describeIfTools, missingTerraform } from "../support/tools";

/** Template code Terraform would evaluate, an escape it would undo, and a plain `$`. */
const FIRST = "${aws_iam_role.federation_role.arn}";
const LAST = "%{ if true }x%{ endif }";
const SECURITY_PROFILE = "$${already} costs $5";
const ROUTING_PROFILE = 'Sales "${aws_iam_role.federation_role.arn}" %{ endif } \\ $';
const COMMENT = `<!-- ${FIRST} ${LAST} $\${already} $ -->`;
// A replacer function: a replacement string would read `$$` in COMMENT as one `$`.
const METADATA = VALID_METADATA.replace("?>", () => `?>\n${COMMENT}`);

const USERNAME = "bob@example.com";
const ROUTING_PROFILE_ID = "0c1d2e3f-0000-4000-8000-0000000ba51c";
const SECURITY_PROFILE_ID = "5ec0a9e1-0000-4000-8000-00000000a9e1";
const IDENTITY_STORE_ID = "d-9067a1b2c3";

function environment(): Environment {
  const file = withChange((f) => {
    f.ssoApplication.applicationArn = "arn:aws:sso::111122223333:application/ssoins-7223a0b1c2d3e4f5/apl-5f4e3d2c1b0a9988";
    f.identityCenter = { identityStoreId: IDENTITY_STORE_ID, createUsers: true };
    f.users = [{ username: USERNAME, firstName: FIRST, lastName: LAST, securityProfiles: [SECURITY_PROFILE], routingProfile: ROUTING_PROFILE }];
  });
  const { environment, problems } = parse(file, { metadata: METADATA });
  if (!environment) throw new Error(`the environment with template code was refused:\n${problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
  return environment;
}

const eq = (actual: string, value: unknown, what: string) =>
  [
    "  assert {",
    `    condition     = ${actual} == ${hcl(value)}`,
    `    error_message = ${hclString(`${what} should be ${JSON.stringify(value)}; it is `).slice(0, -1)}\${jsonencode(${actual})}"`,
    "  }",
  ].join("\n");

function tftest(): string {
  const user = `aws_connect_user.connect_users[${hclString(USERNAME)}]`;
  const person = `aws_identitystore_user.identity_center_users[${hclString(USERNAME)}]`;
  const overrides = [
    ["data.aws_connect_instance.connect_instance", { id: "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90", identity_management_type: "SAML" }],
    [`data.aws_connect_routing_profile.routing_profiles[${hclString(ROUTING_PROFILE)}]`, { routing_profile_id: ROUTING_PROFILE_ID }],
    [`data.aws_connect_security_profile.security_profiles[${hclString(SECURITY_PROFILE)}]`, { security_profile_id: SECURITY_PROFILE_ID }],
  ] as const;
  return [
    'mock_provider "aws" {}',
    ...overrides.map(([target, values]) => `override_data {\n  target = ${target}\n  values = ${hcl(values)}\n}`),
    'run "literal" {\n  command = apply',
    eq(`${user}.identity_info[0].first_name`, FIRST, "first_name"),
    eq(`${user}.identity_info[0].last_name`, LAST, "last_name"),
    eq("keys(data.aws_connect_routing_profile.routing_profiles)", [ROUTING_PROFILE], "routing profile look-up keys"),
    eq(`data.aws_connect_routing_profile.routing_profiles[${hclString(ROUTING_PROFILE)}].name`, ROUTING_PROFILE, "routing profile looked up"),
    eq(`${user}.routing_profile_id`, ROUTING_PROFILE_ID, "routing_profile_id (the look-up of the literal name)"),
    eq("keys(data.aws_connect_security_profile.security_profiles)", [SECURITY_PROFILE], "security profile look-up keys"),
    eq(`data.aws_connect_security_profile.security_profiles[${hclString(SECURITY_PROFILE)}].name`, SECURITY_PROFILE, "security profile looked up"),
    eq(`one(${user}.security_profile_ids)`, SECURITY_PROFILE_ID, "security_profile_ids (the look-up of the literal name)"),
    eq(`${person}.name[0].given_name`, FIRST, "Identity Center given_name"),
    eq(`${person}.name[0].family_name`, LAST, "Identity Center family_name"),
    eq(`${person}.display_name`, `${FIRST} ${LAST}`, "Identity Center display_name"),
    eq("strcontains(aws_iam_saml_provider.saml_provider.saml_metadata_document, " + hclString(COMMENT) + ")", true, "the metadata keeps its comment"),
    eq("sha256(aws_iam_saml_provider.saml_provider.saml_metadata_document)", createHash("sha256").update(METADATA).digest("hex"), "SHA-256 of the metadata"),
    "}",
  ].join("\n\n");
}

describeIfTools("literal text in real Terraform (terraform validate, terraform test with a mocked AWS provider)", [missingTerraform()], () => {
  let setup: TerraformSetup;
  let dir: string;
  let prepareError: string | undefined;
  let validate: CommandResult | undefined;
  let testRun: CommandResult | undefined;
  let report: TestReport | undefined;

  beforeAll(async () => {
    setup = terraformSetup("connect-sso-literal");
    dir = path.join(setup.root, "stack");
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), synthStack(environment()));
      await terraform(setup, dir, ["init", "-backend=false", "-input=false", "-no-color"]);
      validate = await terraform(setup, dir, ["validate", "-no-color"]);
    } catch (error) {
      prepareError = (error as Error).stack ?? String(error);
      return;
    }
    fs.writeFileSync(path.join(dir, "literal.tftest.hcl"), tftest());
    testRun = await runTerraform(setup, dir, ["test", "-json", "-no-color"], 120_000);
    report = parseTestReport(testRun.stdout);
  }, 170_000);

  afterAll(() => removeTempDir(setup?.root));

  test("GIVEN names, profile names and a metadata comment holding ${...}, %{...}, $${...} and a plain $ WHEN synthesized and validated THEN the configuration is valid", () => {
    if (prepareError) throw new Error(prepareError);
    expect(validate?.stdout).toContain("Success! The configuration is valid.");
  });

  test("WHEN terraform test applies it with a mocked provider THEN every name, look-up and the metadata document are exactly the text as written", () => {
    if (prepareError) throw new Error(`terraform init/validate failed, so terraform test did not run:\n${prepareError}`);
    const status = report!.runs.get("literal");
    if (status === "pass" && testRun!.code === 0) return;
    throw new Error(
      [
        `terraform test: run "literal" ${status ? `finished with status "${status}"` : "has no result"} (exit ${testRun!.code})`,
        ...[...(report!.runDiagnostics.get("literal") ?? []), ...report!.otherDiagnostics].map(formatDiagnostic),
        ...(report!.plainLines.length ? ["--- other output ---", tail(report!.plainLines.join("\n"))] : []),
        describeResult(testRun!),
      ].join("\n"),
    );
  });
});
