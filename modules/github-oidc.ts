/**
 * GitHub Actions as an IAM OIDC identity provider: what lets a workflow run trade its token for a
 * pipeline role's session. One per account; an environment may name an existing one instead.
 */
import { Construct } from "constructs";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { GITHUB_OIDC_PROVIDER_ARN, GITHUB_OIDC_URL, PIPELINE_RESOURCE_NAMES } from "../lib/rules/naming";
import { requireMatch } from "./props";

export interface GithubOidcProviderProps {
  /** Client ID the provider accepts, which GitHub's token carries as `aud` (see githubOidcAudience). */
  readonly audience: string;
  /**
   * ARN of the account's existing GitHub provider, used as is.
   * @default none: the provider is created
   */
  readonly existingArn?: string;
  /**
   * Refuse `terraform destroy` of a created provider.
   * @default false
   */
  readonly protect?: boolean;
}

export class GithubOidcProvider extends Construct {
  /** ARN of the provider: a reference when created here, else the given ARN. */
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps) {
    super(scope, id);
    if (props.existingArn !== undefined) {
      requireMatch(
        "GithubOidcProvider",
        "existingArn",
        props.existingArn,
        GITHUB_OIDC_PROVIDER_ARN,
        "arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
      );
      this.arn = props.existingArn;
      return;
    }
    // No thumbprint: IAM trusts GitHub's issuer through its own library of root CAs.
    const provider = new IamOpenidConnectProvider(this, "provider", {
      url: GITHUB_OIDC_URL,
      clientIdList: [props.audience],
      lifecycle: props.protect ? { preventDestroy: true } : undefined,
    });
    provider.overrideLogicalId(PIPELINE_RESOURCE_NAMES.oidcProvider);
    this.arn = provider.arn;
  }
}
