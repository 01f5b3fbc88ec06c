/**
 * Identity Center groups and "assignment required" under real terraform: the dev example given an
 * application ARN, two groups (one whose display name holds Terraform template text) and
 * `assignmentRequired: true`, applied on the sandbox (groups in moto's identity store, the
 * application on the sso-admin fake, both on 127.0.0.1). Then the setting is changed, a group is
 * dropped (the review gate asks for consent, as for a user's assignment), and a group that does
 * not exist stops the plan with a message naming it. First, without tools: what the console sheet
 * says is managed and what is not.
 */
import * as fs from "node:fs";
import { GetApplicationAssignmentConfigurationCommand, SSOAdminClient } from "@aws-sdk/client-sso-admin";
import type { Environment } from "../../lib/config/environment";
import { consoleSettings, renderConsoleSheet } from "../../lib/synth/console-settings";
import { runReview } from "../../lib/tools/review/cli";
import { exampleEnvironment } from "../support/environments";
import { sandboxForTests, type Workspace } from "../support/sandbox";
import { describeIfTools, missingSandboxTools } from "../support/tools";

const APPLICATION = "arn:aws:sso::111122223333:application/ssoins-7223a0b1c2d3e4f5/apl-1a2b3c4d5e6f7a8b";
const SUPERVISORS = "Contact Center Supervisors";
/** Template text in a display name must reach the identity store look-up as written. */
const NIGHT_SHIFT = "Night shift ${team} 100%{x}";

/** The dev example with the application, `groups`, `assignmentRequired` and `assignUsers` as given. */
function withGroups(groups: string[], assignmentRequired?: boolean, assignUsers = true): Environment {
  const dev = exampleEnvironment("dev");
  return { ...dev, ssoApplication: { ...dev.ssoApplication, applicationArn: APPLICATION, groups, assignmentRequired, assignUsers } };
}

describe("the console sheet's Assignments section", () => {
  const sheet = (env: Environment) => renderConsoleSheet(consoleSettings(env));

  test("GIVEN groups instead of users and assignment required WHEN the sheet is written THEN it lists the groups, says users are not assigned one by one, and names what stays in the console", () => {
    const text = sheet(withGroups([SUPERVISORS, NIGHT_SHIFT], true, false));
    expect(text).toContain("| Users assigned one by one | no (ssoApplication.assignUsers is false) |");
    expect(text).toContain("| Groups assigned | yes: the 2 groups below |");
    expect(text).toContain("| Assignment required | yes, set by the stack (removing the key resets it to AWS's default, yes) |");
    expect(text).toContain("| Group membership (who is in each group) | no: Identity Center, or the identity source it syncs from |");
    expect(text).toContain(`- ${JSON.stringify(SUPERVISORS)}\n- ${JSON.stringify(NIGHT_SHIFT)}`);
    expect(text).toContain("through the groups above (the stack assigns the groups, not their members: add each user to a group in Identity Center)");
  });

  test("GIVEN an application ARN and no assignment setting WHEN the sheet is written THEN assignment required is not managed and users are assigned by the stack", () => {
    const text = sheet(withGroups([]));
    expect(text).toContain("| Assignment required | not managed: the console's setting stays (ssoApplication.assignmentRequired sets it) |");
    expect(text).toContain("| Groups assigned | none |");
    expect(text).toContain("(the stack assigns each of them)");
  });

  test("GIVEN no application ARN WHEN the sheet is written THEN it says nothing about assignment is managed", () => {
    expect(sheet(exampleEnvironment("dev"))).toContain(
      'Not managed (no application ARN): assign users or groups, and set "assignment required", in the console.',
    );
  });
});

