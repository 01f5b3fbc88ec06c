/**
 * `npm run review` on REAL plans: every plan below is made by terraform 1.11 with the real
 * provider (hashicorp/aws 5.100.0), Connect and sso-admin answered by the fake, IAM, STS and
 * identitystore by moto_server, all on 127.0.0.1 (support/sandbox.ts). Nothing is hand-written
 * plan JSON.
 *
 * - Create-only plans of the three examples, each on fresh servers seeded with what must exist
 *   before a first apply.
 * - The dev example applied once; then changed configurations (built in-process from a modified
 *   Environment, so no identity lock is involved) are planned against copies of that one applied
 *   state, never applied: users added, changed, removed and renamed; the role renamed; sessions,
 *   landing page and signing certificate changed.
 *
 * Expectations (user names, values, lines of Markdown) are written out by hand; the rotated
 * certificate's fingerprint is read from the generated metadata with node's X509Certificate.
 */
import { X509Certificate } from "node:crypto";
import type { Environment } from "../../lib/config/environment";
import type { UserEntry } from "../../lib/config/schema";
import { runReview } from "../../lib/tools/review/cli";
import { makeMetadata } from "../../lib/devtools/make-metadata";
import { exampleEnvironment, REPO } from "../support/environments";
import { limiter, startSandbox, type Sandbox, type SavedPlan, type Workspace } from "../support/sandbox";
import { describeResult, removeTempDir, runScript, terraformSetup, type TerraformSetup } from "../support/terraform";
import { describeIfTools, missingSandboxTools } from "../support/tools";

/** What `npm run review` printed and returned, run in-process, with consents for connect-sso-dev. */
function review(files: ReadonlyArray<string>, consents: ReadonlyArray<string> = []): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = runReview(
    [...consents.flatMap((target) => ["--consent", `${STACK}:${target}`]), ...files],
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}

const STACK = "connect-sso-dev";

const DEV_ACCOUNT = "111122223333";
/** The subject lib/devtools/make-metadata.ts gives every generated certificate. */
const GENERATED_SUBJECT = "CN=idp.example.invalid, OU=Generated test metadata, O=Example";

/** Expiry day and SHA-256 fingerprint of the one certificate in a metadata document. */
function certificateOf(xml: string): { expires: string; fingerprint: string } {
  const base64 = /<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/.exec(xml)?.[1];
  if (!base64) throw new Error("no certificate in the metadata");
  const cert = new X509Certificate(Buffer.from(base64.replace(/\s+/g, ""), "base64"));
  return { expires: new Date(cert.validTo).toISOString().slice(0, 10), fingerprint: cert.fingerprint256 };
}
const ALICE = "alice.nguyen@example.com";
const DANA = "dev.lead@example.com";

/** A copy of dev with its users changed by `edit` (each user a fresh object). */
function withUsers(env: Environment, edit: (users: UserEntry[]) => UserEntry[]): Environment {
  return { ...env, users: edit(env.users.map((u) => ({ ...u, securityProfiles: [...u.securityProfiles] }))) };
}

