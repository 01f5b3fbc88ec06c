/**
 * PipelineRole alone: a role GitHub's tokens of listed subjects may assume, holding exactly the
 * given policy; and what it refuses.
 */
import { PipelineRole, type PipelineRoleProps } from "../../modules/pipeline-roles";
import { expectValidationError, STACK, synthesized } from "./bare-stack";

const props: PipelineRoleProps = {
  kind: "apply",
  roleName: "connect-sso-dev-apply",
  providerArn: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
  audience: "sts.amazonaws.com",
  subjects: ["repo:acme/cc:environment:dev"],
  policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::b" }] },
};

describe("PipelineRole builds", () => {
  test("GIVEN an apply role WHEN built THEN it trusts only the listed subjects, for six hours (the longest job), and holds only the given policy", () => {
    const json = synthesized((stack) => new PipelineRole(stack, "role", props));
    const role = json.resource.aws_iam_role.pipeline_apply_role;
    expect(role).toMatchObject({ name: "connect-sso-dev-apply", max_session_duration: 21600 });
    const [trust] = JSON.parse(role.assume_role_policy).Statement;
    expect(Object.values(trust.Condition).flatMap((c: any) => Object.entries(c))).toContainEqual([
      "token.actions.githubusercontent.com:sub",
      ["repo:acme/cc:environment:dev"],
    ]);
    expect(JSON.parse(json.resource.aws_iam_role_policy.pipeline_apply_policy.policy)).toEqual(props.policy);
    expect(json.resource.aws_iam_role_policy_attachments_exclusive.pipeline_apply_role_managed_policies.policy_arns).toEqual([]);
  });
});

describe("PipelineRole refuses, naming its path", () => {
  test.each([[[]], [["repo:acme/*:pull_request"]], [["repo:acme/cc:ref:refs/heads/?ain"]]])(
    "GIVEN subjects %j WHEN built THEN it is refused: none, or a wildcard, would widen the trust",
    (subjects) => {
      expectValidationError(
        (stack) => new PipelineRole(stack, "role", { ...props, subjects }),
        `${STACK}/role: subjects ${JSON.stringify(subjects)} are not valid; allowed: one or more literal sub claims, no * or ? but in @refs/pull/*/merge`,
      );
    },
  );

  test("GIVEN a role name with a space WHEN built THEN it is refused", () => {
    expectValidationError(
      (stack) => new PipelineRole(stack, "role", { ...props, roleName: "connect sso" }),
      `${STACK}/role: roleName "connect sso" is not valid; allowed: 1..64 of A-Z a-z 0-9 _ + = , . @ -`,
    );
  });
});
