/**
 * GITHUB_OIDC_PROVIDER: an OIDC provider in a stack is GitHub's, issuing tokens only for the
 * partition's STS, so the pipeline roles' trust in it means GitHub Actions and nothing else.
 */
import { githubOidcAudience, GITHUB_OIDC_URL } from "../../rules/naming";
import { defineRule } from "./rule";
import { asList } from "./view";

export const GITHUB_OIDC_PROVIDER = defineRule({
  id: "GITHUB_OIDC_PROVIDER",
  why: "an OIDC provider is GitHub's (https://token.actions.githubusercontent.com) with the partition's STS audience as its only client ID (GitHub's OIDC guide for AWS)",
  reads: ["aws_iam_openid_connect_provider"],
  check(view, fail) {
    const audience = view.partition ? githubOidcAudience(view.partition) : undefined;
    for (const [address, body] of view.resources("aws_iam_openid_connect_provider")) {
      const clients = asList(body.client_id_list);
      if (body.url !== GITHUB_OIDC_URL || !audience || clients.length !== 1 || clients[0] !== audience) {
        fail(
          address,
          `is ${JSON.stringify(body.url)} for client IDs ${JSON.stringify(body.client_id_list)}; allowed: ${GITHUB_OIDC_URL} for [${JSON.stringify(audience ?? "the STS audience of a known partition")}] only`,
        );
      }
    }
  },
});
