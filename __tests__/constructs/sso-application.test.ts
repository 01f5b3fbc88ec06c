/**
 * SsoApplication alone: the relay state the console needs; given the application's ARN, each user
 * found (or created) in Identity Center and assigned, groups found by display name and assigned,
 * "assignment required" when set; and what it refuses.
 */
import { SsoApplication, type SsoApplicationProps } from "../../modules/sso-application";
import { bareStack, expectValidationError, STACK, synthesized } from "./bare-stack";

const ARN = "arn:aws:sso::111122223333:application/ssoins-7223a0b1c2d3e4f5/apl-0a1b2c3d4e5f6a7b";
const props: SsoApplicationProps = {
  partition: "aws",
  region: "us-west-2",
  instanceId: "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90",
  destination: "agent-app-v2",
  users: [
    { username: "alice@example.com", firstName: "Alice", lastName: "Nguyen" },
    { username: "bob@example.com", firstName: "Bob", lastName: "Martin" },
  ],
};

describe("SsoApplication builds", () => {
  test("GIVEN no application ARN WHEN built THEN it gives the relay state and manages nothing", () => {
    let application: SsoApplication | undefined;
    const json = synthesized((stack) => (application = new SsoApplication(stack, "application", props)));
    expect(application?.relayStateUrl).toBe(
      "https://us-west-2.console.aws.amazon.com/connect/federate/0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90?destination=%2Fagent-app-v2",
    );
    expect(json.resource).toBeUndefined();
    expect(json.data).toBeUndefined();
  });

  test("GIVEN an application ARN and an identity store WHEN built THEN each user is found by user name there and assigned", () => {
    const json = synthesized((stack) => new SsoApplication(stack, "application", { ...props, applicationArn: ARN, identityStoreId: "d-9067a1b2c3" }));
    const found = json.data.aws_identitystore_user.identity_center_users;
    expect(found.for_each).toBe('${toset(["alice@example.com", "bob@example.com"])}');
    expect(found.identity_store_id).toBe("d-9067a1b2c3");
    expect(json.data.aws_ssoadmin_instances).toBeUndefined();
    const assignments = json.resource.aws_ssoadmin_application_assignment.application_assignments;
    expect(assignments).toMatchObject({
      application_arn: ARN,
      principal_type: "USER",
      principal_id: "${data.aws_identitystore_user.identity_center_users[each.value].user_id}",
    });
  });

  test("GIVEN createUsers and no identity store WHEN built THEN the users are created in the instance's first store", () => {
    const json = synthesized((stack) => new SsoApplication(stack, "application", { ...props, applicationArn: ARN, createUsers: true }));
    const created = json.resource.aws_identitystore_user.identity_center_users;
    expect(Object.keys(created.for_each)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(created.identity_store_id).toBe("${element(data.aws_ssoadmin_instances.identity_center_instances.identity_store_ids, 0)}");
    expect(json.resource.aws_ssoadmin_application_assignment.application_assignments.principal_id).toBe(
      "${aws_identitystore_user.identity_center_users[each.value].user_id}",
    );
  });

  test("GIVEN groups besides users WHEN built THEN each distinct group is found by display name once and assigned as a GROUP, users as before", () => {
    const json = synthesized(
      (stack) =>
        new SsoApplication(stack, "application", { ...props, applicationArn: ARN, identityStoreId: "d-9067a1b2c3", groups: ["Supervisors", "Agents (EU)"] }),
    );
    const found = json.data.aws_identitystore_group.identity_center_groups;
    expect(found).toMatchObject({
      for_each: '${toset(["Agents (EU)", "Supervisors"])}',
      identity_store_id: "d-9067a1b2c3",
      alternate_identifier: { unique_attribute: { attribute_path: "DisplayName", attribute_value: "${each.value}" } },
    });
    expect(json.resource.aws_ssoadmin_application_assignment.application_group_assignments).toMatchObject({
      for_each: '${toset(["Agents (EU)", "Supervisors"])}',
      application_arn: ARN,
      principal_type: "GROUP",
      principal_id: "${data.aws_identitystore_group.identity_center_groups[each.value].group_id}",
    });
    // The users' assignments keep their address: an upgrade moves nothing.
    expect(json.resource.aws_ssoadmin_application_assignment.application_assignments.principal_type).toBe("USER");
    expect(json.resource.aws_ssoadmin_application_assignment_configuration).toBeUndefined();
  });

  test("GIVEN assignUsers false, a group and assignmentRequired WHEN built THEN only the group is assigned, users are not looked up, and the setting is managed", () => {
    const json = synthesized(
      (stack) => new SsoApplication(stack, "application", { ...props, applicationArn: ARN, assignUsers: false, groups: ["Agents"], assignmentRequired: false }),
    );
    expect(Object.keys(json.resource.aws_ssoadmin_application_assignment)).toEqual(["application_group_assignments"]);
    expect(json.data.aws_identitystore_user).toBeUndefined();
    expect(json.data.aws_identitystore_group.identity_center_groups.identity_store_id).toBe(
      "${element(data.aws_ssoadmin_instances.identity_center_instances.identity_store_ids, 0)}",
    );
    expect(json.resource.aws_ssoadmin_application_assignment_configuration.application_assignment_configuration).toEqual({
      application_arn: ARN,
      assignment_required: false,
    });
  });

  test("GIVEN a group display name with template sequences, quotes and a backslash WHEN built THEN the look-up's set spells it so Terraform reads it as written", () => {
    const json = synthesized((stack) => new SsoApplication(stack, "application", { ...props, applicationArn: ARN, groups: ['${x} %{ y } "q" \\z'] }));
    expect(json.data.aws_identitystore_group.identity_center_groups.for_each).toBe('${toset(["$${x} %%{ y } \\"q\\" \\\\z"])}');
  });
});

describe("SsoApplication refuses, naming its path", () => {
  test("GIVEN createUsers without an application ARN WHEN built THEN it is refused: there is nothing to assign them to", () => {
    expectValidationError(
      (stack) => new SsoApplication(stack, "application", { ...props, createUsers: true }),
      `${STACK}/application: createUsers needs applicationArn; allowed: createUsers only with an application to assign to`,
    );
  });

  test("GIVEN groups, assignUsers false and assignmentRequired without an application ARN WHEN built THEN all three are named in one refusal", () => {
    expectValidationError(
      (stack) => new SsoApplication(stack, "application", { ...props, groups: ["Agents"], assignUsers: false, assignmentRequired: true }),
      `${STACK}/application: groups, assignUsers, assignmentRequired need applicationArn; allowed: groups, assignUsers, assignmentRequired only with an application to assign to`,
    );
  });

  test("GIVEN a group named twice WHEN built THEN it is refused: one assignment per group", () => {
    expectValidationError(
      (stack) => new SsoApplication(stack, "application", { ...props, applicationArn: ARN, groups: ["Agents", "Agents"] }),
      `${STACK}/application: groups ["Agents","Agents"] name a group twice; allowed: each once`,
    );
  });

  test("GIVEN a group display name holding a cdktf reference marker WHEN built THEN it is refused as not literal text", () => {
    const stack = () => new SsoApplication(bareStack(), "application", { ...props, applicationArn: ARN, groups: ["${TfToken[TOKEN.1]}"] });
    expect(stack).toThrow(/groups\[\] contains "\$\{TfToken\[TOKEN\.1\]\}", which is not literal text/);
  });

  test.each([
    ["a role ARN", "arn:aws:iam::111122223333:role/x"],
    ["an ARN with a short application id", "arn:aws:sso::111122223333:application/ssoins-7223a0b1c2d3e4f5/apl-0a1b"],
  ])("GIVEN %s as the application ARN WHEN built THEN it is refused", (_what, applicationArn) => {
    expectValidationError(
      (stack) => new SsoApplication(stack, "application", { ...props, applicationArn }),
      `${STACK}/application: applicationArn ${JSON.stringify(applicationArn)} is not valid; allowed: arn:<partition>:sso::<account>:application/ssoins-<16>/apl-<16>`,
    );
  });
});
