/**
 * `npm run drift -- <env> --fast` against a real applied stack, side by side with today's drift:
 * the dev example (plus a user with a secondary email) synthesized into a temp outdir, applied by
 * real terraform with Connect on the fake and IAM/STS on moto_server (127.0.0.1 only), then both
 * drift commands run as child processes (as `npm run drift` runs them). Fast drift's bulk reader
 * finds the fake through AWS_ENDPOINT_URL_CONNECT, as the SDK's usual chain does.
 *
 * Out-of-band edits are made on the fake (a first name, a phone type, security profiles, a deleted
 * user); both commands must report exactly the same users and fields, and fast drift must call
 * DescribeUser only for the user whose state sets a secondary email.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadEnvironments } from "../../lib/config/load";
import { makeMetadata } from "../../lib/devtools/make-metadata";
import { EXAMPLES_DIR } from "../support/environments";
import { startSandbox, type Sandbox, sandboxProject, type SandboxProject } from "../support/sandbox";
import { describeResult, makeTempDir, removeTempDir, type CommandResult } from "../support/terraform";
import { describeIfTools, missingSandboxTools } from "../support/tools";

const ALICE = "alice.nguyen@example.com";
const DANA = "dev.lead@example.com";
const SAM = "sam.second@example.com";

/** A third dev user whose state sets a secondary email: the one user fast drift may describe. */
const SAM_YAML = `  - username: ${SAM}
    firstName: Sam
    lastName: Second
    secondaryEmail: sam@home.example
    securityProfiles: [Agent]
    routingProfile: Basic Routing Profile
`;

/** The user entries of a drift report (`- \`aws_connect_user...\`` and the field lines under it), sorted. */
function userEntries(report: string): string[] {
  const entries: string[] = [];
  for (const line of report.split("\n")) {
    if (line.startsWith("- `aws_connect_user.")) entries.push(line);
    else if (line.startsWith("  - ") && entries.length > 0 && entries[entries.length - 1].startsWith("- `aws_connect_user."))
      entries[entries.length - 1] += `\n${line}`;
  }
  return entries.sort();
}

describeIfTools(
  "npm run drift -- dev --fast on an applied dev stack, against today's drift (real terraform; Connect on the fake, IAM/STS on moto_server, loopback only)",
  missingSandboxTools(),
  () => {
    let sandbox: Sandbox | undefined;
    let project: SandboxProject;
    let applied = false;
    const needApply = () => {
      if (!applied) throw new Error("the dev stack was not applied (see beforeAll's error)");
    };

    /** `npm run drift -- dev [--fast]` in the temp project folder. */
    const drift = (...flags: string[]): Promise<CommandResult> => project.run("drift", ["dev", ...flags]);
    const expectCode = (result: CommandResult, code: number) => {
      if (result.code !== code) throw new Error(describeResult(result, `expected exit ${code}`));
    };
    /** Fast drift, with the fake's DescribeUser calls during it, by user name. */
    const fastDrift = async () => {
      const s = sandbox!;
      s.fake.resetCounts();
      const result = await drift("--fast");
      const ids = new Map(s.fake.users(s.instanceId!).map((u) => [u.Id, u.Username]));
      const described = s.fake.requests.filter((r) => r.operation === "DescribeUser").map((r) => ids.get(r.path.split("/").pop()!) ?? r.path);
      return { result, described, counts: s.fake.operationCounts() };
    };

    beforeAll(async () => {
      const root = makeTempDir("fast-drift-env");
      try {
        fs.mkdirSync(path.join(root, "metadata"));
        fs.writeFileSync(path.join(root, "dev.yaml"), fs.readFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), "utf8") + SAM_YAML);
        fs.writeFileSync(path.join(root, "metadata", "dev.xml"), await makeMetadata());
        const env = loadEnvironments({ dir: root, now: new Date() }).environments.find((e) => e.name === "dev");
        if (!env) throw new Error("dev.yaml with a third user did not load");
        sandbox = await startSandbox(env);
        project = sandboxProject(sandbox);
        fs.cpSync(root, project.environmentsDir, { recursive: true });
      } finally {
        removeTempDir(root);
      }
      project.synth();
      const dev = await sandbox.workspaceAt(project.stackDir("connect-sso-dev"));
      const result = await dev.apply();
      if (!result.stdout.includes("Apply complete! Resources: 8 added, 0 changed, 0 destroyed.")) throw new Error(describeResult(result, "expected 8 added"));
      applied = true;
    }, 180_000);

    afterAll(async () => {
      await sandbox?.stop();
    }, 30_000);

    test("GIVEN dev just applied WHEN fast drift runs THEN it exits 0 for the stack and describes only the user with a secondary email", async () => {
      needApply();
      const { result, described, counts } = await fastDrift();
      expectCode(result, 0);
      expect(result.stdout).toContain("## connect-sso-dev\n\nNo drift: AWS matches the last applied state.");
      expect(result.stdout).toContain("Fast drift: 3 Connect user(s) compared");
      expect({ described, searchUsers: counts.SearchUsers }).toEqual({ described: [SAM], searchUsers: 1 });
    }, 180_000);

    test("WHEN a first name, a phone type and security profiles are changed and a user is deleted in Connect THEN fast drift exits 2 with exactly the users and fields today's drift reports", async () => {
      needApply();
      const s = sandbox!;
      const user = (name: string) => s.fake.user(s.instanceId!, name)!;
      const at = (name: string, what: string) => `/users/${s.instanceId}/${user(name).Id}/${what}`;
      await s.connect("POST", at(ALICE, "identity-info"), { IdentityInfo: { FirstName: "Alicia", LastName: "Nguyen" } });
      await s.connect("POST", at(ALICE, "security-profiles"), { SecurityProfileIds: [s.profileIds.Agent, s.profileIds.CallCenterManager] });
      await s.connect("POST", at(SAM, "phone-config"), {
        PhoneConfig: { PhoneType: "DESK_PHONE", DeskPhoneNumber: "+12065550100", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
      });
      expect(s.fake.deleteUser(s.instanceId!, DANA)).toBe(true);

      const fast = await fastDrift();
      const normal = await drift();
      expectCode(fast.result, 2);
      expectCode(normal, 2);
      const expected = [
        `- \`aws_connect_user.connect_users["${ALICE}"]\`\n` +
          '  - identity_info.0.first_name: `"Alicia"` in AWS, `"Alice"` in state\n' +
          '  - security_profile_ids: `["Agent","CallCenterManager"]` in AWS, `["Agent"]` in state',
        `- \`aws_connect_user.connect_users["${DANA}"]\`: deleted outside Terraform (the next apply creates it again)`,
        `- \`aws_connect_user.connect_users["${SAM}"]\`\n` +
          '  - phone_config.0.desk_phone_number: `"+12065550100"` in AWS, `""` in state\n' +
          '  - phone_config.0.phone_type: `"DESK_PHONE"` in AWS, `"SOFT_PHONE"` in state',
      ];
      expect({ normal: userEntries(normal.stdout) }).toEqual({ normal: expected });
      expect({ fast: userEntries(fast.result.stdout) }).toEqual({ fast: expected });
      expect(fast.result.stdout).toContain("## connect-sso-dev: drift");
      // Dana is gone (found by neither SearchUsers nor ListUsers): only Sam is described.
      expect(fast.described).toEqual([SAM]);
    }, 300_000);
  },
);
