/**
 * GithubOidcProvider alone: `new` creates the account's GitHub provider; fromProviderArn uses an
 * existing one as is, after checking it is GitHub's.
 */
import { GithubOidcProvider } from "../../modules/github-oidc";
import { expectValidationError, STACK, synthesized } from "./bare-stack";

const EXISTING = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

describe("GithubOidcProvider", () => {
  test("GIVEN an audience WHEN built THEN one provider trusts GitHub's issuer for that client ID, without a thumbprint", () => {
    const json = synthesized((stack) => new GithubOidcProvider(stack, "oidc", { audience: "sts.amazonaws.com" }));
    expect(json.resource.aws_iam_openid_connect_provider).toEqual({
      github_oidc_provider: { url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] },
    });
  });

  test("GIVEN protect WHEN built THEN the provider refuses destruction", () => {
    const json = synthesized((stack) => new GithubOidcProvider(stack, "oidc", { audience: "sts.amazonaws.com", protect: true }));
    expect(json.resource.aws_iam_openid_connect_provider.github_oidc_provider.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("GIVEN the account's existing provider WHEN referenced THEN its ARN is used as is and nothing is created", () => {
    let arn: string | undefined;
    const json = synthesized((stack) => (arn = GithubOidcProvider.fromProviderArn(stack, "oidc", EXISTING).arn));
    expect(arn).toBe(EXISTING);
    expect(json.resource).toBeUndefined();
  });

  test.each([
    ["another issuer", "arn:aws:iam::111122223333:oidc-provider/gitlab.com"],
    ["an ARN without account", "arn:aws:iam:::oidc-provider/token.actions.githubusercontent.com"],
  ])("GIVEN %s WHEN referenced THEN it is refused, naming its path", (_what, providerArn) => {
    expectValidationError(
      (stack) => GithubOidcProvider.fromProviderArn(stack, "oidc", providerArn),
      `${STACK}/oidc: providerArn ${JSON.stringify(providerArn)} is not valid; allowed: arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com`,
    );
  });
});
