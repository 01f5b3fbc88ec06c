/**
 * The IAM part of the dev stack applied for real, against moto_server on 127.0.0.1: the SAML
 * provider, the federation role and its inline policy. Proves that the real provider accepts
 * what the stack asks for, that a second plan finds nothing to change, and that the console
 * sheet (lib/synth/console-settings.ts, what a person types into Identity Center) names exactly the
 * ARNs that were made.
 *
 * moto implements IAM and STS but not Connect users or sso-admin applications, so only the IAM
 * resources are targeted. moto hangs on tagged SAML providers, so the override file drops the
 * provider's default_tags. Every wait is bounded; nothing leaves the loopback interface.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { consoleSettings, type ConsoleSettings } from "../../lib/synth/console-settings";
import type { Environment } from "../../lib/config/environment";
import { exampleEnvironment, synthStack } from "../support/environments";
import {
  removeTempDir,
  startMotoServer,
  tail,
  terraform,
  terraformSetup,
  type CommandResult,
  type MotoServer,
  writeMotoOverride,
  type TerraformSetup,
} from "../support/terraform";
import { describeIfTools, missingSandboxTools } from "../support/tools";

/** What moto should hold after the apply, written out by hand for the dev example. */
const DEV = {
  account: "111122223333",
  samlProviderArn: "arn:aws:iam::111122223333:saml-provider/AmazonConnectSSO-dev",
  roleArn: "arn:aws:iam::111122223333:role/AmazonConnectSSO-dev",
  roleName: "AmazonConnectSSO-dev",
  maxSessionDuration: 36000,
  federationResource: "arn:aws:connect:us-west-2:111122223333:instance/0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90/user/${aws:userid}",
};

const TARGETS = [
  "aws_iam_saml_provider.saml_provider",
  "aws_iam_role.federation_role",
  "aws_iam_role_policy.federation_policy",
  "aws_iam_role_policies_exclusive.federation_role_inline_policies",
  "aws_iam_role_policy_attachments_exclusive.federation_role_managed_policies",
].map((t) => `-target=${t}`);

const xml = new XMLParser({ parseTagValue: false, trimValues: false });

/** Reads an IAM query-API answer from moto; throws with the body unless HTTP 200. */
async function iam(moto: MotoServer, params: Record<string, string>): Promise<Record<string, any>> {
  const answer = await moto.query("iam", { Version: "2010-05-08", ...params });
  if (answer.status !== 200) throw new Error(`IAM ${params.Action} on moto answered HTTP ${answer.status}:\n${tail(answer.body, 2000)}`);
  return xml.parse(answer.body) as Record<string, any>;
}

interface StateResource {
  type: string;
  name: string;
  instances: Array<{ attributes: Record<string, any> }>;
}

