/**
 * TRUST_AUDIENCE: the SAML federation role accepts only assertions addressed to its partition's
 * sign-in endpoint or its Region's own, exactly those; an unknown partition has no audience to
 * accept, so it is refused.
 */
import { isDeepStrictEqual } from "node:util";
import { samlAudiences } from "../../rules/naming";
import { trustOf, statementRule } from "./shapes";
import { asList, asObject } from "./view";

export const TRUST_AUDIENCE = statementRule({
  id: "TRUST_AUDIENCE",
  why: "trust policy requires SAML:aud of the partition's sign-in endpoint and the Region's own (aws-cdk PR #28704, issues #22091, #24243, #25723; AWS Sign-In endpoints)",
  judges: trustOf("federation"),
  judge: (view) => {
    const expected = view.partition && view.region ? samlAudiences(view.partition, view.region) : undefined;
    return (s) => {
      const audience = asObject(asObject(s.Condition)?.StringEquals)?.["SAML:aud"];
      return expected && isDeepStrictEqual([...asList(audience)].sort(), [...expected].sort())
        ? []
        : [`requires SAML:aud ${JSON.stringify(audience)}; allowed: ${JSON.stringify(expected ?? "the audience of a known partition")}`];
    };
  },
});
