/** GITHUB_OIDC_PROVIDER: an OIDC provider is GitHub's, for the partition's STS audience only. */
import { GITHUB_OIDC_PROVIDER } from "../../lib/synth/security/github-oidc-provider";
import { bootstrapStack, expectAlone, itPassesTheExamples, rulesFired, type Edit } from "./fixtures";

itPassesTheExamples(GITHUB_OIDC_PROVIDER);

test.each<[string, Edit]>([
  ["an OIDC provider for another issuer", (tf) => (tf.resource.aws_iam_openid_connect_provider.github_oidc_provider.url = "https://gitlab.com")],
  ["an OIDC provider with a second client ID", (tf) => tf.resource.aws_iam_openid_connect_provider.github_oidc_provider.client_id_list.push("sigstore")],
])("GIVEN %s WHEN checked THEN GITHUB_OIDC_PROVIDER fires alone on the provider, saying what is allowed", (_, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, GITHUB_OIDC_PROVIDER, "aws_iam_openid_connect_provider.github_oidc_provider");
});

test("GIVEN a China stack WHEN checked THEN the provider and the trust must use the China STS audience", () => {
  const tf = bootstrapStack();
  tf.provider.aws[0].region = "cn-north-1";
  expect(new Set(rulesFired(tf))).toEqual(new Set(["GITHUB_OIDC_PROVIDER", "PIPELINE_TRUST"]));
});
