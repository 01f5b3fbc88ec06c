/**
 * Identity Center in another account, end to end on loopback: moto_server answers as two accounts
 * (the environment's, and Identity Center's: moto keeps each account's IAM and identity store
 * apart, and its AssumeRole of a role in another account hands out that account's keys), and the
 * fake's sso-admin answers only callers of Identity Center's account (it asks moto whose key a
 * request carries). Real terraform applies the Identity Center bootstrap stack there as that
 * account's administrator, then plans the main stack with the read-only role, applies it with the
 * apply role, and verify-signin --live reads Identity Center through the read-only role.
 *
 * Where moto is kinder than AWS: it checks no trust policy, so who may assume which role is
 * proven by IAM's evaluation in __tests__/identity-center-account.test.ts, not here.
 */
import { DeleteApplicationAssignmentCommand, ListApplicationAssignmentsCommand, SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { Testing } from "cdktf";
import { pipelineRoleArns } from "../../lib/rules/policies";
import { refreshDrift } from "../../lib/tools/drift";
import { asPlan } from "../../lib/tools/plan/read";
import { liveChecks } from "../../lib/tools/signin/live";
import { findingLine } from "../../lib/tools/signin/report";
import { IdentityCenterBootstrapStack } from "../../stacks/identity-center-bootstrap-stack";
import { crossAccountEnvironment, IDENTITY_CENTER_ACCOUNT, testApp } from "../support/environments";
import { sandboxForTests, type Workspace } from "../support/sandbox";
import { describeIfTools, missingSandboxTools } from "../support/tools";

const env = crossAccountEnvironment();
const APPLY = ["-var", "identity_center_role=apply"];
/** What crosses the accounts (the assignments, and the users verify-signin finds in Connect); IAM and the rest are proven elsewhere. */
const TARGETS = ["-target=aws_ssoadmin_application_assignment.application_assignments", "-target=aws_connect_user.connect_users"];

describeIfTools(
  "Identity Center in another account (real terraform; moto_server as two accounts and the sso-admin fake on loopback)",
  missingSandboxTools(),
  () => {
    let applied: Workspace | undefined;
    const s = sandboxForTests(env);
    const applicationArn = env.ssoApplication.applicationArn!;
    const userAssignments = () =>
      s()
        .fake.applicationAssignments(applicationArn)
        .filter((a) => a.PrincipalType === "USER")
        .map((a) => a.PrincipalId)
        .sort();
    /** An IAM role of `account` on moto, or undefined. */
    const roleIn = async (account: string, name: string) => {
      const key = account === env.account ? s().moto.accessKey : await s().moto.accessKeyOf(account);
      const answer = await s().moto.query("iam", { Action: "GetRole", Version: "2010-05-08", RoleName: name }, key);
      return answer.status === 200 ? decodeURIComponent(/<AssumeRolePolicyDocument>([^<]+)</.exec(answer.body)?.[1] ?? "") : undefined;
    };

    test("GIVEN the Identity Center bootstrap stack WHEN its account's administrator applies it THEN both roles exist in that account only, each trusting its own kind's pipeline role", async () => {
      const tf = JSON.parse(Testing.synth(new IdentityCenterBootstrapStack(testApp(), { environment: env })));
      // The administrator's own credentials in Identity Center's account.
      tf.provider.aws[0].assume_role = [{ role_arn: `arn:aws:iam::${IDENTITY_CENTER_ACCOUNT}:role/OrganizationAccountAccessRole` }];
      const ws = await s().workspace("ic-bootstrap", JSON.stringify(tf));
      await ws.apply();
      const outputs = JSON.parse((await ws.terraform(["output", "-json"])).stdout);
      expect(outputs.identity_center_plan_role_arn.value).toBe(pipelineRoleArns(env, "plan").identityCenter);
      expect(outputs.identity_center_apply_role_arn.value).toBe(pipelineRoleArns(env, "apply").identityCenter);
      for (const kind of ["plan", "apply"] as const) {
        const trust = JSON.parse((await roleIn(IDENTITY_CENTER_ACCOUNT, `connect-sso-staging-ic-${kind}`)) ?? "null");
        expect(trust?.Statement).toEqual([expect.objectContaining({ Principal: { AWS: pipelineRoleArns(env, kind).pipeline }, Action: "sts:AssumeRole" })]);
        expect(await roleIn(env.account, `connect-sso-staging-ic-${kind}`)).toBeUndefined();
      }
    }, 240_000);

    test("GIVEN the main stack WHEN planned as a pull request does (read-only role) THEN the users are found in Identity Center's store, in its account, and their assignments are to be made", async () => {
      const ws = await s().workspace("main", env);
      s().fake.resetCounts();
      await ws.terraform(["plan", "-input=false", "-lock=false", "-out=pr.tfplan", ...TARGETS], [0]);
      const plan = { json: asPlan(JSON.parse((await ws.terraform(["show", "-json", "pr.tfplan"])).stdout), { targeted: true }) };
      const assignments = plan.json.resource_changes?.filter((c) => c.type === "aws_ssoadmin_application_assignment") ?? [];
      expect(assignments.map((c) => [c.change.actions, (c.change.after as { principal_id?: string }).principal_id]).sort()).toEqual(
        Object.values(s().identityCenterUserIds)
          .map((id) => [["create"], id])
          .sort(),
      );
      // Nothing the fake's sso-admin answered was refused (another account's caller is) or a write.
      expect(s().fake.requests.filter((r) => r.service === "sso-admin" && (r.status !== 200 || /^(Create|Delete|Put)/.test(r.operation)))).toEqual([]);
      applied = ws;
    }, 240_000);

    test("GIVEN the main stack WHEN applied as the apply job does (TF_VAR identity_center_role=apply) THEN each user is assigned, by its ID in Identity Center's store", async () => {
      if (!applied) throw new Error("the plan above did not succeed");
      await applied.terraform(["apply", "-input=false", "-auto-approve", ...APPLY, ...TARGETS]);
      expect(userAssignments()).toEqual(Object.values(s().identityCenterUserIds).sort());
      // That nothing is left to do shows in the drift test below: its refresh finds only the assignment removed by hand.
    }, 240_000);

    test("GIVEN the fake's Identity Center WHEN called with a key of the environment's account, then of Identity Center's THEN the first is refused as AWS refuses another account, the second answered", async () => {
      const call = async (accessKeyId: string) => {
        const client = new SSOAdminClient({
          endpoint: s().fake.url,
          region: env.region,
          credentials: { accessKeyId, secretAccessKey: "test" },
          maxAttempts: 1,
        });
        try {
          return await client.send(new ListApplicationAssignmentsCommand({ ApplicationArn: applicationArn })).then(
            () => "answered",
            (error: Error) => `${error.name}: ${error.message}`,
          );
        } finally {
          client.destroy();
        }
      };
      expect(await call(s().moto.accessKey)).toMatch(/^AccessDeniedException: User in account 222233334444 .*Identity Center of account 999988887777/);
      expect(await call(await s().moto.accessKeyOf(IDENTITY_CENTER_ACCOUNT))).toBe("answered");
    }, 60_000);

    test("GIVEN the applied environment WHEN verify-signin --live reads Identity Center THEN it goes through the read-only role there and every user is found and assigned", async () => {
      if (!applied) throw new Error("the plan above did not succeed");
      s().fake.resetCounts();
      const live = {
        endpoints: { iam: s().moto.url, sts: s().moto.url, identitystore: s().moto.url, connect: s().fake.url, ssoAdmin: s().fake.url },
        credentials: { accessKeyId: s().moto.accessKey, secretAccessKey: "test" },
      };
      const users = (await liveChecks(env, live)).users;
      expect(users.filter((f) => !f.ok).map(findingLine)).toEqual([]);
      expect(users).toHaveLength(env.users.length);
      expect(
        s()
          .fake.requests.filter((r) => r.service === "sso-admin")
          .every((r) => r.status === 200),
      ).toBe(true);
    }, 120_000);

    test("GIVEN an assignment removed by hand in Identity Center's account WHEN drift reads a refresh with the read-only role THEN it names the assignment as deleted", async () => {
      if (!applied) throw new Error("the apply above did not succeed");
      const [first] = s().fake.applicationAssignments(applicationArn);
      const client = new SSOAdminClient({
        endpoint: s().fake.url,
        region: env.region,
        credentials: { accessKeyId: await s().moto.accessKeyOf(IDENTITY_CENTER_ACCOUNT), secretAccessKey: "test" },
        maxAttempts: 1,
      });
      try {
        await client.send(new DeleteApplicationAssignmentCommand(first));
      } finally {
        client.destroy();
      }
      await applied.terraform(["plan", "-refresh-only", "-input=false", "-lock=false", "-out=drift.tfplan", ...TARGETS]);
      const shown = asPlan(JSON.parse((await applied.terraform(["show", "-json", "drift.tfplan"])).stdout), { targeted: true });
      const drift = refreshDrift(shown, new Map());
      expect(drift.drifted.map((d) => [d.address.replace(/\[.*\]$/, ""), d.deleted])).toEqual([
        ["aws_ssoadmin_application_assignment.application_assignments", true],
      ]);
    }, 120_000);
  },
);
