/**
 * One environment's stack: composes the doc's steps for one account, region and Connect instance.
 */
import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Environment } from "../lib/config/environment";
import { MAIN_STACK, usersOfStack } from "../lib/rules/sharding";
import { maxSessionDurationSeconds, roleAttributeValue, samlAudience, samlProviderArn, stackName } from "../lib/rules/naming";
import { ConnectInstance } from "../modules/connect-instance";
import { ConnectUsers } from "../modules/connect-users";
import { FederationRole } from "../modules/federation-role";
import { SamlProvider } from "../modules/saml-provider";
import { SsoApplication } from "../modules/sso-application";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";

/**
 * The main stack of an environment: instance, SAML provider, role, application assignments, and
 * the Connect users unless they are split over users stacks (see users-stack.ts).
 */
export class ConnectSsoStack extends EnvironmentStack {
  constructor(scope: Construct, props: EnvironmentStackProps) {
    super(scope, stackName(props.environment.name), props, (key) => key);
    const env = props.environment;

    const instance = new ConnectInstance(this, "connect_instance", {
      target: env.connect,
      partition: env.partition,
      region: env.region,
      account: env.account,
      protect: env.protected,
    });
    const provider = new SamlProvider(this, "saml_provider", {
      name: env.iam.samlProviderName,
      metadataDocument: env.ssoApplication.metadataXml,
      protect: env.protected,
      adoptArn: env.adopt.samlProvider ? samlProviderArn(env.partition, env.account, env.iam.samlProviderName) : undefined,
    });
    const role = new FederationRole(this, "federation_role", {
      roleName: env.iam.roleName,
      samlProviderArn: provider.arn,
      audience: samlAudience(env.partition),
      instanceArn: instance.instanceArn,
      maxSessionDurationSeconds: maxSessionDurationSeconds(env.ssoApplication.sessionDurationHours),
      protect: env.protected,
      adopt: env.adopt.role,
    });
    const own = usersOfStack(env.users, MAIN_STACK, env.sharding);
    new ConnectUsers(this, "connect_users", {
      instanceId: instance.instanceId,
      users: own.users,
      adopt: [...own.arriving, ...adoptedAmong(env, own.users)],
      forget: own.leaving,
    });
    const application = new SsoApplication(this, "sso_application", {
      partition: env.partition,
      region: env.region,
      instanceId: instance.knownInstanceId ?? instance.instanceId,
      destination: env.ssoApplication.destination,
      applicationArn: env.ssoApplication.applicationArn,
      identityStoreId: env.identityCenter.identityStoreId,
      createUsers: env.identityCenter.createUsers,
      users: env.users,
      provider: identityCenterProvider(this, env),
    });

    new TerraformOutput(this, "relay_state_url", { value: application.relayStateUrl, description: "Relay state of the Identity Center application" });
    new TerraformOutput(this, "saml_provider_arn", { value: provider.arn });
    new TerraformOutput(this, "federation_role_arn", { value: role.arn });
    new TerraformOutput(this, "sso_role_attribute_value", {
      value: roleAttributeValue(role.arn, provider.arn),
      description: "Value of the https://aws.amazon.com/SAML/Attributes/Role attribute mapping",
    });
  }
}

/** Users of a stack that the environment adopts (made by hand, imported on the first apply). */
export function adoptedAmong(env: Environment, users: ReadonlyArray<{ readonly username: string }>): string[] {
  const here = new Set(users.map((u) => u.username));
  return env.adopt.users.filter((name) => here.has(name));
}

/** A second provider when Identity Center lives in another region or account; else the default one. */
function identityCenterProvider(scope: Construct, env: Environment): AwsProvider | undefined {
  const { region, assumeRoleArn } = env.identityCenter;
  if (region === env.region && !assumeRoleArn) return undefined;
  return new AwsProvider(scope, "identity_center", {
    alias: "identity_center",
    region,
    assumeRole: assumeRoleArn ? [{ roleArn: assumeRoleArn, sessionName: "connect-sso" }] : undefined,
    defaultTags: Object.keys(env.tags).length ? [{ tags: { ...env.tags } }] : undefined,
  });
}
