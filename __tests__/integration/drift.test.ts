/**
 * `npm run drift -- <env>` against a real applied stack: the dev example synthesized by the
 * project's own synth into a temp outdir, the provider override written into its stack folder
 * (synth keeps other files there, so the drift command's own synth leaves it in place), applied by
 * real terraform with Connect on the fake and IAM/STS on moto_server (127.0.0.1 only). Then the
 * drift script itself runs as a child process (as `npm run drift` runs it: tsx scripts/drift.ts),
 * in a temp project folder, with the temp environments and outdir given by CONNECT_SSO_ENVIRONMENTS
 * and CDKTF_OUTDIR. It must run outside this process: lib/tools/drift/index.ts waits for terraform
 * synchronously, and the fake answers from this process's event loop.
 *
 * Changes are made out of band the way a person would: a first name edited in Connect, the role's
 * maximum session edited in IAM, a Connect user deleted and an inline policy put on the role.
 *
 * A second environment of the same folder, `shard` (`sharding.stacks: 1`: its users live in
 * `connect-sso-shard-users-1`, on servers of its own), proves that drift checks every stack of an
 * environment, not only the main one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadEnvironments } from "../../lib/config/load";
import { makeMetadata } from "../../lib/devtools/make-metadata";
import { EXAMPLES_DIR, exampleEnvironment } from "../support/environments";
import { limiter, sandboxProject, startSandbox, type Sandbox, type SandboxProject } from "../support/sandbox";
import { describeResult, type CommandResult } from "../support/terraform";
import { describeIfTools, missingSandboxTools } from "../support/tools";

const ALICE = 'aws_connect_user.connect_users["alice.nguyen@example.com"]';
const DANA = 'aws_connect_user.connect_users["dev.lead@example.com"]';
const ROLE = "AmazonConnectSSO-dev";
const ROLE_DESCRIPTION = "Amazon Connect sign-in through IAM Identity Center (SAML)";

/** dev's users, in an environment whose users live in one users stack. */
const SHARD_YAML = `account: "111122223333"
region: us-west-2
connect:
  instanceId: 7c1e4a2b-9d3f-4e5a-8b6c-0d1e2f3a4b5c
ssoApplication:
  displayName: Amazon Connect (shard)
  metadataFile: metadata/dev.xml
sharding:
  stacks: 1
users:
  - username: alice.nguyen@example.com
    firstName: Alice
    lastName: Nguyen
    securityProfiles: [Agent]
    routingProfile: Basic Routing Profile
  - username: dev.lead@example.com
    firstName: Dana
    lastName: Okafor
    securityProfiles: [Agent, CallCenterManager]
    routingProfile: Basic Routing Profile
`;

