/**
 * The Amazon Connect / sso-admin fake (support/fake/): first its HTTP behaviour (routes,
 * AWS-shaped answers and errors, 501 for anything it does not implement), then the proof that
 * matters: the WHOLE dev stack planned and applied by real terraform with the real provider
 * (hashicorp/aws 5.100.0), Connect on the fake, IAM and STS on moto_server, all on 127.0.0.1.
 *
 * Expected users and call counts are written out by hand for the dev example.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import type { Environment } from "../../lib/config/environment";
import { startConnectFake, writeProviderOverride, type ConnectFake } from "../support/fake";
import { DEV_PLAN_CONNECT_CALLS, exampleEnvironment, synthStack } from "../support/environments";
import {
  httpRequest,
  makeTempDir,
  removeTempDir,
  startMotoServer,
  tail,
  terraform,
  terraformSetup,
  type HttpAnswer,
  type MotoServer,
  type TerraformSetup,
} from "../support/terraform";
import { describeIfTools, missingSandboxTools } from "../support/tools";

const DEV_INSTANCE_ID = "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
const DEV_ACCOUNT = "111122223333";
const DEV_REGION = "us-west-2";

// ---------------------------------------------------------------------------------------------
// Raw HTTP against the fake (no terraform needed)
// ---------------------------------------------------------------------------------------------

/** An unsigned request with a SigV4-shaped credential scope (the fake reads the region from it). */
function call(fake: ConnectFake, method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return httpRequest(`${fake.url}${urlPath}`, {
    method,
    headers: {
      "Content-Type": "application/json",
      Authorization: `AWS4-HMAC-SHA256 Credential=test/20261201/${DEV_REGION}/connect/aws4_request, SignedHeaders=host, Signature=0`,
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function sso(fake: ConnectFake, operation: string, body: unknown): Promise<HttpAnswer> {
  return call(fake, "POST", "/", body, { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": `SWBExternalService.${operation}` });
}

/** The x-amzn-ErrorType header of a GET (httpRequest keeps only status and body). */
function errorTypeHeader(url: string): Promise<string | string[] | undefined> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: 5000, agent: false }, (res) => {
      res.resume();
      resolve(res.headers["x-amzn-errortype"]);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer from ${url}`)));
    request.on("error", reject);
  });
}

const json = (answer: HttpAnswer) => JSON.parse(answer.body) as Record<string, any>;

describe("the Connect fake over HTTP", () => {
  let fake: ConnectFake;
  let agent: string;
  let manager: string;
  let basic: string;

  beforeAll(async () => {
    fake = await startConnectFake({ accountId: DEV_ACCOUNT, region: DEV_REGION });
    fake.addInstance({ id: DEV_INSTANCE_ID, identityManagementType: "SAML" });
    agent = fake.addSecurityProfile(DEV_INSTANCE_ID, "Agent").id;
    manager = fake.addSecurityProfile(DEV_INSTANCE_ID, "CallCenterManager").id;
    basic = fake.addRoutingProfile(DEV_INSTANCE_ID, "Basic Routing Profile").id;
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.resetCounts());

  const newUser = (username: string, extra: Record<string, unknown> = {}) => ({
    Username: username,
    IdentityInfo: { FirstName: "Alice", LastName: "Nguyen" },
    PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
    SecurityProfileIds: [agent],
    RoutingProfileId: basic,
    ...extra,
  });

  test("WHEN a route is not implemented THEN it answers 501 naming the method and path, and records it", async () => {
    const answer = await call(fake, "GET", `/contact-flows-summary/${DEV_INSTANCE_ID}?maxResults=10`);
    expect(answer.status).toBe(501);
    expect(json(answer).Message).toContain(`GET /contact-flows-summary/${DEV_INSTANCE_ID}`);
    const target = await sso(fake, "ListPermissionSets", {});
    expect(target.status).toBe(501);
    expect(json(target).Message).toContain("SWBExternalService.ListPermissionSets");
    expect(fake.unimplemented().map((r) => `${r.method} ${r.path}`)).toEqual([`GET /contact-flows-summary/${DEV_INSTANCE_ID}`, "POST /"]);
  });

  test("WHEN a user is created, read, updated and deleted THEN the answers have AWS's shapes and ARNs", async () => {
    const created = await call(fake, "PUT", `/users/${DEV_INSTANCE_ID}`, newUser("crud@example.com"));
    expect(created.status).toBe(200);
    const { UserId, UserArn } = json(created);
    expect(UserArn).toBe(`arn:aws:connect:${DEV_REGION}:${DEV_ACCOUNT}:instance/${DEV_INSTANCE_ID}/agent/${UserId}`);

    const updates: Array<[string, unknown]> = [
      ["identity-info", { IdentityInfo: { FirstName: "Alicia", LastName: "Nguyen", SecondaryEmail: "alicia@home.example" } }],
      ["phone-config", { PhoneConfig: { PhoneType: "DESK_PHONE", DeskPhoneNumber: "+12065550100", AutoAccept: true, AfterContactWorkTimeLimit: 30 } }],
      ["security-profiles", { SecurityProfileIds: [agent, manager] }],
      ["routing-profile", { RoutingProfileId: basic }],
    ];
    for (const [what, body] of updates) expect((await call(fake, "POST", `/users/${DEV_INSTANCE_ID}/${UserId}/${what}`, body)).status).toBe(200);

    const user = json(await call(fake, "GET", `/users/${DEV_INSTANCE_ID}/${UserId}`)).User;
    expect(user).toMatchObject({
      Id: UserId,
      Arn: UserArn,
      Username: "crud@example.com",
      IdentityInfo: { FirstName: "Alicia", LastName: "Nguyen", SecondaryEmail: "alicia@home.example" },
      PhoneConfig: { PhoneType: "DESK_PHONE", DeskPhoneNumber: "+12065550100", AutoAccept: true, AfterContactWorkTimeLimit: 30 },
      SecurityProfileIds: [agent, manager],
      RoutingProfileId: basic,
      LastModifiedRegion: DEV_REGION,
    });
    expect(typeof user.LastModifiedTime).toBe("number");
    expect(fake.user(DEV_INSTANCE_ID, "crud@example.com")?.Id).toBe(UserId);

    const listed = json(await call(fake, "GET", `/users-summary/${DEV_INSTANCE_ID}?maxResults=100`)).UserSummaryList;
    expect(listed.map((u: { Username: string }) => u.Username)).toContain("crud@example.com");

    expect((await call(fake, "DELETE", `/users/${DEV_INSTANCE_ID}/${UserId}`)).status).toBe(200);
    expect(fake.user(DEV_INSTANCE_ID, "crud@example.com")).toBeUndefined();
    expect(fake.operationCounts()).toEqual({
      CreateUser: 1,
      UpdateUserIdentityInfo: 1,
      UpdateUserPhoneConfig: 1,
      UpdateUserSecurityProfiles: 1,
      UpdateUserRoutingProfile: 1,
      DescribeUser: 1,
      ListUsers: 1,
      DeleteUser: 1,
    });
  });

  test("WHEN a user or instance does not exist THEN it answers 404 ResourceNotFoundException with the x-amzn-ErrorType header", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    for (const url of [`/users/${DEV_INSTANCE_ID}/${missing}`, `/instance/${missing}`, `/security-profiles-summary/${missing}`]) {
      const answer = await httpRequest(`${fake.url}${url}`);
      expect(answer.status).toBe(404);
      expect(json(answer).Message).toBeTruthy();
    }
    const raw = await errorTypeHeader(`${fake.url}/users/${DEV_INSTANCE_ID}/${missing}`);
    expect(raw).toBe("ResourceNotFoundException");
    expect(fake.requests.map((r) => r.errorCode)).toEqual([
      "ResourceNotFoundException",
      "ResourceNotFoundException",
      "ResourceNotFoundException",
      "ResourceNotFoundException",
    ]);
  });

  test.each([
    ["an email on a SAML instance", { IdentityInfo: { FirstName: "A", LastName: "B", Email: "a@example.com" } }, 400, "InvalidRequestException"],
    ["a password on a SAML instance", { Password: "Secret-123456" }, 400, "InvalidRequestException"],
    ["no last name on a SAML instance", { IdentityInfo: { FirstName: "A" } }, 400, "InvalidParameterException"],
    ["a decomposed (not NFC) first name", { IdentityInfo: { FirstName: "Jose\u0301", LastName: "Pen\u0303a" } }, 400, "InvalidParameterException"],
    ["an unknown security profile", { SecurityProfileIds: ["00000000-0000-4000-8000-000000000001"] }, 400, "InvalidParameterException"],
    ["a desk phone without a number", { PhoneConfig: { PhoneType: "DESK_PHONE" } }, 400, "InvalidParameterException"],
    ["a user name with @ outside email form", { Username: "testuser@example" }, 400, "InvalidParameterException"],
  ])("WHEN CreateUser gets %s THEN it is refused like AWS refuses it", async (_what, extra, status, code) => {
    const answer = await call(fake, "PUT", `/users/${DEV_INSTANCE_ID}`, newUser("refused@example.com", extra));
    expect({ status: answer.status, code: fake.requests.at(-1)?.errorCode }).toEqual({ status, code });
    expect(fake.user(DEV_INSTANCE_ID, "refused@example.com")).toBeUndefined();
  });

  test("WHEN the same user name is created twice THEN the second answers 409 DuplicateResourceException", async () => {
    expect((await call(fake, "PUT", `/users/${DEV_INSTANCE_ID}`, newUser("twice@example.com"))).status).toBe(200);
    expect((await call(fake, "PUT", `/users/${DEV_INSTANCE_ID}`, newUser("twice@example.com"))).status).toBe(409);
    expect(fake.requests.at(-1)?.errorCode).toBe("DuplicateResourceException");
  });

  test("WHEN tags are set and removed by the user's (percent-encoded) ARN THEN ListTagsForResource shows them", async () => {
    const { UserArn } = json(await call(fake, "PUT", `/users/${DEV_INSTANCE_ID}`, newUser("tagged@example.com", { Tags: { Team: "a" } })));
    const arn = encodeURIComponent(UserArn);
    expect((await call(fake, "POST", `/tags/${arn}`, { tags: { Env: "dev" } })).status).toBe(200);
    expect((await call(fake, "DELETE", `/tags/${arn}?tagKeys=Team`)).status).toBe(200);
    expect(json(await call(fake, "GET", `/tags/${arn}`)).tags).toEqual({ Env: "dev" });
  });

  test("WHEN profiles are listed page by page THEN NextToken walks every profile once", async () => {
    const first = json(await call(fake, "GET", `/security-profiles-summary/${DEV_INSTANCE_ID}?maxResults=1`));
    expect(first.SecurityProfileSummaryList).toHaveLength(1);
    const second = json(await call(fake, "GET", `/security-profiles-summary/${DEV_INSTANCE_ID}?maxResults=1&nextToken=${encodeURIComponent(first.NextToken)}`));
    expect(second.NextToken).toBeUndefined();
    expect([...first.SecurityProfileSummaryList, ...second.SecurityProfileSummaryList].map((p: { Name: string }) => p.Name).sort()).toEqual([
      "Agent",
      "CallCenterManager",
    ]);
  });

  test("WHEN CreateInstance makes a SAML instance THEN it is ACTIVE with AWS's default profiles, and DeleteInstance removes it", async () => {
    const created = json(
      await call(fake, "PUT", "/instance", {
        IdentityManagementType: "SAML",
        InstanceAlias: "acme-test",
        InboundCallsEnabled: true,
        OutboundCallsEnabled: false,
      }),
    );
    expect(created.Arn).toBe(`arn:aws:connect:${DEV_REGION}:${DEV_ACCOUNT}:instance/${created.Id}`);
    const instance = json(await call(fake, "GET", `/instance/${created.Id}`)).Instance;
    expect(instance).toMatchObject({
      IdentityManagementType: "SAML",
      InstanceAlias: "acme-test",
      InstanceStatus: "ACTIVE",
      InboundCallsEnabled: true,
      OutboundCallsEnabled: false,
    });
    const attribute = json(await call(fake, "GET", `/instance/${created.Id}/attribute/OUTBOUND_CALLS`)).Attribute;
    expect(attribute).toEqual({ AttributeType: "OUTBOUND_CALLS", Value: "false" });
    const profiles = json(await call(fake, "GET", `/security-profiles-summary/${created.Id}`)).SecurityProfileSummaryList;
    expect(profiles.map((p: { Name: string }) => p.Name).sort()).toEqual(["Admin", "Agent", "CallCenterManager", "QualityAnalyst"]);
    expect(
      (
        await call(fake, "PUT", "/instance", {
          IdentityManagementType: "SAML",
          InstanceAlias: "acme-test",
          InboundCallsEnabled: true,
          OutboundCallsEnabled: true,
        })
      ).status,
    ).toBe(400);
    expect((await call(fake, "DELETE", `/instance/${created.Id}`)).status).toBe(200);
    expect((await call(fake, "GET", `/instance/${created.Id}`)).status).toBe(404);
  });

  test("WHEN sso-admin assignments are created, described and deleted THEN JSON 1.1 answers and errors look like AWS's", async () => {
    const applicationArn = "arn:aws:sso::111122223333:application/ssoins-7223a0b1c2d3e4f5/apl-0a1b2c3d4e5f6a7b";
    const store = fake.addSsoInstance({ identityStoreId: "d-9067a1b2c3" });
    fake.addApplication(applicationArn);
    const assignment = { ApplicationArn: applicationArn, PrincipalId: "94482488-3041-7026-18f3-be45837cd0e4", PrincipalType: "USER" };

    expect(json(await sso(fake, "ListInstances", {})).Instances).toEqual([
      expect.objectContaining({ InstanceArn: store.instanceArn, IdentityStoreId: "d-9067a1b2c3", Status: "ACTIVE" }),
    ]);
    const before = await sso(fake, "DescribeApplicationAssignment", assignment);
    expect(before.status).toBe(400);
    expect(json(before).__type).toMatch(/#ResourceNotFoundException$/);
    expect((await sso(fake, "CreateApplicationAssignment", assignment)).status).toBe(200);
    expect(json(await sso(fake, "DescribeApplicationAssignment", assignment))).toEqual(assignment);
    expect(fake.applicationAssignments(applicationArn)).toEqual([assignment]);
    expect((await sso(fake, "DeleteApplicationAssignment", assignment)).status).toBe(200);
    expect(fake.applicationAssignments()).toEqual([]);
    expect(fake.operationCounts()).toEqual({
      "sso-admin:ListInstances": 1,
      "sso-admin:DescribeApplicationAssignment": 2,
      "sso-admin:CreateApplicationAssignment": 1,
      "sso-admin:DeleteApplicationAssignment": 1,
    });
    const unknownApp = await sso(fake, "CreateApplicationAssignment", { ...assignment, ApplicationArn: `${applicationArn}0` });
    expect(json(unknownApp).__type).toMatch(/#ResourceNotFoundException$/);
  });
});

describe("writeProviderOverride", () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir("connect-fake-override")));
  afterEach(() => removeTempDir(dir));

  test("WHEN the stack has an aliased aws provider THEN every aws provider gets the loopback endpoints, no default tags and a state file inside the folder", () => {
    fs.writeFileSync(
      path.join(dir, "cdk.tf.json"),
      JSON.stringify({ provider: { aws: [{ region: "us-west-2" }, { alias: "identity_center", region: "us-east-1" }] } }),
    );
    const file = writeProviderOverride(dir, { connectUrl: "http://127.0.0.1:1111", motoUrl: "http://127.0.0.1:2222" });
    expect(path.basename(file)).toBe("zz_override.tf.json");
    const override = JSON.parse(fs.readFileSync(file, "utf8"));
    // Relative to the folder terraform runs in: the folder's own state file.
    expect(override.terraform.backend.local.path).toBe("terraform.tfstate");
    expect(override.provider.aws.map((p: { alias?: string }) => p.alias)).toEqual([undefined, "identity_center"]);
    expect(fs.readFileSync(path.join(dir, "aws-config"), "utf8").split("\n")).toEqual([
      "[profile loopback]",
      "services = loopback",
      "",
      "[services loopback]",
      "connect =",
      "  endpoint_url = http://127.0.0.1:1111",
      "sso_admin =",
      "  endpoint_url = http://127.0.0.1:1111",
      "identitystore =",
      "  endpoint_url = http://127.0.0.1:2222",
      "iam =",
      "  endpoint_url = http://127.0.0.1:2222",
      "sts =",
      "  endpoint_url = http://127.0.0.1:2222",
      "",
    ]);
    for (const provider of override.provider.aws) {
      expect(provider).toMatchObject({ profile: "loopback", shared_config_files: [path.join(dir, "aws-config")] });
      expect(provider).toMatchObject({ access_key: "test", secret_key: "test", skip_metadata_api_check: true, default_tags: [{ tags: {} }] });
    }
  });

  test("WHEN an endpoint is not on the loopback interface or the state path leaves the folder THEN it refuses", () => {
    expect(() => writeProviderOverride(dir, { connectUrl: "https://connect.us-west-2.amazonaws.com", motoUrl: "http://127.0.0.1:2222" })).toThrow(
      /not a loopback address/,
    );
    expect(() => writeProviderOverride(dir, { connectUrl: "http://127.0.0.1:1", motoUrl: "http://127.0.0.1:2", statePath: "../elsewhere.tfstate" })).toThrow(
      /outside/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Real terraform on the whole dev stack
// ---------------------------------------------------------------------------------------------

/** What `terraform plan -json` said: planned changes, drift, the summary and diagnostics. */
interface PlanReport {
  readonly changes: Array<{ addr: string; action: string }>;
  readonly drift: Array<{ addr: string; action: string }>;
  readonly summary?: { add: number; change: number; remove: number };
  readonly diagnostics: Array<{ severity: string; summary: string; detail?: string }>;
}

function parsePlan(stdout: string): PlanReport {
  const report: { changes: PlanReport["changes"]; drift: PlanReport["drift"]; summary?: PlanReport["summary"]; diagnostics: PlanReport["diagnostics"] } = {
    changes: [],
    drift: [],
    diagnostics: [],
  };
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const entry = JSON.parse(line) as Record<string, any>;
    if (entry.type === "planned_change") report.changes.push({ addr: entry.change.resource.addr, action: entry.change.action });
    else if (entry.type === "resource_drift") report.drift.push({ addr: entry.change.resource.addr, action: entry.change.action });
    else if (entry.type === "change_summary") report.summary = entry.changes;
    else if (entry.type === "diagnostic") report.diagnostics.push(entry.diagnostic);
  }
  return report;
}

/** Hand-written expectations for the dev example's users (environments/dev.yaml). */
const DEV_USERS = {
  "alice.nguyen@example.com": { first: "Alice", last: "Nguyen", securityProfiles: ["Agent"], routingProfile: "Basic Routing Profile", autoAccept: false },
  "dev.lead@example.com": {
    first: "Dana",
    last: "Okafor",
    securityProfiles: ["Agent", "CallCenterManager"],
    routingProfile: "Basic Routing Profile",
    autoAccept: true,
  },
} as const;

describeIfTools("the whole dev stack under real terraform: Connect on the fake, IAM/STS on moto_server (loopback only)", missingSandboxTools(), () => {
  let env: Environment;
  let setup: TerraformSetup | undefined;
  let moto: MotoServer | undefined;
  let fake: ConnectFake | undefined;
  let nonSamlFake: ConnectFake | undefined;
  let dir: string;
  let nonSamlDir: string;
  let applied = false;
  const profileIds: Record<string, string> = {};

  /** terraform in `cwd`; a failure names what the fakes did not implement and moto's last words. */
  const tf = (cwd: string, args: string[], okCodes = [0]) =>
    terraform(setup!, cwd, args, { timeoutMs: 90_000, okCodes }).catch((error: Error) => {
      const missing = [...(fake?.unimplemented() ?? []), ...(nonSamlFake?.unimplemented() ?? [])].map(
        (r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ""}`,
      );
      throw new Error(
        `${error.message}\n--- not implemented by the fake: ${missing.length ? missing.join(", ") : "none"}\n--- moto_server output ---\n${tail(moto?.log() ?? "", 2000)}`,
      );
    });
  const needApply = () => {
    if (!applied) throw new Error("terraform apply did not succeed (see the failing apply test above)");
  };

  beforeAll(async () => {
    env = exampleEnvironment("dev");
    if (env.connect.kind !== "existing" || env.connect.instanceId !== DEV_INSTANCE_ID || env.account !== DEV_ACCOUNT) {
      throw new Error(`the dev example changed (instance, account): update this test's hand-written expectations`);
    }
    setup = terraformSetup("connect-fake");
    const stackJson = synthStack(env);
    [moto, fake, nonSamlFake] = await Promise.all([
      // STS answers with this account, so the provider's allowed_account_ids check runs for real.
      startMotoServer({ accountId: env.account, readyTimeoutMs: 20_000 }),
      startConnectFake({ accountId: env.account, region: env.region }),
      startConnectFake({ accountId: env.account, region: env.region }),
    ]);

    fake.addInstance({ id: DEV_INSTANCE_ID, identityManagementType: "SAML", region: env.region });
    nonSamlFake.addInstance({ id: DEV_INSTANCE_ID, identityManagementType: "CONNECT_MANAGED", region: env.region });
    // The profiles dev's users name, on both instances.
    const wanted = Object.values(DEV_USERS);
    for (const name of new Set(wanted.flatMap((u) => u.securityProfiles))) {
      profileIds[name] = fake.addSecurityProfile(DEV_INSTANCE_ID, name).id;
      nonSamlFake.addSecurityProfile(DEV_INSTANCE_ID, name);
    }
    for (const name of new Set(wanted.map((u) => u.routingProfile))) {
      profileIds[name] = fake.addRoutingProfile(DEV_INSTANCE_ID, name).id;
      nonSamlFake.addRoutingProfile(DEV_INSTANCE_ID, name);
    }

    dir = path.join(setup.root, "connect-sso-dev");
    nonSamlDir = path.join(setup.root, "connect-sso-dev-non-saml");
    for (const [folder, connect] of [
      [dir, fake],
      [nonSamlDir, nonSamlFake],
    ] as const) {
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, "cdk.tf.json"), stackJson);
      writeProviderOverride(folder, { connectUrl: connect.url, motoUrl: moto.url });
    }
    // One at a time: the plugin cache is shared. (Plans side by side were slower on two cores.)
    await tf(dir, ["init", "-input=false", "-no-color"]);
    await tf(nonSamlDir, ["init", "-input=false", "-no-color"]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([fake?.stop(), nonSamlFake?.stop(), moto?.stop()]);
    removeTempDir(setup?.root);
  }, 30_000);

  test("WHEN terraform applies the whole dev stack THEN the fake holds both Connect users with their names, phone settings and profile IDs", async () => {
    const result = await tf(dir, ["apply", "-auto-approve", "-input=false", "-no-color"]);
    expect(result.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed\./);
    expect(fake!.unimplemented()).toEqual([]);
    applied = true;

    const users = fake!.users(DEV_INSTANCE_ID);
    expect(users.map((u) => u.Username)).toEqual(Object.keys(DEV_USERS));
    for (const user of users) {
      const want = DEV_USERS[user.Username as keyof typeof DEV_USERS];
      expect(user.Arn).toBe(`arn:aws:connect:${DEV_REGION}:${DEV_ACCOUNT}:instance/${DEV_INSTANCE_ID}/agent/${user.Id}`);
      // Never an email on a SAML instance; no secondary email in dev.
      expect(user.IdentityInfo).toEqual({ FirstName: want.first, LastName: want.last });
      expect(user.PhoneConfig).toEqual({ PhoneType: "SOFT_PHONE", AutoAccept: want.autoAccept, AfterContactWorkTimeLimit: 0 });
      expect([...user.SecurityProfileIds].sort()).toEqual(want.securityProfiles.map((name) => profileIds[name]).sort());
      expect(user.RoutingProfileId).toBe(profileIds[want.routingProfile]);
      expect(user.HierarchyGroupId).toBeUndefined();
    }
  }, 120_000);

  test("WHEN terraform plans again THEN there are no changes (exit 0), made with exactly the expected Connect calls", async () => {
    needApply();
    fake!.resetCounts();
    const result = await tf(dir, ["plan", "-detailed-exitcode", "-json", "-input=false", "-no-color"]);
    const plan = parsePlan(result.stdout);
    expect(plan.summary).toMatchObject({ add: 0, change: 0, remove: 0 });
    expect(plan.changes).toEqual([]);
    // Refresh notes only (no change follows from them): the provider turns `tags` null into {} on
    // every tagged-type resource, and aws_iam_role.inline_policy learns the separately managed policy.
    expect(plan.drift.filter((d) => d.action !== "update")).toEqual([]);
    expect(fake!.operationCounts()).toEqual(DEV_PLAN_CONNECT_CALLS);
    expect(fake!.requests.filter((r) => r.status !== 200)).toEqual([]);
  }, 120_000);

  test("WHEN a Connect user is deleted out of band THEN the next plan sees it gone and wants to create exactly that user again", async () => {
    needApply();
    expect(fake!.deleteUser(DEV_INSTANCE_ID, "dev.lead@example.com")).toBe(true);
    fake!.resetCounts();
    // -detailed-exitcode: 2 means "changes".
    const result = await tf(dir, ["plan", "-detailed-exitcode", "-json", "-input=false", "-no-color"], [2]);
    const plan = parsePlan(result.stdout);
    const address = 'aws_connect_user.connect_users["dev.lead@example.com"]';
    expect(plan.drift.filter((d) => d.action !== "update")).toEqual([{ addr: address, action: "delete" }]);
    expect(plan.changes).toEqual([{ addr: address, action: "create" }]);
    expect(plan.summary).toMatchObject({ add: 1, change: 0, remove: 0 });
    // The provider learned it from a 404 ResourceNotFoundException on DescribeUser.
    expect(fake!.requests.filter((r) => r.errorCode).map((r) => `${r.operation} ${r.status} ${r.errorCode}`)).toEqual([
      "DescribeUser 404 ResourceNotFoundException",
    ]);
  }, 120_000);

  test("WHEN the instance does not use SAML THEN the plan fails with the data source postcondition's message", async () => {
    // Exit code 1: an error.
    const result = await tf(nonSamlDir, ["plan", "-json", "-input=false", "-no-color"], [1]);
    const plan = parsePlan(result.stdout);
    const expectedMessage = `Connect instance ${DEV_INSTANCE_ID} does not use SAML (identity management cannot change after creation): federation through Identity Center needs a SAML instance. Point connect.instanceId at one, or use connect.create.`;
    const errors = plan.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => ({ summary: d.summary, detail: d.detail }))).toEqual([{ summary: "Resource postcondition failed", detail: expectedMessage }]);
    expect(nonSamlFake!.unimplemented()).toEqual([]);
    expect(nonSamlFake!.operationCounts().CreateUser).toBeUndefined();
  }, 120_000);
});
