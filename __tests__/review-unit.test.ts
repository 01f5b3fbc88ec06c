/**
 * Edge cases of lib/review that real plans of this project's stacks do not produce (review.test.ts
 * covers what they do produce, from real terraform plans): refusals of bad input, action shapes
 * such as create-before-destroy and forget, how values are compared and shown.
 *
 * The inputs below are HAND-MADE fragments in the shape of `terraform show -json` (format 1.2, as
 * terraform 1.11 writes it), reduced to the fields lib/review reads. Each says what it stands for.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { asPlan, fieldChanges, isAllowed, PlanFormatError, reviewPlan, UNKNOWN, type PlanJson, type ResourceChange } from "../lib/review/classify";
import { runReview, stackLabel } from "../lib/review/cli";
import { renderReview } from "../lib/review/markdown";
import { makeTempDir, removeTempDir } from "./support/terraform";

const user = (key: string, actions: string[], change: Partial<ResourceChange["change"]> = {}): ResourceChange => ({
  address: `aws_connect_user.connect_users["${key}"]`,
  mode: "managed",
  type: "aws_connect_user",
  name: "connect_users",
  index: key,
  change: { actions, ...change },
});
const plan = (resource_changes: ResourceChange[], extra: Partial<PlanJson> = {}): PlanJson => ({ format_version: "1.2", resource_changes, ...extra });

describe("asPlan refuses what is not `terraform show -json` output", () => {
  test.each([
    [[], /is not a JSON object/],
    [{ resource_changes: [] }, /has no format_version.*not the plan file itself, nor state/],
    [{ format_version: "2.0" }, /has format_version 2.0; this reads 1.x/],
    [{ format_version: "1.2", resource_changes: {} }, /resource_changes is not a list/],
  ])("GIVEN %j THEN it names what is wrong", (value, message) => {
    expect(() => asPlan(value)).toThrow(PlanFormatError);
    expect(() => asPlan(value)).toThrow(message);
  });
});

describe("runReview's command line", () => {
  let dir: string;
  beforeAll(() => (dir = makeTempDir("review-unit")));
  afterAll(() => removeTempDir(dir));
  const run = (argv: string[]) => {
    let out = "";
    let err = "";
    const code = runReview(argv, (t) => (out += t), (t) => (err += t));
    return { code, out, err };
  };

  test("WHEN no plan, an unknown flag, a missing file, text that is not JSON or a state file is given THEN it exits 2 with the reason and prints no review", () => {
    fs.writeFileSync(path.join(dir, "broken.json"), "{ not json");
    // A state file (terraform.tfstate) is JSON without format_version.
    fs.writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify({ version: 4, terraform_version: "1.11.0", resources: [] }));
    const cases: Array<[string[], RegExp]> = [
      [[], /no plan file given\nusage: npm run review/],
      [["--allow-everything", "x.json"], /Unknown option '--allow-everything'/],
      [[path.join(dir, "missing.json")], /missing\.json: file not found/],
      [[path.join(dir, "broken.json")], /broken\.json: is not JSON/],
      [[path.join(dir, "terraform.tfstate")], /has no format_version/],
    ];
    for (const [argv, message] of cases) {
      const result = run(argv);
      expect({ argv, code: result.code, out: result.out }).toEqual({ argv, code: 2, out: "" });
      expect(result.err).toMatch(message);
    }
  });

  test("WHEN a deletion is allowed for one of two plans' users THEN only the other blocks, and the sections follow the files' order", () => {
    // Hand-made: two stacks' plans, each removing one user.
    const dev = path.join(dir, "connect-sso-dev", "plan.json");
    const prod = path.join(dir, "connect-sso-prod.json");
    fs.mkdirSync(path.dirname(dev), { recursive: true });
    fs.writeFileSync(dev, JSON.stringify(plan([user("a@example.com", ["delete"], { before: {} })])));
    fs.writeFileSync(prod, JSON.stringify(plan([user("b@example.com", ["delete"], { before: {} })])));
    const result = run(["--allow-delete", "a@example.com", dev, prod]);
    expect(result.code).toBe(1);
    expect(result.out.indexOf("## connect-sso-dev")).toBeLessThan(result.out.indexOf("## connect-sso-prod"));
    expect(result.out).toContain('- Connect user `aws_connect_user.connect_users["a@example.com"]` (delete, allowed by this run)');
    expect(result.out).toContain('- Connect user `aws_connect_user.connect_users["b@example.com"]` would be deleted');
    expect(result.err).toContain("1 deletion(s)");
  });

  test.each([
    ["cdktf.out/stacks/connect-sso-prod/plan.json", "connect-sso-prod"],
    ["plans/connect-sso-prod-users-2.tfplan.json", "connect-sso-prod-users-2"],
    ["artifacts/connect-sso-dev/42/connect-sso-dev.json", "connect-sso-dev"],
    ["somewhere/review-input.tfplan.json", "review-input"],
  ])("stackLabel(%s) is %s", (file, label) => {
    expect(stackLabel(file)).toBe(label);
  });
});

describe("isAllowed: by full address, by resource (every instance) or by user name", () => {
  const review = { address: 'aws_connect_user.connect_users["a@example.com"]', type: "aws_connect_user", key: "a@example.com", verb: "delete" as const, fields: [] };
  test.each([
    [['aws_connect_user.connect_users["a@example.com"]'], true],
    [["aws_connect_user.connect_users"], true],
    [["a@example.com"], true],
    [["A@example.com"], false],
    [['aws_connect_user.connect_users["b@example.com"]', "b@example.com"], false],
    [["aws_connect_user"], false],
  ])("--allow-delete %j → %s", (allow, expected) => {
    expect(isAllowed(review, allow)).toBe(expected);
  });
});

describe("reviewPlan: verbs from action lists", () => {
  test("GIVEN create-before-destroy, forget, import without change, read and no-op THEN replace is gated, forget is not, and the rest are listed or skipped as they should", () => {
    // Hand-made: action lists terraform writes for create_before_destroy, `removed { destroy = false }`, an import block, a data source and no change.
    const review = reviewPlan(
      plan([
        user("cbd@example.com", ["create", "delete"], { before: { name: "cbd@example.com" }, after: { name: "cbd@example.com" }, replace_paths: [["instance_id"]] }),
        user("moved@example.com", ["forget"], { before: {} }),
        user("adopted@example.com", ["no-op"], { before: { name: "adopted@example.com" }, after: { name: "adopted@example.com" }, importing: { id: "i:u" } }),
        user("same@example.com", ["no-op"], { before: {}, after: {} }),
        { address: "data.aws_connect_user.x", mode: "data", type: "aws_connect_user", name: "x", change: { actions: ["read"] } },
      ]),
    );
    expect(review.resources.map((r) => [r.key, r.verb])).toEqual([
      ["cbd@example.com", "replace"],
      ["moved@example.com", "forget"],
      ["adopted@example.com", "import"],
    ]);
    expect(review.guarded.map((g) => g.review.key)).toEqual(["cbd@example.com"]);
    const markdown = renderReview("connect-sso-dev", review);
    expect(markdown).toContain("**Re-created (deleted, then created: the user's sign-in mapping and history start over) (1)**");
    expect(markdown).toContain("**No longer managed (left in Connect) (1)**\n\n- `moved@example.com`");
    expect(markdown).toContain("**Imported (already existed) (1)**\n\n- `adopted@example.com`\n");
    expect(markdown).toContain('- Connect user `aws_connect_user.connect_users["cbd@example.com"]` would be replaced');
  });

  test("GIVEN a plan with nothing to do THEN the section says No changes", () => {
    expect(renderReview("connect-sso-dev", reviewPlan(plan([user("same@example.com", ["no-op"])])))).toBe("## connect-sso-dev\n\nNo changes.\n");
  });
});

describe("fieldChanges: what counts as a difference", () => {
  test("policy documents compare by content; null, missing and empty string are all unset; tags_all, id and the role's policy copies are left out", () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:GetFederationToken", Resource: "*" }] };
    const fields = fieldChanges(
      {
        actions: ["update"],
        before: { id: "r", assume_role_policy: JSON.stringify(policy), permissions_boundary: "", description: null, tags: null, tags_all: {}, inline_policy: [], max_session_duration: 3600 },
        after: { id: "r", assume_role_policy: JSON.stringify(policy, null, 4), description: "", tags: {}, tags_all: { A: "b" }, max_session_duration: 7200 },
        after_unknown: { inline_policy: true, managed_policy_arns: true },
      },
      "aws_iam_role",
    );
    expect(fields).toEqual([{ field: "max_session_duration", before: 3600, after: 7200 }]);
  });

  test("values known only after apply are UNKNOWN; replace_paths mark what forces the replacement; lists of scalars are one field", () => {
    const fields = fieldChanges(
      {
        actions: ["delete", "create"],
        before: { instance_id: "i-1", arn: "arn:1", security_profile_ids: ["a", "b"], phone_config: [{ auto_accept: false }] },
        after: { instance_id: "i-2", security_profile_ids: ["a"], phone_config: [{ auto_accept: true }] },
        after_unknown: { arn: true },
        replace_paths: [["instance_id"]],
      },
      "aws_connect_user",
    );
    expect(fields).toEqual([
      { field: "arn", before: "arn:1", after: UNKNOWN },
      { field: "instance_id", before: "i-1", after: "i-2", forcesReplacement: true },
      { field: "phone_config.0.auto_accept", before: false, after: true },
      { field: "security_profile_ids", before: ["a", "b"], after: ["a"] },
    ]);
  });
});

describe("renderReview: values in plain words", () => {
  // Hand-made: a user's profile change with one profile the plan looked up (so named) and one it did not.
  const profiles: PlanJson["prior_state"] = {
    values: {
      root_module: {
        resources: [
          { mode: "data", type: "aws_connect_security_profile", address: 'data.aws_connect_security_profile.security_profiles["Agent"]', values: { security_profile_id: "sp-1", name: "Agent" } },
          { mode: "data", type: "aws_connect_routing_profile", address: 'data.aws_connect_routing_profile.routing_profiles["Sales"]', values: { routing_profile_id: "rp-2", name: "Sales" } },
        ],
      },
    },
  };

  test("profile IDs the plan looked up are shown by name (others stay IDs), lists comma-separated, long values cut, console values never", () => {
    const long = `https://us-west-2.console.aws.amazon.com/connect/federate/${"0".repeat(120)}`;
    const review = reviewPlan(
      plan(
        [
          user("a@example.com", ["update"], {
            before: { security_profile_ids: ["sp-1"], routing_profile_id: "rp-1", identity_info: [{ secondary_email: "x".repeat(130) }] },
            after: { security_profile_ids: ["sp-1", "sp-9"], routing_profile_id: "rp-2", identity_info: [{ secondary_email: null }] },
          }),
        ],
        { prior_state: profiles, output_changes: { relay_state_url: { actions: ["update"], before: long, after: `${long}?destination=%2Fagent-app-v2` }, saml_provider_arn: { actions: ["update"], before: "a", after: "b" } } },
      ),
    );
    const markdown = renderReview("connect-sso-dev", review);
    expect(markdown).toContain("  - routing profile: `rp-1` → `Sales`");
    expect(markdown).toContain("  - security profiles: `Agent` → `Agent, sp-9`");
    expect(markdown).toContain(`  - secondary email: \`${"x".repeat(117)}...\` → _(none)_`);
    expect(markdown).toContain(`- Relay state (application properties): \`${long}\` → \`${long}?destination=%2Fagent-app-v2\``);
    // Only outputs a person types into the console are listed there.
    expect(markdown).not.toContain("saml_provider_arn");
  });

  test("a permissions policy change is a line diff; a session of one hour is singular; a first apply's outputs are not console changes", () => {
    // Hand-made: the instance the policy names moves (a real plan of that would also re-create every user).
    const doc = (instance: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:GetFederationToken", Resource: `arn:aws:connect:us-west-2:1:instance/${instance}/user/\${aws:userid}` }] });
    const review = reviewPlan(
      plan(
        [
          { address: "aws_iam_role_policy.federation_policy", mode: "managed", type: "aws_iam_role_policy", name: "federation_policy", change: { actions: ["update"], before: { policy: doc("old") }, after: { policy: doc("new") } } },
          { address: "aws_iam_role.federation_role", mode: "managed", type: "aws_iam_role", name: "federation_role", change: { actions: ["update"], before: { max_session_duration: 7200 }, after: { max_session_duration: 3600 } } },
        ],
        { output_changes: { sso_role_attribute_value: { actions: ["create"], before: null, after: "x" } } },
      ),
    );
    const markdown = renderReview("connect-sso-dev", review);
    expect(markdown).toContain(
      [
        "  - permissions policy changes:",
        "",
        "  ```diff",
        "    {",
        '      "Version": "2012-10-17",',
        '      "Statement": [',
        "        {",
        '          "Effect": "Allow",',
        '          "Action": "connect:GetFederationToken",',
        '  -       "Resource": "arn:aws:connect:us-west-2:1:instance/old/user/${aws:userid}"',
        '  +       "Resource": "arn:aws:connect:us-west-2:1:instance/new/user/${aws:userid}"',
        "        }",
        "      ]",
        "    }",
        "  ```",
      ].join("\n"),
    );
    expect(markdown).toContain("- Session duration (application properties; the federation role's maximum session follows it): `2 hours` → `1 hour`");
    expect(markdown).not.toContain("Role` attribute mapping");
  });
});
