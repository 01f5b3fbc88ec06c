/**
 * Identity Center in another account (`identityCenter.account`), without tools: what the file may
 * say, what the stacks synthesize, and who may reach which role there, evaluated the way IAM does
 * for a cross-account AssumeRole (both the caller's policy and the role's trust must allow it),
 * with @cloud-copilot/iam-simulate.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { Testing } from "cdktf";
import { chainedRoleTrustPolicy, identityCenterRolePolicy, pipelinePolicy, pipelineRoleArns, type PolicyDocument } from "../lib/rules/policies";
import { identityCenterBootstrapStackName, isBootstrapStack } from "../lib/rules/naming";
import { environmentStacks } from "../stacks";
import { crossAccountEnvironment, EXAMPLES_DIR, IDENTITY_CENTER_ACCOUNT, testApp } from "./support/environments";
import { parse } from "./support/env-text";

const env = crossAccountEnvironment();

/** Whether `principal`, holding `identityPolicy`, may assume `role` (whose trust is `trust`): both sides must allow a cross-account call. */
async function mayAssume(principal: string, identityPolicy: PolicyDocument, role: string, trust: PolicyDocument): Promise<boolean> {
  const result = await runSimulation(
    {
      request: { principal, action: "sts:AssumeRole", resource: { resource: role, accountId: role.split(":")[4] }, contextVariables: {} },
      identityPolicies: [{ name: "pipeline", policy: identityPolicy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust,
    },
    { simulationMode: "Strict" },
  );
  if (result.resultType !== "single") throw new Error(`the simulator answered ${result.resultType}`);
  return result.overallResult === "Allowed";
}

describe("who reaches the roles in Identity Center's account", () => {
  const arns = { plan: pipelineRoleArns(env, "plan"), apply: pipelineRoleArns(env, "apply") };
  const session = (kind: "plan" | "apply") => arns[kind].pipeline.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + "/GitHubActions";

  test.each([
    ["plan", "plan", true],
    ["apply", "apply", true],
    ["plan", "apply", false],
    ["apply", "plan", false],
  ] as const)("GIVEN a session of the %s pipeline role WHEN it asks for the %s role there THEN IAM's answer is allowed=%s", async (from, to, allowed) => {
    const role = arns[to].identityCenter!;
    expect(await mayAssume(session(from), pipelinePolicy(env, from), role, chainedRoleTrustPolicy(arns[to].pipeline))).toBe(allowed);
  });

  test("GIVEN another role of the environment's account, even with a policy allowing everything WHEN it asks for the apply role there THEN IAM refuses: the trust names one role", async () => {
    const anything: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] };
    const other = `arn:aws:sts::${env.account}:assumed-role/Admin/someone`;
    expect(await mayAssume(other, anything, arns.apply.identityCenter!, chainedRoleTrustPolicy(arns.apply.pipeline))).toBe(false);
  });

  test("GIVEN the roles' policies WHEN read THEN the read-only role only reads and the apply role also assigns, both in Identity Center's account", () => {
    const actions = (kind: "plan" | "apply") =>
      identityCenterRolePolicy(env, kind)
        .Statement.filter((s) => s.Effect === "Allow")
        .flatMap((s) => s.Action as string[]);
    expect(actions("plan").every((a) => /:(Get|Describe|List)/.test(a))).toBe(true);
    expect(actions("apply")).toEqual(expect.arrayContaining(["sso:CreateApplicationAssignment", "sso:DeleteApplicationAssignment"]));
    expect(JSON.stringify(identityCenterRolePolicy(env, "plan"))).toContain(`arn:aws:identitystore::${IDENTITY_CENTER_ACCOUNT}:identitystore/`);
  });
});

test("GIVEN identityCenter.syncGroups WHEN the policies are made THEN the sync's reads are the read-only role's there, not the plan role's here", () => {
  const syncing = {
    ...env,
    identityCenter: { ...env.identityCenter, syncGroups: [{ group: "Agents", routingProfile: "Basic Routing Profile", securityProfiles: ["Agent"] }] },
  };
  const actions = (doc: PolicyDocument) => doc.Statement.filter((st) => st.Effect === "Allow").flatMap((st) => st.Action as string[]);
  expect(actions(identityCenterRolePolicy(syncing, "plan"))).toEqual(
    expect.arrayContaining(["identitystore:GetGroupId", "identitystore:ListGroupMemberships"]),
  );
  expect(actions(identityCenterRolePolicy(syncing, "apply"))).not.toContain("identitystore:ListGroupMemberships");
  expect(actions(pipelinePolicy(syncing, "plan"))).not.toContain("identitystore:ListGroupMemberships");
});