describeIfTools(
  "npm run drift on an applied dev stack (real terraform; Connect on the fake, IAM/STS on moto_server, loopback only)",
  missingSandboxTools(),
  () => {
    let sandbox: Sandbox | undefined;
    let shard: Sandbox | undefined;
    let project: SandboxProject;
    let applied = false;
    const needApply = () => {
      if (!applied) throw new Error("the dev stack was not applied (see beforeAll's error)");
    };

    /** `npm run drift -- <env>` in the temp project folder, a person's try-out (no git checkout, local state). */
    const drift = (environment = "dev"): Promise<CommandResult> => project.run("drift", [environment]);
    const expectCode = (result: CommandResult, code: number) => {
      if (result.code !== code) throw new Error(describeResult(result, `expected exit ${code}`));
    };

    beforeAll(async () => {
      // A project folder of its own: dev.yaml as shipped, with fresh metadata (valid whatever the date).
      sandbox = await startSandbox(exampleEnvironment("dev"));
      project = sandboxProject(sandbox, { bulkReader: false });
      const { environmentsDir } = project;
      fs.mkdirSync(path.join(environmentsDir, "metadata"), { recursive: true });
      fs.copyFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), path.join(environmentsDir, "dev.yaml"));
      fs.writeFileSync(path.join(environmentsDir, "metadata", "dev.xml"), await makeMetadata());
      fs.writeFileSync(path.join(environmentsDir, "shard.yaml"), SHARD_YAML);
      const shardEnv = loadEnvironments({ dir: environmentsDir, now: new Date() }).environments.find((e) => e.name === "shard");
      if (!shardEnv) throw new Error("shard.yaml did not load");
      shard = await startSandbox(shardEnv, { setup: sandbox.setup });

      project.synth();
      const stack = project.stackDir;
      const [dev, shardMain, shardUsers] = [
        await sandbox.workspaceAt(stack("connect-sso-dev")),
        await shard.workspaceAt(stack("connect-sso-shard")),
        await shard.workspaceAt(stack("connect-sso-shard-users-1")),
      ];
      const heavy = limiter(2);
      const results = await Promise.all([heavy(() => dev.apply()), heavy(() => shardMain.apply()), heavy(() => shardUsers.apply())]);
      const expected = ["7 added", "5 added", "2 added"];
      results.forEach((result, i) => {
        if (!result.stdout.includes(`Apply complete! Resources: ${expected[i]}, 0 changed, 0 destroyed.`))
          throw new Error(describeResult(result, `expected ${expected[i]}`));
      });
      applied = true;
    }, 180_000);

    afterAll(async () => {
      // shard shares dev's temp root: stop it first.
      await shard?.stop();
      await sandbox?.stop();
    }, 30_000);

    test("GIVEN dev just applied WHEN drift runs THEN it exits 0: the refresh's tags null → {} and the role's copy of its inline policy are not drift", async () => {
      needApply();
      const result = await drift();
      expectCode(result, 0);
      expect(result.stdout).toContain("## connect-sso-dev\n\nNo drift: AWS matches the last applied state.");
      // Both users, the role and the provider refresh with no setting changed.
      expect(result.stdout).toContain("Not counted: 4 resource(s) whose refresh changed no setting");
    }, 180_000);

    test("WHEN a user's first name is changed in Connect THEN drift exits 2 naming that user and the field, AWS's value and the state's", async () => {
      needApply();
      const s = sandbox!;
      const alice = s.fake.user(s.instanceId!, "alice.nguyen@example.com")!;
      await s.connect("POST", `/users/${s.instanceId}/${alice.Id}/identity-info`, { IdentityInfo: { FirstName: "Alicia", LastName: "Nguyen" } });
      try {
        const result = await drift();
        expectCode(result, 2);
        expect(result.stdout).toContain(
          [
            "## connect-sso-dev: drift",
            "",
            "Changed outside Terraform since the last apply (the next apply puts them back):",
            "",
            `- \`${ALICE}\``,
            '  - identity_info.0.first_name: `"Alicia"` in AWS, `"Alice"` in state',
          ].join("\n"),
        );
        expect(result.stdout).not.toMatch(/dev\.lead|aws_iam_role/);
      } finally {
        await s.connect("POST", `/users/${s.instanceId}/${alice.Id}/identity-info`, { IdentityInfo: { FirstName: "Alice", LastName: "Nguyen" } });
      }
    }, 180_000);

    test("WHEN the role's maximum session is changed in IAM THEN drift exits 2 naming the role and max_session_duration", async () => {
      needApply();
      const s = sandbox!;
      // Description sent too: moto's UpdateRole clears it otherwise (AWS keeps it).
      await s.iam({ Action: "UpdateRole", RoleName: ROLE, MaxSessionDuration: "7200", Description: ROLE_DESCRIPTION });
      try {
        const result = await drift();
        expectCode(result, 2);
        expect(result.stdout).toContain(["- `aws_iam_role.federation_role`", "  - max_session_duration: `7200` in AWS, `36000` in state"].join("\n"));
        expect(result.stdout).not.toContain("aws_connect_user");
      } finally {
        await s.iam({ Action: "UpdateRole", RoleName: ROLE, MaxSessionDuration: "36000", Description: ROLE_DESCRIPTION });
      }
    }, 180_000);

    test("WHEN a user is deleted in Connect and an inline policy is put on the role by hand THEN drift exits 2 naming the deleted user and the extra policy", async () => {
      needApply();
      const s = sandbox!;
      expect(s.fake.deleteUser(s.instanceId!, "dev.lead@example.com")).toBe(true);
      await s.iam({
        Action: "PutRolePolicy",
        RoleName: ROLE,
        PolicyName: "added-by-hand",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:*", Resource: "*" }] }),
      });
      const result = await drift();
      expectCode(result, 2);
      expect(result.stdout).toContain(`- \`${DANA}\`: deleted outside Terraform (the next apply creates it again)`);
      // The role's own copy of its inline policies is not reported; the exclusive resource is.
      expect(result.stdout).toContain(
        [
          "- `aws_iam_role_policies_exclusive.federation_role_inline_policies`",
          '  - policy_names: `["added-by-hand","connect-federation"]` in AWS, `["connect-federation"]` in state',
        ].join("\n"),
      );
      expect(result.stdout).not.toContain("inline_policy");
      expect(result.stdout).not.toContain(ALICE);
    }, 180_000);

    test("GIVEN shard, whose users live in connect-sso-shard-users-1, WHEN a user's first name is changed in Connect THEN drift shard checks both stacks and exits 2 for the users stack", async () => {
      needApply();
      const s = shard!;
      const dana = s.fake.user(s.instanceId!, "dev.lead@example.com")!;
      await s.connect("POST", `/users/${s.instanceId}/${dana.Id}/identity-info`, { IdentityInfo: { FirstName: "Danielle", LastName: "Okafor" } });
      const result = await drift("shard");
      expectCode(result, 2);
      expect(result.stdout).toContain("## connect-sso-shard\n\nNo drift: AWS matches the last applied state.");
      expect(result.stdout).toContain(
        [
          "## connect-sso-shard-users-1: drift",
          "",
          "Changed outside Terraform since the last apply (the next apply puts them back):",
          "",
          `- \`${DANA}\``,
          '  - identity_info.0.first_name: `"Danielle"` in AWS, `"Dana"` in state',
        ].join("\n"),
      );
      // Only shard's stacks.
      expect(result.stdout).not.toMatch(/## connect-sso-dev/);
    }, 180_000);

    test("GIVEN an environment never applied WHEN drift runs, full or fast THEN it says there is nothing to compare and exits 1, never 'No drift'", async () => {
      const { environmentsDir } = project;
      const lock = path.join(environmentsDir, "identity.lock.json");
      const lockBefore = fs.readFileSync(lock, "utf8");
      // dev's file, for an instance of its own, that no run applied.
      const fresh = fs
        .readFileSync(path.join(environmentsDir, "dev.yaml"), "utf8")
        .replace(/^(pipeline|backend):.*\n( {2}.*\n)+/gm, "")
        .replace(/instanceId: [0-9a-f-]+/, "instanceId: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
      fs.writeFileSync(path.join(environmentsDir, "fresh.yaml"), fresh);
      try {
        for (const args of [["fresh"], ["fresh", "--fast"]]) {
          const result = await project.run("drift", args);
          expectCode(result, 1);
          if (!result.stdout.includes("Nothing to compare")) throw new Error(describeResult(result, "expected nothing to compare"));
          expect(result.stdout).toContain(
            "## connect-sso-fresh\n\nNothing to compare: the stack has no state (it was never applied, or its backend points elsewhere).",
          );
          expect(result.stdout).not.toMatch(/No drift/);
        }
      } finally {
        fs.rmSync(path.join(environmentsDir, "fresh.yaml"));
        fs.writeFileSync(lock, lockBefore);
      }
    }, 180_000);
  },
);