describeIfTools("the dev stack's IAM part applied on moto_server (real terraform apply, loopback only)", missingSandboxTools(), () => {
  let env: Environment;
  let sheet: ConsoleSettings;
  let setup: TerraformSetup | undefined;
  let moto: MotoServer | undefined;
  let dir: string;
  let statePath: string;
  let applied: CommandResult | undefined;

  const needApply = () => {
    if (!applied) throw new Error("terraform apply did not succeed (see the failing apply test above)");
  };

  beforeAll(async () => {
    env = exampleEnvironment("dev");
    sheet = consoleSettings(env);
    setup = terraformSetup("connect-sso-moto");
    dir = path.join(setup.root, "connect-sso-dev");
    fs.mkdirSync(dir);
    statePath = path.join(setup.root, "state", "terraform.tfstate");
    // sts:GetCallerIdentity answers with this account, so the provider's allowed_account_ids check runs for real.
    moto = await startMotoServer({ accountId: env.account, readyTimeoutMs: 20_000 });
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), synthStack(env));
    // moto raises on tagged SAML providers (the apply then hangs): no default tags here.
    writeMotoOverride(dir, moto, statePath, ["iam", "sts", "connect", "identitystore", "ssoadmin"], { default_tags: [{ tags: {} }] });
    await terraform(setup, dir, ["init", "-input=false", "-no-color"], { timeoutMs: 60_000 });
  }, 100_000);

  afterAll(async () => {
    await moto?.stop();
    removeTempDir(setup?.root);
  }, 30_000);

  test("GIVEN the dev example WHEN it is synthesized THEN it targets the account moto pretends to be", () => {
    expect(env.account).toBe(DEV.account);
  });

  test("WHEN terraform apply targets the IAM part THEN the provider, the role, its policy and the exclusivity guards are created on moto", async () => {
    const result = await terraform(setup!, dir, ["apply", "-auto-approve", "-input=false", "-no-color", ...TARGETS], { timeoutMs: 120_000 }).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n--- moto_server output ---\n${tail(moto!.log(), 3000)}`);
      },
    );
    expect(result.stdout).toContain("Apply complete! Resources: 5 added, 0 changed, 0 destroyed.");
    applied = result;
  }, 150_000);

  test("WHEN terraform plans the same targets again THEN it finds no changes (exit code 0 with -detailed-exitcode)", async () => {
    needApply();
    // -detailed-exitcode: 0 no changes, 1 error, 2 changes; only 0 passes.
    const result = await terraform(setup!, dir, ["plan", "-detailed-exitcode", "-input=false", "-no-color", ...TARGETS], { timeoutMs: 120_000 });
    expect(result.stdout).toContain("No changes.");
  }, 150_000);

  test("WHEN the outputs are read THEN saml_provider_arn, federation_role_arn and sso_role_attribute_value are exactly what the console sheet says", async () => {
    needApply();
    const result = await terraform(setup!, dir, ["output", "-json", "-no-color"], { timeoutMs: 60_000 });
    const outputs = JSON.parse(result.stdout) as Record<string, { value: unknown }>;
    const made = {
      samlProviderArn: outputs.saml_provider_arn?.value,
      roleArn: outputs.federation_role_arn?.value,
      roleAttributeValue: outputs.sso_role_attribute_value?.value,
    };
    // The sheet a person types from matches what AWS (moto) made ...
    expect(made).toEqual({ samlProviderArn: sheet.samlProviderArn, roleArn: sheet.roleArn, roleAttributeValue: sheet.roleAttributeValue });
    // ... and both are what they should be.
    expect(made).toEqual({ samlProviderArn: DEV.samlProviderArn, roleArn: DEV.roleArn, roleAttributeValue: `${DEV.roleArn},${DEV.samlProviderArn}` });
  }, 90_000);

  test("WHEN the applied trust policy is read back from the state THEN it trusts only the SAML provider, for sts:AssumeRoleWithSAML with SAML:aud the partition's and us-west-2's sign-in endpoints", () => {
    needApply();
    const state = JSON.parse(fs.readFileSync(statePath, "utf8")) as { resources: StateResource[] };
    const role = state.resources.find((r) => r.type === "aws_iam_role" && r.name === "federation_role");
    expect(role).toBeDefined();
    const attributes = role!.instances[0].attributes;
    expect({ arn: attributes.arn, name: attributes.name, max_session_duration: attributes.max_session_duration }).toEqual({
      arn: DEV.roleArn,
      name: DEV.roleName,
      max_session_duration: DEV.maxSessionDuration,
    });
    expect(JSON.parse(attributes.assume_role_policy).Statement).toEqual([
      {
        Sid: "IdentityCenterSamlFederation",
        Effect: "Allow",
        Principal: { Federated: DEV.samlProviderArn },
        Action: "sts:AssumeRoleWithSAML",
        Condition: { StringEquals: { "SAML:aud": ["https://signin.aws.amazon.com/saml", "https://us-west-2.signin.aws.amazon.com/saml"] } },
      },
    ]);
  });

  test("WHEN IAM is asked directly (GetRole, GetRolePolicy, GetSAMLProvider on moto) THEN it holds the same trust, the connect:GetFederationToken policy and the metadata file", async () => {
    needApply();
    const role = (await iam(moto!, { Action: "GetRole", RoleName: DEV.roleName })).GetRoleResponse.GetRoleResult.Role;
    expect(role.Arn).toBe(DEV.roleArn);
    expect(Number(role.MaxSessionDuration)).toBe(DEV.maxSessionDuration);
    const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument));
    expect(trust.Statement.map((s: any) => [s.Effect, s.Action, s.Principal, s.Condition])).toEqual([
      [
        "Allow",
        "sts:AssumeRoleWithSAML",
        { Federated: DEV.samlProviderArn },
        { StringEquals: { "SAML:aud": ["https://signin.aws.amazon.com/saml", "https://us-west-2.signin.aws.amazon.com/saml"] } },
      ],
    ]);

    const policy = (await iam(moto!, { Action: "GetRolePolicy", RoleName: DEV.roleName, PolicyName: "connect-federation" })).GetRolePolicyResponse
      .GetRolePolicyResult;
    const permissions = JSON.parse(decodeURIComponent(policy.PolicyDocument));
    expect(permissions.Statement.map((s: any) => [s.Effect, s.Action, s.Resource])).toEqual([["Allow", "connect:GetFederationToken", DEV.federationResource]]);

    const provider = (await iam(moto!, { Action: "GetSAMLProvider", SAMLProviderArn: DEV.samlProviderArn })).GetSAMLProviderResponse.GetSAMLProviderResult;
    expect(provider.SAMLMetadataDocument).toBe(env.ssoApplication.metadataXml);
  }, 60_000);
});