describe("what the stacks synthesize", () => {
  const stacks = environmentStacks(testApp(), env);
  const byName = new Map(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s))]));

  test("GIVEN identityCenter.account WHEN synthesized THEN a bootstrap stack in that account holds the two roles, and the pipeline never runs it", () => {
    const name = identityCenterBootstrapStackName(env.name);
    expect(isBootstrapStack(name)).toBe(true);
    const tf = byName.get(name);
    expect(tf.provider.aws[0]).toMatchObject({ allowed_account_ids: [IDENTITY_CENTER_ACCOUNT], region: env.identityCenter.region });
    expect(
      Object.values(tf.resource.aws_iam_role)
        .map((r: any) => r.name)
        .sort(),
    ).toEqual(["connect-sso-staging-ic-apply", "connect-sso-staging-ic-plan"]);
    expect(tf.terraform.backend).toHaveProperty("local");
  });

  test("GIVEN identityCenter.account WHEN the main stack is synthesized THEN its Identity Center provider chains into the plan role unless the run says apply, in that account only", () => {
    const tf = byName.get("connect-sso-staging");
    const alias = tf.provider.aws.find((p: any) => p.alias === "identity_center");
    expect(alias.allowed_account_ids).toEqual([IDENTITY_CENTER_ACCOUNT]);
    expect(alias.assume_role[0].role_arn).toBe(
      '${var.identity_center_role == "apply" ? "arn:aws:iam::999988887777:role/connect-sso-staging-ic-apply" : "arn:aws:iam::999988887777:role/connect-sso-staging-ic-plan"}',
    );
    expect(tf.variable.identity_center_role).toMatchObject({
      default: "plan",
      validation: [{ condition: '${contains(["plan", "apply"], var.identity_center_role)}', error_message: "Allowed: plan or apply." }],
    });
  });
});

describe("what the environment file may say", () => {
  const read = (file: string) => fs.readFileSync(path.join(EXAMPLES_DIR, file), "utf8");
  const exampleText = () => read("staging.yaml");
  const problems = (edit: (text: string) => string) =>
    parse(edit(exampleText()), { name: "staging", metadata: read("metadata/staging.xml") }).problems.map((p) => `${p.path}: ${p.message}`);

  test.each<[string, (t: string) => string, RegExp]>([
    [
      "the environment's own account",
      (t) => t.replace("identityCenter:\n", 'identityCenter:\n  account: "222233334444"\n'),
      /identityCenter\.account: is the environment's own account/,
    ],
    [
      "an account together with assumeRoleArn",
      (t) => t.replace("identityCenter:\n", 'identityCenter:\n  account: "222233334444"\n  assumeRoleArn: arn:aws:iam::999988887777:role/Mine\n'),
      /identityCenter\.account: is set together with identityCenter\.assumeRoleArn/,
    ],
    [
      "an application in a third account",
      (t) => t.replace("identityCenter:\n", 'identityCenter:\n  account: "999988887777"\n'),
      /ssoApplication\.applicationArn: is in account 222233334444, not identityCenter\.account 999988887777/,
    ],
    [
      "an unquoted account",
      (t) => t.replace("identityCenter:\n", "identityCenter:\n  account: 999988887777\n"),
      /identityCenter\.account: must be 12 digits in quotes/,
    ],
    [
      "an application in another account and neither setting",
      (t) => t.replace("arn:aws:sso::222233334444:", "arn:aws:sso::999988887777:"),
      /set identityCenter\.account to 999988887777 \(the pipeline's bootstrap makes roles there\) or identityCenter\.assumeRoleArn/,
    ],
  ])("GIVEN %s WHEN loaded THEN it is refused, naming the field and what is allowed", (_, edit, message) => {
    expect(problems(edit).join("\n")).toMatch(message);
  });

  test("GIVEN the application in Identity Center's account and identityCenter.account naming it WHEN loaded THEN it passes", () => {
    const text = exampleText()
      .replace("arn:aws:sso::222233334444:", "arn:aws:sso::999988887777:")
      .replace("identityCenter:\n", 'identityCenter:\n  account: "999988887777"\n');
    expect(problems(() => text)).toEqual([]);
  });
});
