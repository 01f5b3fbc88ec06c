/**
 * The gate's allowance for in-place updates (lib/rules/harmless-fields.ts) and every certificate
 * of the metadata (lib/config/metadata.ts): an update passes alone only when each attribute it
 * changes is on the harmless list; a certificate added anywhere in the metadata is a certificate
 * change that synth, the lock and the review see.
 *
 * Plans below are HAND-MADE fragments in the shape of `terraform show -json` (format 1.2),
 * reduced to what the review reads.
 */
import { checkMetadata } from "../lib/config/metadata";
import { guardedFields, HARMLESS_UPDATE_FIELDS } from "../lib/rules/harmless-fields";
import type { PlanJson, ResourceChange } from "../lib/tools/plan/format";
import { changesTrust, metadataChange } from "../lib/tools/review/certificates";
import { reviewPlan } from "../lib/tools/review/classify";
import { gate } from "../lib/tools/review/gate";
import { renderRun } from "../lib/tools/review/markdown";
import { makeCertificate, metadataXml } from "../lib/devtools/make-metadata";

const STACK = "connect-sso-prod";
const plan = (resource_changes: ResourceChange[]): PlanJson => ({ format_version: "1.2", applyable: true, complete: true, errored: false, resource_changes });
const update = (type: string, address: string, before: Record<string, unknown>, after: Record<string, unknown>, index?: string): ResourceChange => ({
  address,
  mode: "managed",
  type,
  name: address.split(".")[1].replace(/\[.*$/, ""),
  ...(index ? { index } : {}),
  change: { actions: ["update"], before, after, after_unknown: {} },
});
const run = (p: PlanJson) => {
  const review = reviewPlan(p);
  const result = gate([{ stack: STACK, review }], [], []);
  return { reasons: result.gated.map((g) => `${g.change.reason} ${g.change.resource?.address}`), markdown: renderRun([{ stack: STACK, review }], [], result) };
};

const TRUST = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::111122223333:saml-provider/AmazonConnectSSO-prod" },
      Action: ["sts:AssumeRoleWithSAML", "sts:TagSession"],
      Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
    },
  ],
};
const ROLE = { name: "AmazonConnectSSO-prod", assume_role_policy: JSON.stringify(TRUST), max_session_duration: 43200, description: "", tags: {} };

