/**
 * One environment's stack: composes the doc's steps for one account, region and Connect instance.
 */
import { Construct } from "constructs";
import { TerraformOutput, TerraformVariable } from "cdktf";
import type { Environment } from "../lib/config/environment";
import { MAIN_STACK_OUTPUTS, outputDescription, type StackOutput } from "../lib/rules/outputs";
import { MAIN_STACK } from "../lib/rules/sharding";
import { IDENTITY_CENTER_ROLE_VARIABLE, maxSessionDurationSeconds, roleAttributeValue, samlAudiences, stackName } from "../lib/rules/naming";
import { pipelineRoleArns } from "../lib/rules/policies";
import { ConnectInstance } from "../modules/connect-instance";
import { ConnectUsers } from "../modules/connect-users";
import { FederationRole } from "../modules/federation-role";
import { SamlProvider } from "../modules/saml-provider";
import { SsoApplication } from "../modules/sso-application";
import { EnvironmentStack, environmentProvider, instanceById, usersOfThisStack, type EnvironmentStackProps } from "./environment-stack";

/**
 * The main stack of an environment: instance, SAML provider, role, application assignments, and
 * the Connect users unless they are split over users stacks (see users-stack.ts).
 */
export class ConnectSsoStack extends EnvironmentStack {
  constructor(scope: Construct, props: EnvironmentStackProps) {
    super(scope, stackName(props.environment.name), props, (key) => key);
    const env = props.environment;

    const instance =
      env.connect.kind === "create"
        ? new ConnectInstance(this, "connect_instance", {
            alias: env.connect.alias,
            inboundCalls: env.connect.inboundCalls,
            outboundCalls: env.connect.outboundCalls,
            protect: env.protected,
          })
        : instanceById(this, env, env.connect.instanceId);
    const provider = new SamlProvider(this, "saml_provider", {
      name: env.iam.samlProviderName,
      partition: env.partition,
      account: env.account,
      metadataDocument: env.ssoApplication.metadataXml,
      protect: env.protected,
      adopt: env.adopt.samlProvider ? [env.iam.samlProviderName] : [],
    });
    const role = new FederationRole(this, "federation_role", {
      roleName: env.iam.roleName,
      samlProviderArn: provider.arn,
      audiences: samlAudiences(env.partition, env.region),
      instanceArn: instance.instanceArn,
      maxSessionDurationSeconds: maxSessionDurationSeconds(env.ssoApplication.sessionDurationHours),
      protect: env.protected,
      adopt: env.adopt.role ? [env.iam.roleName] : [],
    });
    new ConnectUsers(this, "connect_users", usersOfThisStack(env, MAIN_STACK, instance));
    const application = new SsoApplication(this, "sso_application", {
      partition: env.partition,
      region: env.region,
      // The relay state is typed into the console: the literal ID when the file names the instance.
      instanceId: env.connect.kind === "existing" ? env.connect.instanceId : instance.instanceId,
      destination: env.ssoApplication.destination,
      applicationArn: env.ssoApplication.applicationArn,
      identityStoreId: env.identityCenter.identityStoreId,
      createUsers: env.identityCenter.createUsers,
      users: env.users,
      assignUsers: env.ssoApplication.assignUsers,
      groups: env.ssoApplication.groups,
      assignmentRequired: env.ssoApplication.assignmentRequired,
      provider: identityCenterProvider(this, env),
    });

    const output = (o: StackOutput, value: string) => new TerraformOutput(this, o.name, { value, description: outputDescription(o, env) });
    output(MAIN_STACK_OUTPUTS.relayStateUrl, application.relayStateUrl);
    output(MAIN_STACK_OUTPUTS.samlProviderArn, provider.arn);
    output(MAIN_STACK_OUTPUTS.federationRoleArn, role.arn);
    output(MAIN_STACK_OUTPUTS.roleAttributeValue, roleAttributeValue(role.arn, provider.arn));
  }
}

/**
 * A second provider when Identity Center lives in another region or account; else the default one.
 * In `identityCenter.account` it chains into the bootstrap's role of the kind the run says
 * (IDENTITY_CENTER_ROLE_VARIABLE: `plan` unless an apply job sets `apply`); only that kind's
 * pipeline role may assume it, so a plan job asking for `apply` is refused by IAM.
 */
function identityCenterProvider(scope: Construct, env: Environment) {
  const { region, assumeRoleArn, account } = env.identityCenter;
  const chained = account !== undefined && env.ssoApplication.applicationArn !== undefined;
  if (region === env.region && !assumeRoleArn && !chained) return undefined;
  let roleArn = assumeRoleArn;
  if (chained) {
    new TerraformVariable(scope, IDENTITY_CENTER_ROLE_VARIABLE, {
      type: "string",
      default: "plan",
      description: "Which of the roles in Identity Center's account this run assumes: plan (read-only) or apply",
      validation: [{ condition: `\${contains(["plan", "apply"], var.${IDENTITY_CENTER_ROLE_VARIABLE})}`, errorMessage: "Allowed: plan or apply." }],
    });
    const arn = (k: "plan" | "apply") => pipelineRoleArns(env, k).identityCenter!;
    roleArn = `\${var.${IDENTITY_CENTER_ROLE_VARIABLE} == "apply" ? "${arn("apply")}" : "${arn("plan")}"}`;
  }
  return environmentProvider(scope, "identity_center", env, {
    alias: "identity_center",
    region,
    allowedAccountIds: chained ? [account] : undefined,
    assumeRole: roleArn ? [{ roleArn, sessionName: "connect-sso" }] : undefined,
  });
}
