/**
 * `npm run verify-signin -- <env> --live` against a deployed environment, offline: the prod example
 * (existing SAML instance, users assigned to the application by the stack), with a test identity
 * provider's metadata in place of the example's, applied by real terraform on the sandbox (IAM, STS
 * and identitystore on moto_server; Connect and sso-admin on the fake; all on 127.0.0.1).
 *
 * - Every live check passes, and only read operations reach moto and the fake (moto's requests go
 *   through a recording proxy; the fake records its own).
 * - moto's AssumeRoleWithSAML accepts the good response; the session ARN and role ID it returns
 *   are the ones the policy proof evaluates.
 * - A user assigned only through a group, and drift made by hand (a Connect user re-created with
 *   another case, the role's trust edited, an Identity Center user deleted) each show on their line.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { IAMClient, UpdateAssumeRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateGroupCommand, CreateGroupMembershipCommand, DeleteUserCommand, GetUserIdCommand, IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { CreateApplicationAssignmentCommand, DeleteApplicationAssignmentCommand, SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { AssumeRoleWithSAMLCommand, STSClient } from "@aws-sdk/client-sts";
import type { Environment } from "../../lib/config/environment";
import { loadEnvironments } from "../../lib/config/load";
import { runVerifySignin } from "../../lib/tools/signin/cli";
import { synthesizedFederation, type Federation } from "../../lib/tools/signin/federation";
import { liveChecks, type LiveOptions } from "../../lib/tools/signin/live";
import { proveEnvironment, sessionArnOf } from "../../lib/tools/signin/proof";
import { findingLine } from "../../lib/tools/signin/report";
import { acceptedFields, base64, makeIdp, signedResponse, type TestIdp } from "../fixtures/signin/idp";
import { startCountingProxy, type CountingProxy } from "../support/counting-proxy";
import { EXAMPLES_DIR, REPO } from "../support/environments";
import { SEEDED_IDENTITY_STORE_ID, startSandbox, type Sandbox } from "../support/sandbox";
import { describeResult, runCommand } from "../support/terraform";
import { describeIfTools, missingSandboxTools } from "../support/tools";

const ACS = "https://signin.aws.amazon.com/saml";
const ALICE = "alice.nguyen@example.com";
const BOB = "bob.martin@example.com";
const JOSE = "jose.pena@example.com";
const KIM = "supervisor.kim@example.com";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

/** Operations a read-only check may call, by service (as the recording names them). */
const READ_OPERATIONS = new Set([
  "sts:GetCallerIdentity",
  "iam:GetSAMLProvider",
  "iam:GetRole",
  "iam:ListRolePolicies",
  "iam:GetRolePolicy",
  "iam:ListAttachedRolePolicies",
  "identitystore:GetUserId",
  "identitystore:DescribeUser",
  "identitystore:ListGroupMembershipsForMember",
  "DescribeInstance",
  "ListUsers",
  "sso-admin:ListInstances",
  "sso-admin:ListApplicationAssignments",
]);