describe("an update passes without consent only where every changed attribute is harmless", () => {
  test("GIVEN the list WHEN read THEN no entry names a policy, a session length, the metadata or security profiles", () => {
    const all = Object.values(HARMLESS_UPDATE_FIELDS).flat();
    for (const field of [
      "assume_role_policy",
      "inline_policy",
      "managed_policy_arns",
      "policy",
      "max_session_duration",
      "saml_metadata_document",
      "security_profile_ids",
      "permissions_boundary",
    ])
      expect(all).not.toContain(field);
    expect(guardedFields("aws_connect_user", ["identity_info", "security_profile_ids"])).toEqual(["security_profile_ids"]);
    expect(guardedFields("aws_made_up_type", ["tags"])).toEqual(["tags"]);
  });

  test("GIVEN a trust policy that also admits another account's root, with a 12-hour session WHEN reviewed THEN it needs consent and the diff shows both", () => {
    const widened = {
      ...TRUST,
      Statement: [...TRUST.Statement, { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999988887777:root" }, Action: "sts:AssumeRole" }],
    };
    const { reasons, markdown } = run(
      plan([
        update(
          "aws_iam_role",
          "aws_iam_role.federation_role",
          { ...ROLE, max_session_duration: 3600 },
          { ...ROLE, assume_role_policy: JSON.stringify(widened) },
        ),
      ]),
    );
    expect(reasons).toEqual(["guarded-field aws_iam_role.federation_role"]);
    expect(markdown).toMatch(/would change `assume_role_policy`, `max_session_duration`, which no update changes without consent/);
    expect(markdown).toMatch(/\+ +"AWS": "arn:aws:iam::999988887777:root"/);
    expect(markdown).toContain("consent: connect-sso-prod aws_iam_role.federation_role");
  });

  test("GIVEN an update that adds an inline_policy with connect:* on * THEN it needs consent", () => {
    const inline = [{ name: "extra", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:*", Resource: "*" }] }) }];
    const { reasons } = run(plan([update("aws_iam_role", "aws_iam_role.federation_role", { ...ROLE, inline_policy: [] }, { ...ROLE, inline_policy: inline })]));
    expect(reasons).toEqual(["guarded-field aws_iam_role.federation_role"]);
  });

  test("GIVEN a user's security profile changed to an admin profile THEN it needs consent; a name, a phone or a routing profile alone does not", () => {
    const agent = {
      username: "bob@example.com",
      security_profile_ids: ["agent-id"],
      routing_profile_id: "r1",
      identity_info: [{ first_name: "Bob" }],
      tags: {},
    };
    const key = "bob@example.com";
    const address = `aws_connect_user.connect_users["${key}"]`;
    expect(run(plan([update("aws_connect_user", address, agent, { ...agent, security_profile_ids: ["admin-id"] }, key)])).reasons).toEqual([
      `guarded-field ${address}`,
    ]);
    const daily = { ...agent, routing_profile_id: "r2", identity_info: [{ first_name: "Robert" }], tags: { team: "a" } };
    expect(run(plan([update("aws_connect_user", address, agent, daily, key)])).reasons).toEqual([]);
  });

  test("GIVEN a role whose only change is its tags or description THEN it passes alone", () => {
    expect(
      run(plan([update("aws_iam_role", "aws_iam_role.federation_role", ROLE, { ...ROLE, description: "agents", tags: { owner: "cc" } })])).reasons,
    ).toEqual([]);
  });

  test("GIVEN an update of a resource type the list does not know THEN it needs consent, whatever changes", () => {
    expect(run(plan([update("aws_connect_queue", "aws_connect_queue.q", { tags: {} }, { tags: { a: "b" } })])).reasons).toEqual([
      "guarded-field aws_connect_queue.q",
    ]);
  });
});

describe("every certificate of the metadata counts", () => {
  const NOW = new Date("2026-12-07T00:00:00Z");
  let first: string;
  let second: string;
  beforeAll(async () => {
    [first, second] = await Promise.all([0, 1].map(() => makeCertificate(new Date("2026-01-01"), new Date("2030-01-01"))));
  });
  const base = () => metadataXml(first);
  const fingerprints = (xml: string) => checkMetadata(xml, NOW).certificates.map((c) => c.fingerprint256);

  test("GIVEN a second X509Data in the same KeyInfo WHEN checked THEN both certificates are read, and the review sees a certificate added", () => {
    const xml = base().replace("</ds:X509Data>", `</ds:X509Data>\n<ds:X509Data><ds:X509Certificate>${second}</ds:X509Certificate></ds:X509Data>`);
    expect(fingerprints(xml)).toHaveLength(2);
    const change = metadataChange(base(), xml, NOW)!;
    expect(change.added).toHaveLength(1);
    expect(changesTrust(change)).toBe(true);
  });

  test("GIVEN a second KeyInfo in the KeyDescriptor THEN its certificate is read", () => {
    const xml = base().replace(
      "</ds:KeyInfo>",
      `</ds:KeyInfo>\n<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${second}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`,
    );
    expect(fingerprints(xml)).toHaveLength(2);
  });

  test("GIVEN a certificate outside the signing keys (an encryption key) THEN it is fingerprinted too", () => {
    const xml = base().replace(
      "<md:SingleLogoutService",
      `<md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${second}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n    <md:SingleLogoutService`,
    );
    expect(checkMetadata(xml, NOW).errors).toEqual([]);
    expect(fingerprints(xml)).toHaveLength(2);
  });

  test("GIVEN a second IDPSSODescriptor carrying another certificate THEN the metadata is refused, saying why", () => {
    const descriptor = /<md:IDPSSODescriptor[\s\S]*<\/md:IDPSSODescriptor>/.exec(metadataXml(second))![0];
    const xml = base().replace("</md:EntityDescriptor>", `${descriptor}\n</md:EntityDescriptor>`);
    expect(checkMetadata(xml, NOW).errors).toEqual([expect.stringMatching(/has 2 IDPSSODescriptor elements; .*IAM would trust the certificates of each/)]);
    expect(changesTrust(metadataChange(base(), xml, NOW)!)).toBe(true);
  });
});
