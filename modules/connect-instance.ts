/**
 * Step 0 of the doc's prerequisites: the Amazon Connect instance, set up for SAML.
 * An existing instance is checked at plan time; a new one is created with SAML.
 */
import { Construct } from "constructs";
import { ConnectInstance as ConnectInstanceResource } from "@cdktf/provider-aws/lib/connect-instance";
import { DataAwsConnectInstance } from "@cdktf/provider-aws/lib/data-aws-connect-instance";
import type { ConnectTarget } from "../lib/config/environment";
import { connectInstanceArn, CONNECT_INSTANCE_ALIAS, CONNECT_INSTANCE_ID, type Partition } from "../lib/rules/naming";
import { requireMatch } from "./props";

export interface ConnectInstanceProps {
  /** An existing instance to check, the settings of a new one, or (`alias`) one another stack creates. */
  readonly target: ConnectTarget | { readonly kind: "alias"; readonly alias: string };
  readonly partition: Partition;
  readonly region: string;
  readonly account: string;
  /**
   * A created instance refuses `terraform destroy` (it holds every agent and contact record).
   * @default false
   */
  readonly protect?: boolean;
}

export class ConnectInstance extends Construct {
  /** Instance ID as a Terraform reference: resources that use it wait for the SAML check or the creation. */
  public readonly instanceId: string;
  /** Instance ID when known at synth (existing instances), for settings a person types in. */
  public readonly knownInstanceId?: string;
  public readonly instanceArn: string;

  constructor(scope: Construct, id: string, props: ConnectInstanceProps) {
    super(scope, id);
    const { target } = props;
    if (target.kind === "existing" || target.kind === "alias") {
      const byId = target.kind === "existing";
      if (byId) requireMatch("ConnectInstance", "target.instanceId", target.instanceId, CONNECT_INSTANCE_ID, "a UUID 8-4-4-4-12");
      const name = byId ? target.instanceId : `with alias ${target.alias}`;
      const instance = new DataAwsConnectInstance(this, "instance", {
        ...(byId ? { instanceId: target.instanceId } : { instanceAlias: target.alias }),
        lifecycle: {
          postcondition: [
            {
              condition: '${self.identity_management_type == "SAML"}',
              errorMessage: `Connect instance ${name} does not use SAML (identity management cannot change after creation): federation through Identity Center needs a SAML instance. Point connect.instanceId at one, or use connect.create.`,
            },
          ],
        },
      });
      instance.overrideLogicalId("connect_instance");
      this.instanceId = instance.id;
      this.knownInstanceId = byId ? target.instanceId : undefined;
      this.instanceArn = byId ? connectInstanceArn(props.partition, props.region, props.account, target.instanceId) : instance.arn;
    } else {
      requireMatch("ConnectInstance", "target.alias", target.alias, CONNECT_INSTANCE_ALIAS, "1..45 letters, digits and inner hyphens, not starting with d-");
      const instance = new ConnectInstanceResource(this, "instance", {
        identityManagementType: "SAML",
        instanceAlias: target.alias,
        inboundCallsEnabled: target.inboundCalls,
        outboundCallsEnabled: target.outboundCalls,
        lifecycle: props.protect ? { preventDestroy: true } : undefined,
      });
      instance.overrideLogicalId("connect_instance");
      this.instanceId = instance.id;
      this.instanceArn = instance.arn;
    }
  }
}
