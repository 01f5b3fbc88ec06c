/**
 * What each example stack declares, checked with cdktf's Testing matchers, plus a snapshot of each
 * example stack's Terraform JSON (stable across machines: fixed files, fixed clock, relative paths).
 */
import { ConnectInstance as ConnectInstanceResource } from "@cdktf/provider-aws/lib/connect-instance";
import { ConnectUser } from "@cdktf/provider-aws/lib/connect-user";
import { DataAwsConnectInstance } from "@cdktf/provider-aws/lib/data-aws-connect-instance";
import { DataAwsConnectSecurityProfile } from "@cdktf/provider-aws/lib/data-aws-connect-security-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamSamlProvider } from "@cdktf/provider-aws/lib/iam-saml-provider";
import { SsoadminApplicationAssignment } from "@cdktf/provider-aws/lib/ssoadmin-application-assignment";
import { Testing } from "cdktf";
import type { Environment } from "../lib/config/environment";
import { BOOTSTRAP_STACK_OUTPUTS, MAIN_STACK_OUTPUTS } from "../lib/rules/outputs";
import { environmentStacks } from "../stacks";
import { BootstrapStack } from "../stacks/bootstrap-stack";
import { exampleEnvironment, exampleEnvironments, synthStack, testApp } from "./support/environments";

const parsed = (name: string) => JSON.parse(synthStack(exampleEnvironment(name)));

describe.each(exampleEnvironments().map((e) => e.name))("example stack connect-sso-%s", (name) => {
  test("GIVEN the example WHEN synthesized THEN the JSON matches the reviewed snapshot", () => {
    expect(parsed(name)).toMatchSnapshot();
  });

  test("GIVEN the example WHEN synthesized THEN it holds the SAML provider and the role, and no managed policy", () => {
    const synth = synthStack(exampleEnvironment(name));
    expect(synth).toHaveResource(IamSamlProvider);
    expect(synth).toHaveResource(IamRole);
    expect(synth).not.toHaveResource(IamRolePolicyAttachment);
  });

  test("GIVEN the example WHEN synthesized THEN the four outputs exist under their exact names, described in lib/rules/outputs.ts's words", () => {
    const output = parsed(name).output as Record<string, { description: string }>;
    expect(Object.keys(output).sort()).toEqual(["federation_role_arn", "relay_state_url", "saml_provider_arn", "sso_role_attribute_value"]);
    expect(Object.values(MAIN_STACK_OUTPUTS).map((o) => output[o.name].description)).toEqual(Object.values(MAIN_STACK_OUTPUTS).map((o) => o.description));
  });

  test("GIVEN the example's users WHEN synthesized THEN one for_each resource is keyed by exactly those user names", () => {
    const env = exampleEnvironment(name);
    const users = parsed(name).resource.aws_connect_user.connect_users;
    expect(users.for_each).toBe("${local.connect_users}");
    expect(Object.keys(parsed(name).locals.connect_users).sort()).toEqual(env.users.map((u) => u.username).sort());
    expect(users.name).toBe("${each.key}");
    expect(users.identity_info.email).toBeUndefined();
  });

  test("GIVEN the example's users WHEN synthesized THEN each profile name is looked up once", () => {
    const env = exampleEnvironment(name);
    const json = parsed(name);
    const distinct = [...new Set(env.users.flatMap((u) => u.securityProfiles))].sort();
    expect(json.data.aws_connect_security_profile.security_profiles.for_each).toBe(`\${toset(${JSON.stringify(distinct).replace(/,/g, ", ")})}`);
    expect(synthStack(env)).toHaveDataSourceWithProperties(DataAwsConnectSecurityProfile, { name: "${each.value}" });
  });
});

