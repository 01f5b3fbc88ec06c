/**
 * FederationRole alone: a role trusted only by one SAML provider, holding exactly one inline
 * policy; adoption imports it by name; and what it refuses.
 */
import { TerraformVariable } from "cdktf";
import { FederationRole, type FederationRoleProps } from "../../modules/federation-role";
import { expectValidationError, STACK, synthesized } from "./bare-stack";

const props: FederationRoleProps = {
  roleName: "AmazonConnectSSO-dev",
  samlProviderArn: "arn:aws:iam::111122223333:saml-provider/AmazonConnectSSO-dev",
  audiences: ["https://signin.aws.amazon.com/saml"],
  instanceArn: "arn:aws:connect:us-west-2:111122223333:instance/0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90",
  maxSessionDurationSeconds: 36000,
};
const ROLE_ALLOWED = "1..64 of A-Z a-z 0-9 _ + = , . @ -";

describe("FederationRole builds", () => {
  test("GIVEN a provider and an instance WHEN built THEN the role trusts only that provider for SAML and holds only the federation policy", () => {
    const json = synthesized((stack) => new FederationRole(stack, "role", props));
    const role = json.resource.aws_iam_role.federation_role;
    expect(role).toMatchObject({ name: "AmazonConnectSSO-dev", max_session_duration: 36000 });
    expect(role.lifecycle).toBeUndefined();
    const trust = JSON.parse(role.assume_role_policy).Statement;
    expect(trust).toEqual([expect.objectContaining({ Principal: { Federated: props.samlProviderArn }, Action: "sts:AssumeRoleWithSAML" })]);
    expect(JSON.parse(json.resource.aws_iam_role_policy.federation_policy.policy).Statement[0].Action).toBe("connect:GetFederationToken");
    expect(json.resource.aws_iam_role_policy_attachments_exclusive.federation_role_managed_policies.policy_arns).toEqual([]);
    expect(json.import).toBeUndefined();
  });

  test("GIVEN protect WHEN built THEN the role refuses destruction", () => {
    const json = synthesized((stack) => new FederationRole(stack, "role", { ...props, protect: true }));
    expect(json.resource.aws_iam_role.federation_role.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("GIVEN adopt with the role's name WHEN built THEN the first apply imports the role by name", () => {
    const json = synthesized((stack) => new FederationRole(stack, "role", { ...props, adopt: [props.roleName] }));
    expect(json.import).toEqual([{ to: "aws_iam_role.federation_role", id: "AmazonConnectSSO-dev" }]);
  });

  test("GIVEN a role name that is a Terraform reference WHEN built THEN it is left to Terraform to check", () => {
    const json = synthesized(
      (stack) => new FederationRole(stack, "role", { ...props, roleName: new TerraformVariable(stack, "role_name", { type: "string" }).stringValue }),
    );
    expect(json.resource.aws_iam_role.federation_role.name).toBe("${var.role_name}");
  });
});

describe("FederationRole refuses, naming its path", () => {
  test.each(["x y", "r".repeat(65), ""])("GIVEN role name %j WHEN built THEN it is refused", (roleName) => {
    expectValidationError(
      (stack) => new FederationRole(stack, "role", { ...props, roleName }),
      `${STACK}/role: roleName ${JSON.stringify(roleName)} is not valid; allowed: ${ROLE_ALLOWED}`,
    );
  });

  test.each([3599, 43201, Number.NaN])("GIVEN a maximum session of %s seconds WHEN built THEN it is refused", (seconds) => {
    expectValidationError(
      (stack) => new FederationRole(stack, "role", { ...props, maxSessionDurationSeconds: seconds }),
      `${STACK}/role: maxSessionDurationSeconds ${seconds} is out of range; allowed: 3600..43200 seconds`,
    );
  });

  test("GIVEN adopt with another name WHEN built THEN it is refused (it would import nothing)", () => {
    expectValidationError(
      (stack) => new FederationRole(stack, "role", { ...props, adopt: ["OtherRole"] }),
      `${STACK}/role: adopt names ["OtherRole"], which this construct does not manage; allowed: this role's name "AmazonConnectSSO-dev"`,
    );
  });
});
