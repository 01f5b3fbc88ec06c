/**
 * Step 2a of the doc: the IAM SAML identity provider made from the Identity Center application's metadata.
 */
import { Construct } from "constructs";
import { IamSamlProvider } from "@cdktf/provider-aws/lib/iam-saml-provider";
import { SAML_PROVIDER_NAME } from "../lib/rules/naming";
import { METADATA_MAX_CHARS, METADATA_MIN_CHARS } from "../lib/config/metadata";
import { requireMatch, requireRange } from "./props";

export interface SamlProviderProps {
  /** Provider name; changing it replaces the provider (and breaks sign-in until the app is updated). */
  readonly name: string;
  /** The metadata XML downloaded from the application; a new certificate updates the provider in place. */
  readonly metadataDocument: string;
  /**
   * Refuse `terraform destroy` and replacement.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * ARN of a provider made by hand that the first apply imports (then updates in place).
   * @default none: the provider is created
   */
  readonly adoptArn?: string;
}

export class SamlProvider extends Construct {
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: SamlProviderProps) {
    super(scope, id);
    requireMatch("SamlProvider", "name", props.name, SAML_PROVIDER_NAME, "1..128 of A-Z a-z 0-9 _ . -");
    requireRange("SamlProvider", "metadataDocument length", props.metadataDocument.length, METADATA_MIN_CHARS, METADATA_MAX_CHARS, "characters");
    const provider = new IamSamlProvider(this, "provider", {
      name: props.name,
      samlMetadataDocument: props.metadataDocument,
      lifecycle: props.protect ? { preventDestroy: true } : undefined,
    });
    provider.overrideLogicalId("saml_provider");
    if (props.adoptArn) provider.importFrom(props.adoptArn);
    this.arn = provider.arn;
  }
}