describeIfTools(
  "Identity Center groups and assignment required (real terraform; moto_server and the sso-admin fake on loopback)",
  missingSandboxTools(),
  () => {
    let applied: Workspace | undefined;
    const s = sandboxForTests(withGroups([SUPERVISORS, NIGHT_SHIFT], true));
    const needApplied = (): Workspace => {
      if (!applied) throw new Error("the first apply did not succeed (see the failing test above)");
      return applied;
    };

    /** AssignmentRequired as the sso-admin API answers it, read with the AWS SDK from the fake. */
    const assignmentRequired = async () => {
      const client = new SSOAdminClient({ endpoint: s().fake.url, region: "us-west-2", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
      try {
        return (await client.send(new GetApplicationAssignmentConfigurationCommand({ ApplicationArn: APPLICATION }))).AssignmentRequired;
      } finally {
        client.destroy();
      }
    };
    const groupAssignments = () =>
      s()
        .fake.applicationAssignments(APPLICATION)
        .filter((a) => a.PrincipalType === "GROUP")
        .map((a) => a.PrincipalId)
        .sort();

    test("GIVEN two groups besides the users and assignmentRequired true WHEN applied THEN each group is assigned by its ID, the users too, and assignment is required", async () => {
      expect(await assignmentRequired()).toBe(true); // AWS's default for a new application
      const ws = await s().workspace("groups", s().env);
      await ws.apply();
      const ids = s().identityCenterGroupIds;
      expect(groupAssignments()).toEqual([ids[SUPERVISORS], ids[NIGHT_SHIFT]].sort());
      const users = s()
        .fake.applicationAssignments(APPLICATION)
        .filter((a) => a.PrincipalType === "USER");
      expect(users.map((a) => a.PrincipalId).sort()).toEqual(Object.values(s().identityCenterUserIds).sort());
      const state = JSON.parse(fs.readFileSync(ws.statePath, "utf8"));
      const keys = state.resources
        .filter((r: { name: string }) => r.name === "application_group_assignments")
        .flatMap((r: { instances: Array<{ index_key: string }> }) => r.instances.map((i) => i.index_key))
        .sort();
      expect(keys).toEqual([SUPERVISORS, NIGHT_SHIFT].sort());
      applied = ws;
      const again = await ws.plan();
      expect({ exitCode: again.exitCode, changes: again.json.resource_changes?.filter((c) => !c.change.actions.includes("no-op")) }).toEqual({
        exitCode: 0,
        changes: [],
      });
    }, 240_000);

    test("GIVEN the applied stack WHEN assignmentRequired becomes false THEN the application no longer requires assignment, in place", async () => {
      const ws = await s().workspace("not-required", withGroups([SUPERVISORS, NIGHT_SHIFT], false), { stateFrom: needApplied() });
      const plan = await ws.plan();
      const changes = plan.json.resource_changes?.filter((c) => !c.change.actions.includes("no-op")) ?? [];
      expect(changes.map((c) => [c.address, c.change.actions])).toEqual([
        ["aws_ssoadmin_application_assignment_configuration.application_assignment_configuration", ["update"]],
      ]);
      await ws.apply(plan);
      expect(await assignmentRequired()).toBe(false);
    }, 240_000);

    test("GIVEN the applied stack WHEN a group and assignmentRequired are left out THEN both are deletes the review gate holds for consent, and the apply resets assignment required to AWS's default", async () => {
      const ws = await s().workspace("one-group", withGroups([NIGHT_SHIFT]), { stateFrom: needApplied() });
      const plan = await ws.plan();
      const changes = plan.json.resource_changes?.filter((c) => !c.change.actions.includes("no-op")) ?? [];
      const group = "aws_ssoadmin_application_assignment.application_group_assignments";
      const configuration = "aws_ssoadmin_application_assignment_configuration.application_assignment_configuration";
      expect(changes.map((c) => [c.address, c.change.actions])).toEqual([
        [`${group}["${SUPERVISORS}"]`, ["delete"]],
        [configuration, ["delete"]],
      ]);

      let out = "";
      let err = "";
      const code = runReview(
        [plan.jsonFile],
        (t) => (out += t),
        (t) => (err += t),
      );
      expect(code).toBe(1);
      expect(out).toContain(SUPERVISORS);
      // A display name with blanks is no one-token target: the consent names the resource.
      expect(err.split("\n").slice(1)).toEqual([`  consent: connect-sso-dev ${group}`, `  consent: connect-sso-dev ${configuration}`]);
      let consentErr = "";
      const consented = runReview(
        ["--consent", `connect-sso-dev:${group}`, "--consent", `connect-sso-dev:${configuration}`, plan.jsonFile],
        () => undefined,
        (t) => (consentErr += t),
      );
      expect({ consented, consentErr }).toEqual({ consented: 0, consentErr: "" });

      await ws.apply(plan);
      expect(groupAssignments()).toEqual([s().identityCenterGroupIds[NIGHT_SHIFT]]);
      expect(await assignmentRequired()).toBe(true);
    }, 240_000);

    test("GIVEN a group that is not in the identity store WHEN planned THEN the plan fails, naming the group", async () => {
      const missing = "Weekend Agents";
      const ws = await s().workspace("missing-group", withGroups([SUPERVISORS, missing], true));
      const result = await ws.terraform(["plan", "-input=false", "-lock=false"], [0, 1, 2]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`data.aws_identitystore_group.identity_center_groups["${missing}"]`);
    }, 240_000);
  },
);
