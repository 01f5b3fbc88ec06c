/**
 * One environment's stack: composes the doc's steps for one account, region and Connect instance.
 */
import * as path from "node:path";
import { Construct } from "constructs";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Environment } from "../lib/config/environment";
import { maxSessionDurationSeconds, roleAttributeValue, samlAudience, samlProviderArn, stackName } from "../lib/naming";
import { ConnectInstance } from "../modules/connect-instance";
import { ConnectUsers } from "../modules/connect-users";
import { FederationRole } from "../modules/federation-role";
import { SamlProvider } from "../modules/saml-provider";
import { SsoApplication } from "../modules/sso-application";

export interface ConnectSsoStackProps {
  /** The checked environment (see lib/config/load.ts). */
  readonly environment: Environment;
  /**
   * Local state file, relative to the stack's synthesized folder (where terraform runs).
   * @default `terraform.<stack>.tfstate` in the project root, for the default `cdktf.out`
   */
  readonly localStatePath?: string;
}

export class ConnectSsoStack extends TerraformStack {
  constructor(scope: Construct, props: ConnectSsoStackProps) {
    const env = props.environment;
    const name = stackName(env.name);
    super(scope, name);

    if (env.backend) {
      const backend = new S3Backend(this, { bucket: env.backend.bucket, region: env.backend.region, key: env.backend.key, encrypt: true, kmsKeyId: env.backend.kmsKeyId });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no property for it.
      backend.addOverride("use_lockfile", true);
    } else {
      new LocalBackend(this, { path: props.localStatePath ?? path.join("..", "..", "..", `terraform.${name}.tfstate`) });
    }
    new AwsProvider(this, "aws", {
      region: env.region,
      // A pipeline holding the wrong account's credentials stops at plan instead of applying there.
      allowedAccountIds: [env.account],
      defaultTags: Object.keys(env.tags).length ? [{ tags: { ...env.tags } }] : undefined,
    });

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
    new ConnectUsers(this, "connect_users", { instanceId: instance.instanceId, users: env.users, adopt: env.adopt.users });
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