describe("stack composition", () => {
  test("GIVEN dev (existing instance) WHEN synthesized THEN the instance is checked for SAML at plan time", () => {
    const json = parsed("dev");
    expect(synthStack(exampleEnvironment("dev"))).toHaveDataSourceWithProperties(DataAwsConnectInstance, {
      instance_id: "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90",
    });
    const [check] = json.data.aws_connect_instance.connect_instance.lifecycle.postcondition;
    expect(check.condition).toBe('${self.identity_management_type == "SAML"}');
    expect(check.error_message).toMatch(/does not use SAML/);
    expect(json.resource.aws_connect_user.connect_users.instance_id).toBe("${data.aws_connect_instance.connect_instance.id}");
  });

  test("GIVEN staging (connect.create) WHEN synthesized THEN a SAML instance is created and the relay state follows it", () => {
    const synth = synthStack(exampleEnvironment("staging"));
    expect(synth).toHaveResourceWithProperties(ConnectInstanceResource, { identity_management_type: "SAML", instance_alias: "acme-staging" });
    expect(JSON.parse(synth).output.relay_state_url.value).toBe(
      "https://us-east-1.console.aws.amazon.com/connect/federate/${aws_connect_instance.connect_instance.id}?destination=%2Fccp-v2%2Fchat&new_domain=true",
    );
  });

  test("GIVEN prod (protected) WHEN synthesized THEN the provider and the role refuse destruction, and dev's do not", () => {
    const prod = parsed("prod").resource;
    expect(prod.aws_iam_saml_provider.saml_provider.lifecycle).toEqual({ prevent_destroy: true });
    expect(prod.aws_iam_role.federation_role.lifecycle).toEqual({ prevent_destroy: true });
    expect(parsed("dev").resource.aws_iam_role.federation_role.lifecycle).toBeUndefined();
  });

  test("GIVEN an application ARN WHEN synthesized THEN every user is found by user name and assigned", () => {
    const synth = synthStack(exampleEnvironment("staging"));
    expect(synth).toHaveResourceWithProperties(SsoadminApplicationAssignment, {
      principal_type: "USER",
      principal_id: "${data.aws_identitystore_user.identity_center_users[each.value].user_id}",
    });
    const lookup = JSON.parse(synth).data.aws_identitystore_user.identity_center_users;
    expect(lookup.alternate_identifier.unique_attribute.attribute_path).toBe("UserName");
  });

  test("GIVEN dev (no application ARN) WHEN synthesized THEN no assignment is managed", () => {
    expect(synthStack(exampleEnvironment("dev"))).not.toHaveResource(SsoadminApplicationAssignment);
  });

  test("GIVEN prod's users WHEN synthesized THEN names are NFC and desk phones carry their number", () => {
    const users = parsed("prod").locals.connect_users;
    expect(users["jose.pena@example.com"]).toMatchObject({ first_name: "José", last_name: "Peña" });
    expect(users["jose.pena@example.com"].first_name).toBe(users["jose.pena@example.com"].first_name.normalize("NFC"));
    expect(users["bob.martin@example.com"]).toMatchObject({ phone_type: "DESK_PHONE", desk_phone_number: "+12065550100", after_contact_work_time_limit: 120 });
    expect(synthStack(exampleEnvironment("prod"))).toHaveResourceWithProperties(ConnectUser, {
      security_profile_ids: "${[for name in each.value.security_profiles : data.aws_connect_security_profile.security_profiles[name].security_profile_id]}",
    });
  });
});

