/**
 * Step 0 of the doc's prerequisites: the Amazon Connect instance, set up for SAML.
 * `new ConnectInstance(...)` creates one with SAML; `ConnectInstance.fromInstanceId(...)` and
 * `ConnectInstance.fromAlias(...)` reference an existing one, checked for SAML at plan time.
 */
import { Construct, type IConstruct } from "constructs";
import { ConnectInstance as ConnectInstanceResource } from "@cdktf/provider-aws/lib/connect-instance";
import { DataAwsConnectInstance } from "@cdktf/provider-aws/lib/data-aws-connect-instance";
import { connectInstanceArn, CONNECT_INSTANCE_ALIAS, CONNECT_INSTANCE_ID, type Partition } from "../lib/rules/naming";
import { requireMatch, protection, type ProtectionProps } from "./props";

/** Terraform name of the instance (resource or data source): plans and the rules read `connect_instance`. */
const LOGICAL_ID = "connect_instance";
const ALIAS_ALLOWED = "1..45 letters, digits and inner hyphens, not starting with d-";

/** A SAML Connect instance, created here or referenced. */
export interface IConnectInstance extends IConstruct {
  /** Instance ID as a Terraform reference: resources that use it wait for the SAML check or the creation. */
  readonly instanceId: string;
  readonly instanceArn: string;
}

export interface ConnectInstanceProps extends ProtectionProps {
  /** Alias of the new instance (its URL: `https://<alias>.my.connect.aws`). */
  readonly alias: string;
  readonly inboundCalls: boolean;
  readonly outboundCalls: boolean;
}

export interface ConnectInstanceIdAttributes {
  /** ID of the existing instance: a UUID 8-4-4-4-12. */
  readonly instanceId: string;
  /** Partition, region and account of the instance: its ARN is known at synth. */
  readonly partition: Partition;
  readonly region: string;
  readonly account: string;
}

export interface ConnectInstanceAliasAttributes {
  /** Alias of the existing instance (such as one another stack creates). */
  readonly alias: string;
}

/** A new Connect instance whose users sign in with SAML (identity management cannot change after creation). */
export class ConnectInstance extends Construct implements IConnectInstance {
  /** An existing instance, by ID: checked at plan time to use SAML; its ARN is known at synth. */
  public static fromInstanceId(scope: Construct, id: string, attributes: ConnectInstanceIdAttributes): IConnectInstance {
    return new SamlCheckedInstance(scope, id, { kind: "id", ...attributes });
  }

  /** An existing instance, by alias: checked at plan time to use SAML; its ID and ARN are references. */
  public static fromAlias(scope: Construct, id: string, attributes: ConnectInstanceAliasAttributes): IConnectInstance {
    return new SamlCheckedInstance(scope, id, { kind: "alias", ...attributes });
  }

  public readonly instanceId: string;
  public readonly instanceArn: string;

  constructor(scope: Construct, id: string, props: ConnectInstanceProps) {
    super(scope, id);
    requireMatch(this, "alias", props.alias, CONNECT_INSTANCE_ALIAS, ALIAS_ALLOWED);
    const instance = new ConnectInstanceResource(this, "instance", {
      identityManagementType: "SAML",
      instanceAlias: props.alias,
      inboundCallsEnabled: props.inboundCalls,
      outboundCallsEnabled: props.outboundCalls,
      lifecycle: protection(props),
    });
    instance.overrideLogicalId(LOGICAL_ID);
    this.instanceId = instance.id;
    this.instanceArn = instance.arn;
  }
}

/** An existing instance, read by a data source whose postcondition fails the plan unless it uses SAML. */
class SamlCheckedInstance extends Construct implements IConnectInstance {
  public readonly instanceId: string;
  public readonly instanceArn: string;

  constructor(
    scope: Construct,
    id: string,
    attributes: ({ readonly kind: "id" } & ConnectInstanceIdAttributes) | ({ readonly kind: "alias" } & ConnectInstanceAliasAttributes),
  ) {
    super(scope, id);
    const byId = attributes.kind === "id";
    if (byId) requireMatch(this, "instanceId", attributes.instanceId, CONNECT_INSTANCE_ID, "a UUID 8-4-4-4-12");
    else requireMatch(this, "alias", attributes.alias, CONNECT_INSTANCE_ALIAS, ALIAS_ALLOWED);
    const name = byId ? attributes.instanceId : `with alias ${attributes.alias}`;
    const instance = new DataAwsConnectInstance(this, "instance", {
      ...(byId ? { instanceId: attributes.instanceId } : { instanceAlias: attributes.alias }),
      lifecycle: {
        postcondition: [
          {
            condition: '${self.identity_management_type == "SAML"}',
            errorMessage: `Connect instance ${name} does not use SAML (identity management cannot change after creation): federation through Identity Center needs a SAML instance. Point connect.instanceId at one, or use connect.create.`,
          },
        ],
      },
    });
    instance.overrideLogicalId(LOGICAL_ID);
    this.instanceId = instance.id;
    this.instanceArn = byId ? connectInstanceArn(attributes.partition, attributes.region, attributes.account, attributes.instanceId) : instance.arn;
  }
}
