/**
 * Step 2a of the doc: the IAM SAML identity provider made from the Identity Center application's metadata.
 */
import { Construct } from "constructs";
import { IamSamlProvider } from "@cdktf/provider-aws/lib/iam-saml-provider";
import { SAML_PROVIDER_NAME, samlProviderArn, type Partition } from "../lib/rules/naming";
import { METADATA_MAX_CHARS, METADATA_MIN_CHARS } from "../lib/rules/iam-limits";
import { adoptedNames, literalText, requireMatch, requireRange, type AdoptionProps, protection, type ProtectionProps } from "./props";

export interface SamlProviderProps extends AdoptionProps, ProtectionProps {
  /** Provider name; changing it replaces the provider (and breaks sign-in until the app is updated). */
  readonly name: string;
  /** Partition and account of the provider: an adopted provider is imported by its ARN. */
  readonly partition: Partition;
  readonly account: string;
  /** The metadata XML downloaded from the application; a new certificate updates the provider in place. */
  readonly metadataDocument: string;
}

export class SamlProvider extends Construct {
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: SamlProviderProps) {
    super(scope, id);
    requireMatch(this, "name", props.name, SAML_PROVIDER_NAME, "1..128 of A-Z a-z 0-9 _ . -");
    requireRange(this, "metadataDocument length", props.metadataDocument.length, METADATA_MIN_CHARS, METADATA_MAX_CHARS, "characters");
    const provider = new IamSamlProvider(this, "provider", {
      name: props.name,
      samlMetadataDocument: literalText(this, "metadataDocument", props.metadataDocument),
      lifecycle: protection(props),
    });
    provider.overrideLogicalId("saml_provider");
    // An adopted provider made by hand is imported, then updated in place.
    if (adoptedNames(this, props, new Set([props.name]), `this provider's name ${JSON.stringify(props.name)}`).length > 0) {
      provider.importFrom(samlProviderArn(props.partition, props.account, props.name));
    }
    this.arn = provider.arn;
  }
}