describe.each(exampleEnvironments().map((e) => e.name))("example bootstrap stack connect-sso-%s-bootstrap", (name) => {
  const bootstrap = () => JSON.parse(Testing.synth(new BootstrapStack(testApp(), { environment: exampleEnvironment(name) })));

  test("GIVEN the example WHEN its bootstrap stack is synthesized THEN the JSON matches the reviewed snapshot", () => {
    expect(bootstrap()).toMatchSnapshot();
  });

  test("GIVEN the example WHEN its bootstrap stack is synthesized THEN its state is local (an administrator applies it, never the pipeline) and its provider is the environment's", () => {
    const env = exampleEnvironment(name);
    const json = bootstrap();
    expect(json.terraform.backend).toEqual({ local: { path: `../../../terraform.connect-sso-${name}-bootstrap.tfstate` } });
    expect(json.provider.aws).toEqual([expect.objectContaining({ region: env.region, allowed_account_ids: [env.account] })]);
  });

  test("GIVEN the example WHEN its bootstrap stack is synthesized THEN the roles are named after the environment and the outputs name what a workflow needs", () => {
    const json = bootstrap();
    expect(
      Object.values(json.resource.aws_iam_role)
        .map((r: any) => r.name)
        .sort(),
    ).toEqual([`connect-sso-${name}-apply`, `connect-sso-${name}-plan`]);
    expect(Object.keys(json.output).sort()).toEqual([
      "apply_role_arn",
      "github_oidc_provider_arn",
      "github_oidc_subject_customization",
      "plan_role_arn",
      "state_bucket_name",
    ]);
    expect(Object.values(BOOTSTRAP_STACK_OUTPUTS).map((o) => json.output[o.name].description)).toEqual([
      "Bucket of the environment's Terraform state (backend.s3.bucket)",
      "ARN of GitHub's OIDC provider, which the plan and apply roles trust",
      "Role of pull-request plans and drift runs (read-only)",
      `Role of applies, for jobs of the GitHub environment ${name} in .github/workflows/connect-sso.yml on main`,
      "Body of PUT /repos/acme/contact-center/actions/oidc/customization/sub: the roles trust subjects that name the workflow file and ref",
    ]);
    expect(JSON.parse(json.output.github_oidc_subject_customization.value)).toEqual({
      use_default: false,
      include_claim_keys: ["repo", "context", "job_workflow_ref"],
    });
  });
});

describe("bootstrap stack composition", () => {
  const ids = (environment: Environment) => environmentStacks(testApp(), environment).map((s) => s.node.id);

  test("GIVEN an environment with a pipeline section WHEN its stacks are made THEN the bootstrap stack comes last, after its users stacks", () => {
    const dev = exampleEnvironment("dev");
    expect(ids({ ...dev, sharding: { stacks: 2, usersPerStack: 500 } })).toEqual([
      "connect-sso-dev",
      "connect-sso-dev-users-1",
      "connect-sso-dev-users-2",
      "connect-sso-dev-bootstrap",
    ]);
  });

  test("GIVEN an environment without a pipeline section WHEN its stacks are made THEN it has no bootstrap stack", () => {
    expect(ids({ ...exampleEnvironment("dev"), pipeline: undefined })).toEqual(["connect-sso-dev"]);
  });

  test("GIVEN stateBucket.create false WHEN synthesized THEN no S3 resource and no bucket output, and the roles still name the bucket", () => {
    const dev = exampleEnvironment("dev");
    const json = JSON.parse(
      Testing.synth(new BootstrapStack(testApp(), { environment: { ...dev, pipeline: { ...dev.pipeline!, stateBucket: { create: false } } } })),
    );
    expect(Object.keys(json.resource).filter((t) => t.startsWith("aws_s3_"))).toEqual([]);
    expect(json.output.state_bucket_name).toBeUndefined();
    expect(json.resource.aws_iam_role_policy.pipeline_plan_policy.policy).toContain("arn:aws:s3:::acme-connect-sso-state-dev");
  });

  test("GIVEN prod (protected) WHEN synthesized THEN the roles refuse destruction, and the bucket does in every environment", () => {
    const prod = JSON.parse(Testing.synth(new BootstrapStack(testApp(), { environment: exampleEnvironment("prod") })));
    expect(Object.values(prod.resource.aws_iam_role).map((r: any) => r.lifecycle)).toEqual([{ prevent_destroy: true }, { prevent_destroy: true }]);
    const dev = JSON.parse(Testing.synth(new BootstrapStack(testApp(), { environment: exampleEnvironment("dev") })));
    expect(Object.values(dev.resource.aws_iam_role).map((r: any) => r.lifecycle)).toEqual([undefined, undefined]);
    expect(dev.resource.aws_s3_bucket.state_bucket.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("GIVEN an environment without a pipeline section WHEN a bootstrap stack is made anyway THEN it throws, naming what is missing", () => {
    expect(() => new BootstrapStack(testApp(), { environment: { ...exampleEnvironment("dev"), pipeline: undefined } })).toThrow(
      "BootstrapStack: environment dev has no pipeline section; allowed: an environment with both (the roles are scoped to its state)",
    );
  });
});