describeIfTools(
  "npm run review on real terraform plans (Connect on the fake, IAM/STS/identitystore on moto_server, loopback only)",
  missingSandboxTools(),
  () => {
    let setup: TerraformSetup | undefined;
    const sandboxes: Sandbox[] = [];
    /** Every plan of this file, started in beforeAll (two terraform processes at a time); each test awaits its own. */
    const plans: Record<string, Promise<SavedPlan>> = {};
    /** The metadata the "in-place" variant rotates to (generated in beforeAll). */
    let rotatedMetadata = "";
    const plan = (name: string) => plans[name] ?? Promise.reject(new Error(`no plan ${name}`));

    beforeAll(async () => {
      setup = terraformSetup("review");
      const started = await Promise.allSettled(["dev", "staging", "prod"].map((name) => startSandbox(exampleEnvironment(name), { setup })));
      for (const s of started) if (s.status === "fulfilled") sandboxes.push(s.value);
      for (const s of started) if (s.status === "rejected") throw s.reason;
      const [dev] = sandboxes;
      const heavy = limiter(2);

      // Create-only plans: each example on its own fresh servers.
      const created = new Map<string, Workspace>();
      for (const sandbox of sandboxes) created.set(sandbox.env.name, await sandbox.workspace("create", sandbox.env));
      for (const [name, ws] of created) plans[`create-${name}`] = heavy(() => ws.plan());

      // dev applied from its create-only plan; then changed configurations planned against copies of its state.
      const env = dev.env;
      const variants: Record<string, Environment | (() => Promise<Environment>)> = {
        "add-and-change": withUsers(env, (users) => {
          const alice = users.find((u) => u.username === ALICE)!;
          Object.assign(alice, {
            firstName: "Alicia",
            phoneType: "DESK_PHONE",
            deskPhoneNumber: "+12065550199",
            securityProfiles: ["Agent", "QualityAnalyst"],
          });
          const noor = {
            username: "noor.haddad@example.com",
            firstName: "Noor",
            lastName: "Haddad",
            securityProfiles: ["Agent"],
            routingProfile: "Basic Routing Profile",
            phoneType: "SOFT_PHONE",
            autoAccept: false,
            afterContactWorkTimeLimit: 0,
          } as const;
          return [...users, { ...noor, securityProfiles: [...noor.securityProfiles] }];
        }),
        remove: withUsers(env, (users) => users.filter((u) => u.username !== DANA)),
        rename: withUsers(env, (users) => users.map((u) => (u.username === ALICE ? { ...u, username: "alice.tran@example.com" } : u))),
        "rename-role": { ...env, iam: { ...env.iam, roleName: "AmazonConnectSSO-dev-v2" } },
        // A rotated signing certificate (new metadata), 12-hour sessions and the CCP chat landing page.
        "in-place": async () => {
          rotatedMetadata = await makeMetadata();
          return {
            ...env,
            ssoApplication: { ...env.ssoApplication, metadataXml: rotatedMetadata, sessionDurationHours: 12, destination: "ccp-v2-chat" as const },
          };
        },
      };
      const applied = plans["create-dev"].then((p) => heavy(() => created.get("dev")!.apply(p)));
      for (const [name, variant] of Object.entries(variants)) {
        plans[name] = applied.then(async () => {
          const ws = await dev.workspace(name, typeof variant === "function" ? await variant() : variant, { stateFrom: created.get("dev")! });
          return heavy(() => ws.plan());
        });
      }
      // Failures surface in the test that awaits the plan, not as unhandled rejections here.
      for (const p of Object.values(plans)) p.catch(() => undefined);
    }, 60_000);

    afterAll(async () => {
      // Let every started terraform finish before its servers go away (each run is bounded).
      await Promise.allSettled(Object.values(plans));
      await Promise.all(sandboxes.map((s) => s.stop()));
      removeTempDir(setup?.root);
    }, 300_000);

    test("GIVEN the dev, staging and prod examples on fresh servers WHEN each is planned THEN one review lists every user as added, per stack, and exits 0 with nothing blocked", async () => {
      const [dev, staging, prod] = await Promise.all([plan("create-dev"), plan("create-staging"), plan("create-prod")]);
      const { code, out, err } = review([dev.jsonFile, staging.jsonFile, prod.jsonFile]);
      expect({ code, err }).toEqual({ code: 0, err: "" });
      const section = (stack: string) => out.slice(out.indexOf(`## ${stack}\n`)).split(/\n## /)[0];
      expect(section("connect-sso-dev")).toContain(["**Added (2)**", "", "- `alice.nguyen@example.com`", "- `dev.lead@example.com`"].join("\n"));
      expect(section("connect-sso-staging")).toContain(["**Added (2)**", "", "- `alice.nguyen@example.com`", "- `bob.martin@example.com`"].join("\n"));
      expect(section("connect-sso-prod")).toContain(
        ["**Added (4)**", "", "- `alice.nguyen@example.com`", "- `bob.martin@example.com`", "- `jose.pena@example.com`", "- `supervisor.kim@example.com`"].join(
          "\n",
        ),
      );
      // Staging creates its SAML instance; staging and prod assign their users to the application.
      expect(section("connect-sso-staging")).toContain("- `aws_connect_instance.connect_instance`: create");
      expect(section("connect-sso-prod")).toContain('- `aws_ssoadmin_application_assignment.application_assignments["jose.pena@example.com"]`: create');
      for (const stack of ["connect-sso-dev", "connect-sso-staging", "connect-sso-prod"]) {
        expect(section(stack)).toContain("- `aws_iam_role.federation_role`: create");
        expect(section(stack)).toContain("- `aws_iam_saml_provider.saml_provider`: create");
      }
      expect(out).not.toMatch(/Needs consent|Removed|Changed|Change by hand/);
    }, 240_000);

    test("GIVEN dev applied WHEN a user is added and another's first name, phone type and security profiles change THEN the review says so field by field, profiles by name, and the new security profile needs consent", async () => {
      const jsonFile = (await plan("add-and-change")).jsonFile;
      const refused = review([jsonFile]);
      expect({ code: refused.code, err: refused.err }).toEqual({ code: 1, err: expect.stringContaining("consent: connect-sso-dev alice.nguyen@example.com") });
      expect(refused.out).toMatch(/would change `security_profile_ids`, which no update changes without consent/);
      const { code, out, err } = review([jsonFile], ["alice.nguyen@example.com"]);
      expect({ code, err }).toEqual({ code: 0, err: "" });
      expect(out).toContain(["**Added (1)**", "", "- `noor.haddad@example.com`"].join("\n"));
      expect(out).toContain(
        [
          "**Changed (1)**",
          "",
          "- `alice.nguyen@example.com`",
          "  - first name: `Alice` → `Alicia`",
          "  - desk phone: _(none)_ → `+12065550199`",
          "  - phone type: `SOFT_PHONE` → `DESK_PHONE`",
          "  - security profiles: `Agent` → `Agent, QualityAnalyst`",
          "",
        ].join("\n"),
      );
      // Nothing else changes: dev.lead is untouched, IAM is untouched.
      expect(out).not.toMatch(/dev\.lead|### IAM|Needs consent|Change by hand/);
      expect(out).toMatch(/Allowed by consent/);
    }, 240_000);

    test("GIVEN dev applied WHEN a user is removed from the file THEN the review shows it deleted and blocks (exit 1) until a consent for connect-sso-dev names it", async () => {
      const removed = await plan("remove");
      const address = 'aws_connect_user.connect_users["dev.lead@example.com"]';
      const blocked = review([removed.jsonFile]);
      expect(blocked.code).toBe(1);
      expect(blocked.out).toContain(["**Removed (deleted from Connect) (1)**", "", "- `dev.lead@example.com`"].join("\n"));
      expect(blocked.out).toContain(["### ⛔ Needs consent", "", `- Connect user \`${address}\` would be deleted: \`consent: ${STACK} ${DANA}\``].join("\n"));
      expect(blocked.err).toContain(`review: 1 gated change(s) lack consent`);

      for (const allow of [DANA, address]) {
        const allowed = review([removed.jsonFile], [allow]);
        expect({ allow, code: allowed.code, err: allowed.err }).toEqual({ allow, code: 0, err: "" });
        expect(allowed.out).toContain(
          ["### Allowed by consent", "", `- Connect user \`${address}\` would be deleted: allowed by command line (--consent flag)`].join("\n"),
        );
        expect(allowed.out).not.toContain("Needs consent");
      }
      // Consent for another user, or for this user in another stack, does not allow this one.
      expect(review([removed.jsonFile], [ALICE]).code).toBe(1);
      let out = "";
      expect(
        runReview(
          ["--consent", `connect-sso-prod:${DANA}`, removed.jsonFile],
          (t) => (out += t),
          () => undefined,
        ),
      ).toBe(1);
      expect(out).toContain(`- \`consent: connect-sso-prod ${DANA}\` by command line (--consent flag)`);
    }, 240_000);

    test("GIVEN the removal plan WHEN the npm script itself runs THEN its process exits 1, and 0 with --consent", async () => {
      const removed = await plan("remove");
      const script = (args: string[]) =>
        runScript("review", args, {
          cwd: REPO,
          env: { ...process.env },
          timeoutMs: 60_000,
        });
      const [blocked, allowed] = await Promise.all([script([removed.jsonFile]), script(["--consent", `${STACK}:${DANA}`, removed.jsonFile])]);
      if (blocked.code !== 1) throw new Error(describeResult(blocked, "expected exit 1"));
      if (allowed.code !== 0) throw new Error(describeResult(allowed, "expected exit 0"));
      expect(blocked.stdout).toContain("### ⛔ Needs consent");
      expect(blocked.stderr).toContain(
        `lack consent; each needs its line in an approving review (or --consent <stack>:<target> when you run the review):\n  consent: ${STACK} ${DANA}`,
      );
      expect(allowed.stdout).toContain("### Allowed by consent");
      // A refusal, not a crash.
      expect(blocked.stderr + allowed.stderr).not.toMatch(/Error:|at .*\.ts:\d+/);
    }, 240_000);

    test("GIVEN dev applied WHEN a user's name changes THEN it is one user added and one deleted, and the review blocks (exit 1)", async () => {
      const { code, out } = review([(await plan("rename")).jsonFile]);
      expect(code).toBe(1);
      expect(out).toContain(["**Added (1)**", "", "- `alice.tran@example.com`"].join("\n"));
      expect(out).toContain(["**Removed (deleted from Connect) (1)**", "", "- `alice.nguyen@example.com`"].join("\n"));
      expect(out).toContain('- Connect user `aws_connect_user.connect_users["alice.nguyen@example.com"]` would be deleted');
      expect(out).not.toContain("Changed");
    }, 240_000);

    test("GIVEN dev applied WHEN iam.roleName changes THEN the role, its policy and its exclusive lists are replaced (each needs consent, exit 1) and the Role attribute mapping is listed for the console, before → after", async () => {
      const { code, out } = review([(await plan("rename-role")).jsonFile]);
      expect(code).toBe(1);
      expect(out).toContain(
        ["- `aws_iam_role.federation_role`: replace", "  - name: `AmazonConnectSSO-dev` → `AmazonConnectSSO-dev-v2` (forces replacement)"].join("\n"),
      );
      // The role's policy and its exclusive lists name the role: they are replaced with it, each gated.
      const refused = out
        .slice(out.indexOf("### ⛔ Needs consent"))
        .split("\n")
        .filter((l) => l.startsWith("- "));
      expect(refused).toEqual([
        `- federation role \`aws_iam_role.federation_role\` would be replaced (deleted, then created again): \`consent: ${STACK} aws_iam_role.federation_role\``,
        `- role's exclusive list of inline policies \`aws_iam_role_policies_exclusive.federation_role_inline_policies\` would be replaced (deleted, then created again): \`consent: ${STACK} aws_iam_role_policies_exclusive.federation_role_inline_policies\``,
        `- role's inline policy \`aws_iam_role_policy.federation_policy\` would be replaced (deleted, then created again): \`consent: ${STACK} aws_iam_role_policy.federation_policy\``,
        `- role's exclusive list of managed policies \`aws_iam_role_policy_attachments_exclusive.federation_role_managed_policies\` would be replaced (deleted, then created again): \`consent: ${STACK} aws_iam_role_policy_attachments_exclusive.federation_role_managed_policies\``,
      ]);
      expect(out).toContain(
        [
          "### Change by hand in the Identity Center console",
          "",
          `- \`https://aws.amazon.com/SAML/Attributes/Role\` attribute mapping: \`arn:aws:iam::${DEV_ACCOUNT}:role/AmazonConnectSSO-dev,arn:aws:iam::${DEV_ACCOUNT}:saml-provider/AmazonConnectSSO-dev\` → _(known after apply)_`,
        ].join("\n"),
      );
      expect(out).toContain("cannot sign in through the new one until their Connect users are deleted and re-created");
      // The users and the provider stay.
      expect(out).not.toMatch(/### Connect users|aws_iam_saml_provider/);
      const targets = refused.map((line) => /`consent: \S+ (\S+)`$/.exec(line)![1]);
      expect(review([(await plan("rename-role")).jsonFile], targets.slice(0, 1)).code).toBe(1);
      expect(review([(await plan("rename-role")).jsonFile], targets)).toMatchObject({ code: 0, err: "" });
    }, 240_000);

    test("GIVEN dev applied WHEN the certificate rotates, sessions become 12 hours and the landing page changes THEN provider and role update in place, the rotation shows both certificates and needs consent, and the console section lists relay state and session duration", async () => {
      const inPlace = (await plan("in-place")).jsonFile;
      const { code, out, err } = review([inPlace]);
      expect(code).toBe(1);
      expect(err).toContain(`consent: ${STACK} aws_iam_saml_provider.saml_provider`);
      const [old, rotated] = [sandboxes[0].env.ssoApplication.metadataXml, rotatedMetadata].map(certificateOf);
      expect(out).toContain(
        [
          "### IAM",
          "",
          "- `aws_iam_role.federation_role`: update",
          "  - maximum session (seconds): `36000` → `43200`",
          "- `aws_iam_saml_provider.saml_provider`: update",
          `  - signing certificate removed: ${GENERATED_SUBJECT}, expires ${old.expires}, SHA-256 \`${old.fingerprint}\``,
          `  - signing certificate added: ${GENERATED_SUBJECT}, expires ${rotated.expires}, SHA-256 \`${rotated.fingerprint}\``,
          "",
        ].join("\n"),
      );
      expect(out).toContain(
        "- SAML provider `aws_iam_saml_provider.saml_provider` would change whom IAM trusts for sign-in (entityID or signing certificates, see IAM above): `consent: connect-sso-dev aws_iam_saml_provider.saml_provider`",
      );
      const relay = "https://us-west-2.console.aws.amazon.com/connect/federate/0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
      expect(out).toContain(
        [
          "### Change by hand in the Identity Center console",
          "",
          `- Relay state (application properties): \`${relay}?destination=%2Fagent-app-v2\` → \`${relay}?destination=%2Fccp-v2%2Fchat&new_domain=true\``,
          "- Session duration (application properties; the federation role's maximum session follows it): `10 hours` → `12 hours`",
        ].join("\n"),
      );
      expect(out).not.toMatch(/### Connect users|replace|entityID\)/);
      // The longer session is an update of a guarded field (max_session_duration): consent too.
      expect(out).toContain("`consent: connect-sso-dev aws_iam_role.federation_role`");
      const consented = review([inPlace], ["aws_iam_saml_provider.saml_provider", "aws_iam_role.federation_role"]);
      expect({ code: consented.code, err: consented.err }).toEqual({ code: 0, err: "" });
    }, 240_000);
  },
);
