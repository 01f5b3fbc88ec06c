/**
 * The policy proof of every example environment: its synthesized trust and permission policies,
 * evaluated with @cloud-copilot/iam-simulate, let each configured user's session assume the role
 * and get a federation token for its own Connect user, and deny another instance, another user's
 * session and another provider. Deliberately widened or narrowed policies show the proof fails.
 */
import { acsUrl, samlAudiences } from "../lib/rules/naming";
import { consoleSettings, renderConsoleSheet } from "../lib/synth/console-settings";
import { acceptedAudiences } from "../lib/tools/signin/endpoints";
import { CREATED_INSTANCE_PLACEHOLDER, synthesizedFederation, type Federation, type PolicyJson } from "../lib/tools/signin/federation";
import { proveEnvironment, proveSignin, ROLE_ID_PLACEHOLDER, trustAudiences } from "../lib/tools/signin/proof";
import { findingLine } from "../lib/tools/signin/report";
import { exampleEnvironment, exampleEnvironments } from "./support/environments";

const lines = (findings: ReadonlyArray<{ ok: boolean }>) => findings.map((f) => findingLine(f as Parameters<typeof findingLine>[0]));

describe.each(exampleEnvironments().map((env) => [env.name, env] as const))("the example environment %s", (_name, env) => {
  let federation: Federation;
  beforeAll(() => {
    federation = synthesizedFederation(env);
  });

  test("GIVEN its synthesized policies WHEN every user signs in THEN each is allowed, and the three denials hold", async () => {
    const findings = await proveEnvironment(
      federation,
      env.users.map((u) => u.username),
      { audience: acsUrl(env.partition), roleId: ROLE_ID_PLACEHOLDER, acsUrl: acsUrl(env.partition) },
    );
    expect(lines(findings.filter((f) => !f.ok))).toEqual([]);
    expect(findings.map((f) => f.check)).toEqual([
      ...env.users.map((u) => u.username),
      "denied: another instance",
      "denied: another user's session",
      "denied: another provider",
    ]);
    for (const user of env.users) {
      expect(lines(findings).join("\n")).toContain(
        `connect:GetFederationToken allowed on ${federation.instanceArn}/user/${ROLE_ID_PLACEHOLDER}:${user.username}`,
      );
    }
  });

  test("GIVEN its synthesized role WHEN read THEN it is the role and provider the console sheet names, trusted for the partition's sign-in endpoint", () => {
    expect(federation.roleArn).toBe(`arn:${env.partition}:iam::${env.account}:role/${env.iam.roleName}`);
    expect(federation.providerArn).toBe(`arn:${env.partition}:iam::${env.account}:saml-provider/${env.iam.samlProviderName}`);
    expect(trustAudiences(federation.trustPolicy)).toEqual(samlAudiences(env.partition, env.region));
    expect(federation.instanceKnown).toBe(env.connect.kind === "existing");
  });

  test("GIVEN its console sheet WHEN read THEN it lists the Audience values IAM accepts and every SAML:aud the synthesized trust admits", () => {
    const checks = renderConsoleSheet(consoleSettings(env)).split("## What IAM checks when an agent signs in")[1]?.split("\n## ")[0] ?? "";
    for (const audience of acceptedAudiences(env.partition)) expect(checks).toContain(`\`${audience}\``);
    const admitted = /this role admits\s+((?:`[^`]+`(?:\s+and\s+)?)+)/.exec(checks)?.[1].match(/`[^`]+`/g) ?? [];
    expect(admitted.map((a) => a.slice(1, -1)).sort()).toEqual(trustAudiences(federation.trustPolicy).sort());
  });
});

describe("what the proof catches", () => {
  const env = exampleEnvironment("dev");
  const federation = synthesizedFederation(env);
  const context = { audience: acsUrl(env.partition), roleId: "AROAEXAMPLEROLEID1234", acsUrl: acsUrl(env.partition) };
  const regional = "https://us-west-2.signin.aws.amazon.com/saml";
  const withTrust = (change: (statement: Record<string, unknown>) => Record<string, unknown>): Federation => ({
    ...federation,
    trustPolicy: { ...federation.trustPolicy, Statement: federation.trustPolicy.Statement.map(change) },
  });
  const withPermissions = (policy: PolicyJson): Federation => ({ ...federation, permissionPolicies: { "connect-federation": policy } });

  test("GIVEN a response posted to the Region's own endpoint WHEN the trust admits only the partition's THEN the sign-in is refused with the ACS URL row and fix", async () => {
    const partitionOnly = withTrust((s) => ({ ...s, Condition: { StringEquals: { "SAML:aud": acsUrl(env.partition) } } }));
    const finding = await proveSignin(partitionOnly, {
      ...context,
      sessionName: "alice.nguyen@example.com",
      providerArn: federation.providerArn,
      audience: regional,
    });
    expect(finding.ok).toBe(false);
    expect(findingLine(finding)).toMatch(
      /sts:AssumeRoleWithSAML ImplicitlyDenied: the trust policy admits SAML:aud https:\/\/signin\.aws\.amazon\.com\/saml, and IAM takes SAML:aud from the Recipient https:\/\/us-west-2\.signin\.aws\.amazon\.com\/saml; doc row "An error occurred when we tried to process your request\."/,
    );
  });

  test("GIVEN dev's synthesized trust, which also admits us-west-2's own endpoint, WHEN a response is posted there THEN the sign-in is allowed", async () => {
    const finding = await proveSignin(federation, {
      ...context,
      sessionName: "alice.nguyen@example.com",
      providerArn: federation.providerArn,
      audience: regional,
    });
    expect(findingLine(finding)).toMatch(/✓ alice\.nguyen@example\.com: sts:AssumeRoleWithSAML allowed \(SAML:aud https:\/\/us-west-2\.signin/);
  });

  test("GIVEN the doc's instance-wide form of the permission policy WHEN proven THEN another user's session is no longer denied", async () => {
    const docForm = withPermissions({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "connect:GetFederationToken",
          Resource: "*",
          Condition: { StringEquals: { "connect:InstanceId": "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90" } },
        },
      ],
    });
    const findings = await proveEnvironment(docForm, ["alice.nguyen@example.com"], context);
    expect(findings.filter((f) => !f.ok).map((f) => f.check)).toEqual(expect.arrayContaining(["denied: another user's session"]));
  });

  test("GIVEN a permission policy on every resource WHEN proven THEN another instance and another user's session are reported as allowed", async () => {
    const wide = withPermissions({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:GetFederationToken", Resource: "*" }] });
    const findings = await proveEnvironment(wide, ["alice.nguyen@example.com"], context);
    expect(lines(findings.filter((f) => !f.ok))).toEqual([
      expect.stringMatching(/✗ denied: another instance: connect:GetFederationToken on .*instance\/00000000-0000-4000-8000-000000000000\/.* is Allowed; fix: /),
      expect.stringMatching(/✗ denied: another user's session: .*another\.user@example\.invalid .* is Allowed/),
    ]);
  });

  test("GIVEN a trust of any principal WHEN proven THEN another provider is reported as allowed", async () => {
    const anyone = withTrust((s) => ({ ...s, Principal: "*" }));
    const findings = await proveEnvironment(anyone, ["alice.nguyen@example.com"], context);
    expect(findings.filter((f) => !f.ok).map((f) => f.check)).toEqual(["denied: another provider"]);
  });

  test("GIVEN a permission policy without the user's own resource WHEN proven THEN the user's sign-in is refused", async () => {
    const none = withPermissions({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:DescribeUser", Resource: "*" }] });
    const finding = await proveSignin(none, { ...context, sessionName: "alice.nguyen@example.com", providerArn: federation.providerArn });
    expect(findingLine(finding)).toMatch(
      /✗ alice\.nguyen@example\.com: connect:GetFederationToken ImplicitlyDenied on .*\/user\/AROAEXAMPLEROLEID1234:alice\.nguyen@example\.com/,
    );
  });

  test("GIVEN a created instance WHEN its ID is not known THEN the proof names the placeholder, and the real ID once given", () => {
    const staging = exampleEnvironment("staging");
    expect(synthesizedFederation(staging).instanceArn).toBe(`arn:aws:connect:us-east-1:222233334444:instance/${CREATED_INSTANCE_PLACEHOLDER}`);
    const id = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    const real = synthesizedFederation(staging, { instanceId: id });
    expect(real.instanceKnown).toBe(true);
    expect(JSON.stringify(real.permissionPolicies)).toContain(`instance/${id}/user/\${aws:userid}`);
  });
});