describeIfTools("verify-signin --live on a deployed environment (real terraform; moto_server and the Connect fake on loopback)", missingSandboxTools(), () => {
  let idp: TestIdp;
  let dir: string;
  let env: Environment;
  let sandbox: Sandbox | undefined;
  let proxy: CountingProxy | undefined;
  let live: LiveOptions;
  let federation: Federation;
  let responseFile: string;
  const now = new Date();
  const applicationArn = () => env.ssoApplication.applicationArn!;
  const identityStore = () => new IdentitystoreClient({ region: env.region, endpoint: sandbox!.moto.url, credentials: CREDENTIALS });
  const ssoAdmin = () => new SSOAdminClient({ region: env.region, endpoint: sandbox!.fake.url, credentials: CREDENTIALS });
  const userId = async (name: string) =>
    (
      await identityStore().send(
        new GetUserIdCommand({
          IdentityStoreId: SEEDED_IDENTITY_STORE_ID,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: name } },
        }),
      )
    ).UserId!;

  /** Operations moto (through the proxy) and the fake answered since both were reset. */
  const calledSinceReset = () => [
    ...proxy!.operations(),
    ...sandbox!.fake.requests.map((r) => (r.service === "sso-admin" ? `sso-admin:${r.operation}` : r.operation)),
  ];
  const resetCalls = () => {
    proxy!.reset();
    sandbox!.fake.resetCounts();
  };

  const verify = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runVerifySignin(argv, { CONNECT_SSO_ENVIRONMENTS: dir }, { out: (l) => out.push(l), err: (l) => err.push(l) }, { now, live, cwd: REPO });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  beforeAll(async () => {
    idp = await makeIdp();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "signin-live-"));
    fs.mkdirSync(path.join(dir, "metadata"));
    fs.copyFileSync(path.join(EXAMPLES_DIR, "prod.yaml"), path.join(dir, "prod.yaml"));
    fs.writeFileSync(path.join(dir, "metadata", "prod.xml"), idp.metadataXml);
    const loaded = loadEnvironments({ dir, now, cwd: REPO });
    if (loaded.problems.length > 0) throw new Error(`the prod copy has problems: ${JSON.stringify(loaded.problems)}`);
    env = loaded.environments[0];
    if (
      env.users.map((u) => u.username).join() !== [ALICE, JOSE, BOB, KIM].join() ||
      !env.ssoApplication.applicationArn ||
      env.identityCenter.identityStoreId
    ) {
      throw new Error("the prod example changed (users, applicationArn, identityStoreId): update this test's hand-written expectations");
    }
    federation = synthesizedFederation(env);
    const fields = acceptedFields({
      idp,
      acsUrl: ACS,
      username: ALICE,
      roleArn: federation.roleArn,
      providerArn: federation.providerArn,
      sessionSeconds: federation.maxSessionSeconds,
      now,
    });
    responseFile = path.join(dir, "alice.saml");
    fs.writeFileSync(responseFile, base64(signedResponse(idp, fields)));

    sandbox = await startSandbox(env);
    const ws = await sandbox.workspace("signin", env);
    await ws.apply();
    proxy = await startCountingProxy(sandbox.moto.url);
    live = {
      endpoints: { iam: proxy.url, sts: proxy.url, identitystore: proxy.url, connect: sandbox.fake.url, ssoAdmin: sandbox.fake.url },
      credentials: CREDENTIALS,
    };
  }, 300_000);

  afterAll(async () => {
    await proxy?.stop();
    await sandbox?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  test("GIVEN the applied environment and alice's response WHEN verified with --live THEN it exits 0, every line is ✓, and only read operations were called", async () => {
    resetCalls();
    const { code, out, err } = await verify(["prod", "--saml-response", responseFile, "--live"]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out).not.toMatch(/✗/);
    for (const line of [
      /✓ account: 444455556666/,
      /✓ instance: 5b7d2e90-3c4a-4f1e-8a6b-9d0c1e2f3a4b uses SAML/,
      /✓ SAML provider: arn:aws:iam::444455556666:saml-provider\/AmazonConnectSSO-prod holds exactly metadata\/prod\.xml/,
      /✓ role AmazonConnectSSO-prod trust policy: equals the synthesized one/,
      /✓ role AmazonConnectSSO-prod permission policies: equals the synthesized one/,
      /✓ role AmazonConnectSSO-prod session length: 36000 s/,
      ...[ALICE, JOSE, BOB, KIM].map(
        (u) =>
          new RegExp(
            `✓ ${u.replace(/\./g, "\\.")}: Connect user exists; Identity Center user ${u.replace(/\./g, "\\.")} with e-mail .*; assigned to the application directly`,
          ),
      ),
      /role ID AROA[A-Z0-9]+ \(read live\)/,
      /Result: alice\.nguyen@example\.com would sign in to connect-sso-prod\./,
    ]) {
      expect(out).toMatch(line);
    }
    const called = calledSinceReset();
    expect(called.filter((op) => !READ_OPERATIONS.has(op))).toEqual([]);
    // Group memberships are read only for a user not assigned directly (see the group case below).
    expect(new Set(called)).toEqual(new Set([...READ_OPERATIONS].filter((op) => op !== "identitystore:ListGroupMembershipsForMember")));
  }, 120_000);

  test("GIVEN the same environment WHEN the script runs as npm runs it, with AWS_ENDPOINT_URL_<SERVICE> and keys in the environment THEN the SDK's own chain reaches the loopback services", async () => {
    const variables: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CONNECT_SSO_ENVIRONMENTS: dir,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL_IAM: sandbox!.moto.url,
      AWS_ENDPOINT_URL_STS: sandbox!.moto.url,
      AWS_ENDPOINT_URL_IDENTITYSTORE: sandbox!.moto.url,
      AWS_ENDPOINT_URL_CONNECT: sandbox!.fake.url,
      AWS_ENDPOINT_URL_SSO_ADMIN: sandbox!.fake.url,
    };
    const result = await runCommand(path.join(REPO, "node_modules", ".bin", "tsx"), ["scripts/verify-signin.ts", "prod", "--live"], {
      cwd: REPO,
      env: variables,
      timeoutMs: 90_000,
    });
    if (result.code !== 0) throw new Error(describeResult(result, "expected exit code 0"));
    expect(result.stdout).toMatch(/✓ account: 444455556666/);
    expect(result.stdout).toMatch(
      /Result: the deployed trust and permission policies let every user of connect-sso-prod sign in, and each exists live\. Not checked: what Identity Center actually sends for a user \(--saml-response with a captured response\)\./,
    );
  }, 120_000);

  test("GIVEN alice's response WHEN moto's AssumeRoleWithSAML takes it THEN the session it returns is the one the policy proof allows", async () => {
    const sts = new STSClient({ region: env.region, endpoint: sandbox!.moto.url, credentials: CREDENTIALS });
    const assumed = await sts.send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: federation.roleArn,
        PrincipalArn: federation.providerArn,
        SAMLAssertion: fs.readFileSync(responseFile, "utf8"),
      }),
    );
    const sessionArn = assumed.AssumedRoleUser!.Arn!;
    const [roleId, sessionName] = assumed.AssumedRoleUser!.AssumedRoleId!.split(":");
    expect(sessionArn).toBe(sessionArnOf(federation, ALICE));
    expect(sessionName).toBe(ALICE);
    const result = await liveChecks(env, live);
    expect(roleId).toBe(result.roleId);

    const findings = await proveEnvironment(
      result.federation,
      [ALICE],
      { audience: ACS, roleId, acsUrl: ACS },
      { name: ALICE, providerArn: federation.providerArn, sessionArn },
    );
    expect(findings.filter((f) => !f.ok).map(findingLine)).toEqual([]);
    expect(findingLine(findings[0])).toBe(
      `  ✓ this response (${ALICE}): sts:AssumeRoleWithSAML allowed (SAML:aud ${ACS}); connect:GetFederationToken allowed on ` +
        `arn:aws:connect:us-west-2:444455556666:instance/5b7d2e90-3c4a-4f1e-8a6b-9d0c1e2f3a4b/user/${roleId}:${ALICE}`,
    );
  }, 60_000);

  test("GIVEN a user assigned to the application only through a group WHEN checked live THEN the line says through which group, still reading only", async () => {
    const store = identityStore();
    const group = (await store.send(new CreateGroupCommand({ IdentityStoreId: SEEDED_IDENTITY_STORE_ID, DisplayName: "Agents" }))).GroupId!;
    const jose = await userId(JOSE);
    await store.send(new CreateGroupMembershipCommand({ IdentityStoreId: SEEDED_IDENTITY_STORE_ID, GroupId: group, MemberId: { UserId: jose } }));
    await ssoAdmin().send(new CreateApplicationAssignmentCommand({ ApplicationArn: applicationArn(), PrincipalId: group, PrincipalType: "GROUP" }));
    await ssoAdmin().send(new DeleteApplicationAssignmentCommand({ ApplicationArn: applicationArn(), PrincipalId: jose, PrincipalType: "USER" }));

    resetCalls();
    const users = (await liveChecks(env, live)).users.map(findingLine);
    expect(users).toContainEqual(expect.stringMatching(new RegExp(`✓ ${JOSE.replace(/\./g, "\\.")}: .*assigned to the application through group ${group}$`)));
    expect(calledSinceReset()).toContain("identitystore:ListGroupMembershipsForMember");
    expect(calledSinceReset().filter((op) => !READ_OPERATIONS.has(op))).toEqual([]);
  }, 60_000);

  test("GIVEN identityCenter.assumeRoleArn WHEN checked live THEN Identity Center is read with that role's session", async () => {
    const viaRole: Environment = { ...env, identityCenter: { ...env.identityCenter, assumeRoleArn: "arn:aws:iam::444455556666:role/IdentityCenterReader" } };
    resetCalls();
    const users = (await liveChecks(viaRole, live)).users;
    expect(users.filter((f) => !f.ok).map(findingLine)).toEqual([]);
    // AssumeRole starts a session and changes nothing; every other call is a read.
    expect(calledSinceReset().filter((op) => !READ_OPERATIONS.has(op))).toEqual(["sts:AssumeRole"]);
  }, 60_000);

  test("GIVEN drift made by hand WHEN verified with --live THEN it exits 1 and each problem is on its own line with its fix", async () => {
    const instanceId = "5b7d2e90-3c4a-4f1e-8a6b-9d0c1e2f3a4b";
    const bob = sandbox!.fake.user(instanceId, BOB)!;
    sandbox!.fake.deleteUser(instanceId, BOB);
    await sandbox!.connect("PUT", `/users/${instanceId}`, {
      Username: "Bob.Martin@example.com",
      IdentityInfo: { FirstName: "Bob", LastName: "Martin" },
      PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
      SecurityProfileIds: bob.SecurityProfileIds,
      RoutingProfileId: bob.RoutingProfileId,
    });
    const loose = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Federated: federation.providerArn }, Action: "sts:AssumeRoleWithSAML" }],
    };
    await new IAMClient({ region: env.region, endpoint: sandbox!.moto.url, credentials: CREDENTIALS }).send(
      new UpdateAssumeRolePolicyCommand({ RoleName: federation.roleName, PolicyDocument: JSON.stringify(loose) }),
    );
    await identityStore().send(new DeleteUserCommand({ IdentityStoreId: SEEDED_IDENTITY_STORE_ID, UserId: await userId(KIM) }));

    const { code, out } = await verify(["prod", "--live"]);
    expect(code).toBe(1);
    const failures = out.split("\n").filter((l) => l.startsWith("  ✗"));
    expect(failures).toEqual([
      expect.stringMatching(/✗ role AmazonConnectSSO-prod trust policy: differs from the synthesized one: live .*; fix: apply the stack/),
      expect.stringMatching(
        /✗ bob\.martin@example\.com: no Connect user named exactly "bob\.martin@example\.com" \(there is "Bob\.Martin@example\.com": Connect compares user names exactly\); fix: apply the stack/,
      ),
      expect.stringMatching(
        /✗ supervisor\.kim@example\.com: no Identity Center user named "supervisor\.kim@example\.com"; fix: create the user in Identity Center/,
      ),
    ]);
    expect(out).toMatch(/Result: not every check passed: 3 failed check\(s\)/);
  }, 120_000);
});
