/**
 * GitHub Actions as an IAM OIDC identity provider: what lets a workflow run trade its token for a
 * pipeline role's session. One per account: `new GithubOidcProvider(...)` creates it;
 * `GithubOidcProvider.fromProviderArn(...)` references the account's existing one.
 */
import { Construct, type IConstruct } from "constructs";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { GITHUB_OIDC_PROVIDER_ARN, GITHUB_OIDC_URL, PIPELINE_RESOURCE_NAMES } from "../lib/rules/naming";
import { requireMatch, protection, type ProtectionProps } from "./props";

/** GitHub's OIDC provider in an account, created here or referenced. */
export interface IGithubOidcProvider extends IConstruct {
  /** ARN of the provider: a reference when created here, else the given ARN. */
  readonly arn: string;
}

export interface GithubOidcProviderProps extends ProtectionProps {
  /** Client ID the provider accepts, which GitHub's token carries as `aud` (see githubOidcAudience). */
  readonly audience: string;
}

export class GithubOidcProvider extends Construct implements IGithubOidcProvider {
  /** The account's existing GitHub provider, used as is. */
  public static fromProviderArn(scope: Construct, id: string, providerArn: string): IGithubOidcProvider {
    return new ExistingGithubOidcProvider(scope, id, providerArn);
  }

  public readonly arn: string;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps) {
    super(scope, id);
    // No thumbprint: IAM trusts GitHub's issuer through its own library of root CAs.
    const provider = new IamOpenidConnectProvider(this, "provider", {
      url: GITHUB_OIDC_URL,
      clientIdList: [props.audience],
      lifecycle: protection(props),
    });
    provider.overrideLogicalId(PIPELINE_RESOURCE_NAMES.oidcProvider);
    this.arn = provider.arn;
  }
}

class ExistingGithubOidcProvider extends Construct implements IGithubOidcProvider {
  public readonly arn: string;

  constructor(scope: Construct, id: string, providerArn: string) {
    super(scope, id);
    requireMatch(
      this,
      "providerArn",
      providerArn,
      GITHUB_OIDC_PROVIDER_ARN,
      "arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
    );
    this.arn = providerArn;
  }
}
