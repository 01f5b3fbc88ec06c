/**
 * The rules of lib/tools/plan (the plan reader the review shares with drift) and lib/tools/review
 * one by one, through their public functions: reading plans, verbs and the gate's decision for
 * each action list, consent matching, which stack a plan file belongs to, field differences,
 * metadata changes and how values are shown. review-gate.test.ts runs the command on plan files;
 * review.test.ts on real terraform plans.
 *
 * The inputs below are HAND-MADE fragments in the shape of `terraform show -json` (format 1.2, as
 * terraform 1.11 writes it), reduced to the fields lib/tools/plan and lib/tools/review read. Each
 * says what it stands for.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fieldChanges, UNKNOWN } from "../lib/tools/plan/fields";
import type { PlanJson, ResourceChange } from "../lib/tools/plan/format";
import { asPlan, PlanFormatError } from "../lib/tools/plan/read";
import { changesTrust, metadataChange } from "../lib/tools/review/certificates";
import { reviewPlan } from "../lib/tools/review/classify";
import { runReview } from "../lib/tools/review/cli";
import { consentFromFlag, type Consent } from "../lib/tools/review/consent";
import { consentTarget, gate, type GatedChange } from "../lib/tools/review/gate";
import { renderRun } from "../lib/tools/review/markdown";
import { parseStackName } from "../lib/rules/sharding";
import { makeTempDir, removeTempDir } from "./support/terraform";

const user = (key: string, actions: string[], change: Partial<ResourceChange["change"]> = {}): ResourceChange => ({
  address: `aws_connect_user.connect_users["${key}"]`,
  mode: "managed",
  type: "aws_connect_user",
  name: "connect_users",
  index: key,
  change: { actions, ...change },
});
const FLAGS = { applyable: true, complete: true, errored: false };
const plan = (resource_changes: ResourceChange[], extra: Partial<PlanJson> = {}): PlanJson => ({ format_version: "1.2", resource_changes, ...FLAGS, ...extra });
const STACK = "connect-sso-dev";
/** One plan's review run, as Markdown: gated alone with no consents. */
const render = (p: PlanJson) => {
  const review = reviewPlan(p);
  return renderRun([{ stack: STACK, review }], [], gate([{ stack: STACK, review }], [], []));
};
/** Why the gate holds each change of one plan of `stack`, given `consents`, and which consents allow it. */
const gated = (p: PlanJson, consents: Consent[] = [], stack = STACK) => gate([{ stack, review: reviewPlan(p) }], [], consents).gated;

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

describe("asPlan: only plans the review and drift can judge", () => {
  const change = (c: unknown) => ({ format_version: "1.2", ...FLAGS, resource_changes: [c] });

  test("GIVEN a -target plan (complete: false) WHEN read as targeted THEN it is accepted, and its other checks still apply", () => {
    const targeted = { format_version: "1.2", ...FLAGS, complete: false, resource_changes: [] };
    expect(() => asPlan(targeted)).toThrow(/is marked incomplete/);
    expect(() => asPlan(targeted, { targeted: true })).not.toThrow();
    expect(() => asPlan({ ...targeted, errored: true }, { targeted: true })).toThrow(/is marked errored/);
  });
  test.each([
    ["no errored flag (an older terraform)", { format_version: "1.1", resource_changes: [], applyable: false, complete: true }, /has no boolean `errored`/],
    [
      "actions that are a string",
      change({ address: "a.b", mode: "managed", type: "a", change: { actions: "delete" } }),
      /resource_changes\[0\] \(a\.b\): change\.actions is not a list of strings/,
    ],
    [
      "an action that is a number",
      change({ address: "a.b", mode: "managed", type: "a", change: { actions: [1] } }),
      /change\.actions is not a list of strings/,
    ],
    [
      "a mode it does not know",
      change({ address: "a.b", mode: "ephemeral", type: "a", change: { actions: ["open"] } }),
      /has mode "ephemeral"; this reads managed and data/,
    ],
    ["a change without address", change({ mode: "managed", type: "a", change: { actions: ["delete"] } }), /resource_changes\[0\] has no address and type/],
    ["resource_drift that is not a list", { format_version: "1.2", ...FLAGS, resource_drift: {} }, /resource_drift is not a list/],
    [
      "a drifted resource without actions (drift reads them)",
      { format_version: "1.2", ...FLAGS, resource_drift: [{ address: "a.b", mode: "managed", type: "a", change: {} }] },
      /resource_drift\[0\] \(a\.b\): change\.actions is not a list of strings/,
    ],
    [
      "importing that is not an object",
      change({ address: "a.b", mode: "managed", type: "a", change: { actions: ["no-op"], importing: "id" } }),
      /change\.importing is not an object/,
    ],
    [
      "an output change without actions",
      { format_version: "1.2", ...FLAGS, output_changes: { relay_state_url: { before: "a" } } },
      /output_changes\.relay_state_url: actions is not a list of strings/,
    ],
    [
      "a non-empty unknown key",
      { format_version: "1.2", ...FLAGS, action_invocations: [{}] },
      /has `action_invocations`, which this tool was never taught to read/,
    ],
  ])("GIVEN %s THEN it is refused", (_, value, message) => {
    expect(() => asPlan(value)).toThrow(message);
  });

  test('GIVEN unknown keys that are empty (null, [], {}, "") THEN they say nothing and the plan is read', () => {
    expect(() => asPlan({ format_version: "1.2", ...FLAGS, deferred_changes: [], action_invocations: null, x: {}, y: "" })).not.toThrow();
  });

  // Terraform writes `applyable: false` for a plan without changes, as its own Changes.Empty decides.
  test.each([
    ["every change a no-op", [user("a", ["no-op"])], {}, "read"],
    ["a moved object, no other change", [{ ...user("a", ["no-op"]), previous_address: "aws_connect_user.old" }], {}, "refused"],
    ["an import without changes", [user("a", ["no-op"], { importing: { id: "i:u" } })], {}, "refused"],
    ["a data source read at apply", [{ ...user("a", ["read"]), mode: "data" as const }], {}, "refused"],
    ["an output that changes", [], { output_changes: { relay_state_url: { actions: ["update"] } } }, "refused"],
  ])("GIVEN applyable: false and %s THEN the plan is %s", (_, changes, extra, expected) => {
    const notApplyable = () => asPlan(plan(changes as ResourceChange[], { ...extra, applyable: false }));
    if (expected === "read") expect(notApplyable).not.toThrow();
    else expect(notApplyable).toThrow("has changes but is marked not applyable (`applyable: false`): terraform would not apply what it shows");
  });
});

describe("verbs and the gate: only exact create, update, import, read and no-op pass", () => {
  test.each<[string, "managed" | "data", string[], boolean, string | undefined, string | undefined]>([
    ["no-op", "managed", ["no-op"], false, undefined, undefined],
    ["read", "managed", ["read"], false, undefined, undefined],
    ["create", "managed", ["create"], false, "create", undefined],
    ["update", "managed", ["update"], false, "update", undefined],
    ["import without change", "managed", ["no-op"], true, "import", undefined],
    ["import with update", "managed", ["update"], true, "import", undefined],
    ["delete", "managed", ["delete"], false, "delete", "delete"],
    ["replace, delete first", "managed", ["delete", "create"], false, "replace", "replace"],
    ["replace, create first", "managed", ["create", "delete"], false, "replace", "replace"],
    ["import then replace", "managed", ["delete", "create"], true, "replace", "replace"],
    ["forget", "managed", ["forget"], false, "forget", "forget"],
    ["create and forget (terraform ≥ 1.14)", "managed", ["create", "forget"], false, "unknown", "unknown-action"],
    ["delete and forget", "managed", ["delete", "forget"], false, "unknown", "unknown-action"],
    ["Delete (wrong case)", "managed", ["Delete"], false, "unknown", "unknown-action"],
    ["no action at all", "managed", [], false, "unknown", "unknown-action"],
    ["create twice", "managed", ["create", "create"], false, "unknown", "unknown-action"],
    ["create while importing", "managed", ["create"], true, "unknown", "unknown-action"],
    ["a data source read", "data", ["read"], false, undefined, undefined],
    ["a data source no-op", "data", ["no-op"], false, undefined, undefined],
    ["a data source created", "data", ["create"], false, "unknown", "unknown-action"],
    ["a data source deleted", "data", ["delete"], false, "unknown", "unknown-action"],
    ["a data source imported", "data", ["no-op"], true, "unknown", "unknown-action"],
  ])("%s: %s %j (importing: %s) → verb %s, gated as %s", (_, mode, actions, importing, verb, reason) => {
    const rc: ResourceChange = { ...user("a@example.com", actions, importing ? { importing: { id: "i:u" } } : {}), mode };
    const [review] = reviewPlan(plan([rc])).resources;
    expect(review?.verb).toBe(verb);
    expect(gated(plan([rc])).map((g) => g.change.reason)).toEqual(reason === undefined ? [] : [reason]);
  });

  test("GIVEN any resource type (not only identity ones) deleted THEN it is gated", () => {
    const deleted = gated(
      plan([{ address: "terraform_data.x", mode: "managed", type: "terraform_data", name: "x", change: { actions: ["delete"], before: {} } }]),
    );
    expect(deleted.map((g) => g.change.reason)).toEqual(["delete"]);
  });
});

describe("consent matching: same stack, and the full address, the resource address or the for_each key", () => {
  const deleted = plan([user("a@example.com", ["delete"], { before: { id: "i:u" } })]);
  const change: GatedChange = { stack: "connect-sso-prod", reason: "delete", resource: reviewPlan(deleted).resources[0] };
  const consent = (stack: string, target: string): Consent => ({ stack, target, by: "sam", source: "test" });
  test.each([
    ["connect-sso-prod", 'aws_connect_user.connect_users["a@example.com"]', true],
    ["connect-sso-prod", "aws_connect_user.connect_users", true],
    ["connect-sso-prod", "a@example.com", true],
    ["connect-sso-prod", "A@example.com", false],
    ["connect-sso-prod", "aws_connect_user", false],
    ["connect-sso-prod", "retire", false],
    ["connect-sso-prod-users-1", "a@example.com", false],
    ["connect-sso-staging", 'aws_connect_user.connect_users["a@example.com"]', false],
  ])("consent %s %s → allows the deletion: %s", (stack, target, expected) => {
    const given = consent(stack, target);
    expect(gated(deleted, [given], "connect-sso-prod").map((g) => g.consents)).toEqual([expected ? [given] : []]);
  });

  test("a retired stack is allowed only by `retire` for that stack", () => {
    const given = [consent("connect-sso-qa", "retire"), consent("connect-sso-prod", "retire"), consent("connect-sso-qa", "connect-sso-qa")];
    const [retired] = gate([], ["connect-sso-qa"], given).gated;
    expect(retired.consents).toEqual([given[0]]);
    expect(consentTarget(retired.change)).toBe("retire");
  });

  test("the suggested target is the user name, else the address; a key with spaces falls back to the resource address (one token)", () => {
    expect(consentTarget(change)).toBe("a@example.com");
    const [role] = reviewPlan(
      plan([{ address: "aws_iam_role.federation_role", mode: "managed", type: "aws_iam_role", name: "federation_role", change: { actions: ["delete"] } }]),
    ).resources;
    expect(consentTarget({ stack: "connect-sso-prod", reason: "delete", resource: role })).toBe("aws_iam_role.federation_role");
    const spaced = {
      address: 'terraform_data.x["Basic Routing Profile"]',
      mode: "managed" as const,
      type: "terraform_data",
      name: "x",
      index: "Basic Routing Profile",
      change: { actions: ["delete"] },
    };
    const [r] = reviewPlan(plan([spaced])).resources;
    expect(consentTarget({ stack: "connect-sso-prod", reason: "delete", resource: r })).toBe("terraform_data.x");
  });

  test("--consent splits at the first colon: the target may hold one", () => {
    expect(consentFromFlag('connect-sso-prod:terraform_data.x["a:b"]')).toEqual({
      stack: "connect-sso-prod",
      target: 'terraform_data.x["a:b"]',
      by: "command line",
      source: "--consent flag",
    });
  });
});

describe("stack names", () => {
  test.each([
    ["connect-sso-prod", { environment: "prod", stack: 0 }],
    ["connect-sso-prod-users-2", { environment: "prod", stack: 2 }],
    ["connect-sso-eu-west-users-12", { environment: "eu-west", stack: 12 }],
    ["connect-sso-prod-users-0", undefined],
    ["connect-sso-", undefined],
    ["connect-sso-Prod", undefined],
    ["connect-sso-prod-", undefined],
    ["sso-prod", undefined],
  ])("parseStackName(%s) is %j", (name, expected) => {
    expect(parseStackName(name)).toEqual(expected);
  });
});

describe("which stack a plan file belongs to: the nearest part of its path named after a stack", () => {
  let dir: string;
  beforeAll(() => (dir = makeTempDir("review-labels")));
  afterAll(() => removeTempDir(dir));
  /** Reviews an empty plan written at `file` (under the temp folder). */
  const reviewAt = (file: string) => {
    const full = path.join(dir, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, JSON.stringify(plan([])));
    const out: string[] = [];
    const err: string[] = [];
    const code = runReview(
      [full],
      (t) => out.push(t),
      (t) => err.push(t),
    );
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  test.each([
    ["cdktf.out/stacks/connect-sso-prod/plan.json", "connect-sso-prod"],
    ["plans/connect-sso-prod-users-2.tfplan.json", "connect-sso-prod-users-2"],
    ["artifacts/connect-sso-dev/42/connect-sso-dev.json", "connect-sso-dev"],
    ["connect-sso-dev/plans/connect-sso-prod.json", "connect-sso-prod"],
  ])("GIVEN a plan at %s THEN the review shows it as %s", (file, stack) => {
    const { code, out } = reviewAt(file);
    expect({ code, headings: out.match(/^## .*$/gm) }).toEqual({ code: 0, headings: [`## ${stack}`] });
  });

  test.each([["somewhere/review-input.tfplan.json"], ["plans/my-connect-sso-prod.json"]])(
    "GIVEN a plan at %s THEN it is refused: its path names no stack",
    (file) => {
      const { code, err } = reviewAt(file);
      expect(code).toBe(2);
      expect(err).toMatch(/cannot tell its stack; name the file or a folder above it after the stack/);
    },
  );
});

describe("gate across plans: a Connect user's forget passes only as a move into another stack of its environment", () => {
  const forgotten = {
    ...user("a@example.com", ["forget"], { before: { id: "inst:u-1" } }),
    address: 'aws_connect_user.connect_users_forgotten["a@example.com"]',
  };
  const imported = (id: string) => user("a@example.com", ["no-op"], { importing: { id }, before: { id }, after: { id } });
  const run = (to: string, id = "inst:u-1") =>
    gate(
      [
        { stack: "connect-sso-prod", review: reviewPlan(plan([forgotten])) },
        { stack: to, review: reviewPlan(plan([imported(id)])) },
      ],
      [],
      [],
    );
  test.each([
    ["connect-sso-prod-users-1", "inst:u-1", true],
    ["connect-sso-prod-users-1", "inst:u-2", false],
    ["connect-sso-staging-users-1", "inst:u-1", false],
    ["connect-sso-staging", "inst:u-1", false],
  ])("imported into %s as %s → a move: %s", (to, id, move) => {
    const result = run(to, id);
    expect(result.moves.length === 1 && result.gated.length === 0).toBe(move);
    if (move) expect(result.moves).toEqual([{ stack: "connect-sso-prod", user: "a@example.com", to }]);
  });

  test("GIVEN a forgotten role (not a Connect user) with a matching import elsewhere THEN it stays gated", () => {
    const role = (actions: string[], extra = {}) => ({
      address: "aws_iam_role.r",
      mode: "managed" as const,
      type: "aws_iam_role",
      name: "r",
      change: { actions, before: { id: "x" }, ...extra },
    });
    const result = gate(
      [
        { stack: "connect-sso-prod", review: reviewPlan(plan([role(["forget"])])) },
        { stack: "connect-sso-prod-users-1", review: reviewPlan(plan([role(["no-op"], { importing: { id: "x" } })])) },
      ],
      [],
      [],
    );
    expect(result.gated.map((g) => g.change.reason)).toEqual(["forget"]);
  });
});

describe("metadataChange: whom IAM trusts", () => {
  const rotation = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "plans", "certificate-rotation", "connect-sso-prod.json"), "utf8"));
  const { before, after } = rotation.resource_changes[0].change;
  const now = new Date("2027-01-01T00:00:00Z");

  test("GIVEN the same text THEN nothing changes; GIVEN only spacing changed THEN the provider and certificates stay (not gated)", () => {
    expect(metadataChange(before.saml_metadata_document, before.saml_metadata_document, now)).toBeUndefined();
    const spaced = metadataChange(before.saml_metadata_document, before.saml_metadata_document.replace("<md:NameIDFormat/>", "<md:NameIDFormat />"), now)!;
    expect(spaced).toEqual({ removed: [], added: [], problems: [] });
    expect(changesTrust(spaced)).toBe(false);
  });

  test("GIVEN a rotation THEN one certificate removed and one added (gated)", () => {
    const change = metadataChange(before.saml_metadata_document, after.saml_metadata_document, now)!;
    expect([change.removed.map((c) => c.validTo.toISOString()), change.added.map((c) => c.validTo.toISOString()), change.entityId]).toEqual([
      ["2099-12-31T00:00:00.000Z"],
      ["2098-06-30T00:00:00.000Z"],
      undefined,
    ]);
    expect(changesTrust(change)).toBe(true);
  });

  test.each([
    [UNKNOWN, "new metadata is known only after apply"],
    ["<html><body>Sign in</body></html>".padEnd(1200, " "), "new metadata is an HTML page, not SAML metadata"],
    [null, "new metadata is missing"],
  ])("GIVEN a new document that cannot be read (%#) THEN the problem is named and it is gated", (next, problem) => {
    const change = metadataChange(before.saml_metadata_document, next, now)!;
    expect(change.problems.join("\n")).toContain(problem);
    expect(changesTrust(change)).toBe(true);
  });
});

describe("fieldChanges: what counts as a difference", () => {
  test("policy documents compare by content; null, missing and empty string are all unset; tags_all, id and the role's policy copies are left out", () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:GetFederationToken", Resource: "*" }] };
    const fields = fieldChanges(
      {
        actions: ["update"],
        before: {
          id: "r",
          assume_role_policy: JSON.stringify(policy),
          permissions_boundary: "",
          description: null,
          tags: null,
          tags_all: {},
          inline_policy: [],
          max_session_duration: 3600,
        },
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

  test("a block known only after apply is one field (its whole value before), not one field per leaf", () => {
    const fields = fieldChanges({
      actions: ["update"],
      before: { identity_info: [{ first_name: "A", last_name: "B" }] },
      after: {},
      after_unknown: { identity_info: true },
    });
    expect(fields).toEqual([{ field: "identity_info", before: [{ first_name: "A", last_name: "B" }], after: UNKNOWN }]);
  });
});

describe("the role's own inline_policy and managed_policy_arns", () => {
  const inline = [{ name: "connect-federation", policy: '{"Version":"2012-10-17","Statement":[]}' }];
  const role = (actions: string[], after: Record<string, unknown>, afterUnknown: Record<string, unknown> = {}): ResourceChange => ({
    address: "aws_iam_role.federation_role",
    mode: "managed",
    type: "aws_iam_role",
    name: "federation_role",
    change: { actions, before: { name: "r", inline_policy: inline, managed_policy_arns: [] }, after: { name: "r", ...after }, after_unknown: afterUnknown },
  });
  test("GIVEN the computed copy unchanged by the configuration, or unknown after a replacement THEN it is read-back noise, not shown", () => {
    expect(
      reviewPlan(plan([role(["update"], { inline_policy: inline, managed_policy_arns: [], max_session_duration: 1 })])).resources[0].fields.map((f) => f.field),
    ).toEqual(["max_session_duration"]);
    const replaced = reviewPlan(plan([role(["delete", "create"], { name: "r2" }, { inline_policy: true, managed_policy_arns: true })])).resources[0];
    expect(replaced.fields.map((f) => f.field)).toEqual(["name"]);
  });

  test("GIVEN the configuration sets other policies THEN each is a field, policies parsed", () => {
    const [r] = reviewPlan(plan([role(["update"], { inline_policy: [], managed_policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] })])).resources;
    expect(r.fields).toEqual([
      { field: "inline_policy", before: [{ name: "connect-federation", policy: { Version: "2012-10-17", Statement: [] } }], after: [] },
      { field: "managed_policy_arns", before: [], after: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
    ]);
  });
});

describe("the review's Markdown: values in plain words", () => {
  // Hand-made: a user's profile change with one profile the plan looked up (so named) and one it did not.
  const profiles: PlanJson["prior_state"] = {
    values: {
      root_module: {
        resources: [
          {
            mode: "data",
            type: "aws_connect_security_profile",
            address: 'data.aws_connect_security_profile.security_profiles["Agent"]',
            values: { security_profile_id: "sp-1", name: "Agent" },
          },
          {
            mode: "data",
            type: "aws_connect_routing_profile",
            address: 'data.aws_connect_routing_profile.routing_profiles["Sales"]',
            values: { routing_profile_id: "rp-2", name: "Sales" },
          },
        ],
      },
    },
  };

  test("GIVEN create-before-destroy, forget, import, a read and a no-op THEN each is listed under its words, and the gated ones under Needs consent", () => {
    // Hand-made: action lists terraform writes for create_before_destroy, `removed { destroy = false }`, an import block, a data source and no change.
    const markdown = render(
      plan([
        user("cbd@example.com", ["create", "delete"], {
          before: { name: "cbd@example.com" },
          after: { name: "cbd@example.com" },
          replace_paths: [["instance_id"]],
        }),
        user("moved@example.com", ["forget"], { before: { id: "i:m" } }),
        user("adopted@example.com", ["no-op"], { before: { name: "adopted@example.com" }, after: { name: "adopted@example.com" }, importing: { id: "i:u" } }),
        user("same@example.com", ["no-op"], { before: {}, after: {} }),
        { address: "data.aws_connect_user.x", mode: "data", type: "aws_connect_user", name: "x", change: { actions: ["read"] } },
      ]),
    );
    expect(markdown).toContain("**Re-created (deleted, then created: the user's sign-in mapping and history start over) (1)**\n\n- `cbd@example.com`");
    expect(markdown).toContain("**No longer managed (left in Connect) (1)**\n\n- `moved@example.com`\n");
    expect(markdown).toContain("**Imported (already existed) (1)**\n\n- `adopted@example.com`\n");
    expect(markdown).not.toMatch(/same@example\.com|data\.aws_connect_user/);
    expect(
      markdown
        .slice(markdown.indexOf("### ⛔ Needs consent"))
        .split("\n")
        .filter((l) => l.startsWith("- ")),
    ).toEqual([
      '- Connect user `aws_connect_user.connect_users["cbd@example.com"]` would be replaced (the new one created, then the old one deleted): `consent: connect-sso-dev cbd@example.com`',
      '- Connect user `aws_connect_user.connect_users["moved@example.com"]` would no longer be managed (left in Connect), and no other stack of its environment imports it in this review: `consent: connect-sso-dev moved@example.com`',
    ]);
  });

  test("GIVEN a plan with nothing to do THEN the section says No changes", () => {
    expect(render(plan([user("same@example.com", ["no-op"])]))).toBe("# Plan review\n\n## connect-sso-dev\n\nNo changes.\n");
  });

  test("profile IDs the plan looked up are shown by name (others stay IDs), lists comma-separated, long values cut, console values never", () => {
    const long = `https://us-west-2.console.aws.amazon.com/connect/federate/${"0".repeat(120)}`;
    const markdown = render(
      plan(
        [
          user("a@example.com", ["update"], {
            before: { security_profile_ids: ["sp-1"], routing_profile_id: "rp-1", identity_info: [{ secondary_email: "x".repeat(130) }] },
            after: { security_profile_ids: ["sp-1", "sp-9"], routing_profile_id: "rp-2", identity_info: [{ secondary_email: null }] },
          }),
        ],
        {
          prior_state: profiles,
          output_changes: {
            relay_state_url: { actions: ["update"], before: long, after: `${long}?destination=%2Fagent-app-v2` },
            saml_provider_arn: { actions: ["update"], before: "a", after: "b" },
          },
        },
      ),
    );
    expect(markdown).toContain("  - routing profile: `rp-1` → `Sales`");
    expect(markdown).toContain("  - security profiles: `Agent` → `Agent, sp-9`");
    expect(markdown).toContain(`  - secondary email: \`${"x".repeat(117)}...\` → _(none)_`);
    expect(markdown).toContain(`- Relay state (application properties): \`${long}\` → \`${long}?destination=%2Fagent-app-v2\``);
    // Only outputs a person types into the console are listed there.
    expect(markdown).not.toContain("saml_provider_arn");
  });

  test("GIVEN a user's own tags changed, added and removed, and a default tag changed THEN each own tag is a line in words and tags_all is not shown", () => {
    // Hand-made: `tags` is the user's own (users[].tags); tags_all adds the environment's default tags (Project).
    const markdown = render(
      plan([
        user("a@example.com", ["update"], {
          before: { tags: { Team: "tier-1", Owner: "ops" }, tags_all: { Project: "old", Team: "tier-1", Owner: "ops" } },
          after: { tags: { Team: "tier-2", CostCenter: "42" }, tags_all: { Project: "new", Team: "tier-2", CostCenter: "42" } },
        }),
        user("b@example.com", ["update"], { before: { tags: null }, after: { tags: { "Cost Center": "" } }, after_unknown: { tags: true } }),
        user("c@example.com", ["update"], { before: { tags: { Site: "sea", Shift: "" } }, after: { tags: { Site: "", Note: "" } } }),
      ]),
    );
    /** The detail lines under a user's line. */
    const linesOf = (key: string) => {
      const below = markdown
        .slice(markdown.indexOf(`- \`${key}\`\n`))
        .split("\n")
        .slice(1);
      return below.slice(
        0,
        below.findIndex((l) => !l.startsWith("  - ")),
      );
    };
    expect(linesOf("a@example.com")).toEqual([
      "  - tag `CostCenter` added: `42`",
      "  - tag `Owner` removed (was `ops`)",
      "  - tag `Team`: `tier-1` → `tier-2`",
    ]);
    expect(linesOf("b@example.com")).toEqual(["  - tags: _(none)_ → _(known after apply)_"]);
    // An empty value is a value: the tag is added, emptied or removed, never "none".
    expect(linesOf("c@example.com")).toEqual(['  - tag `Note` added: `""`', '  - tag `Shift` removed (was `""`)', '  - tag `Site`: `sea` → `""`']);
    expect(markdown).not.toMatch(/tags_all|Project/);
  });

  test("a permissions policy change is a line diff; a session of one hour is singular; a first apply's outputs are not console changes", () => {
    // Hand-made: the instance the policy names moves (a real plan of that would also re-create every user).
    const doc = (instance: string) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "connect:GetFederationToken", Resource: `arn:aws:connect:us-west-2:1:instance/${instance}/user/\${aws:userid}` },
        ],
      });
    const markdown = render(
      plan(
        [
          {
            address: "aws_iam_role_policy.federation_policy",
            mode: "managed",
            type: "aws_iam_role_policy",
            name: "federation_policy",
            change: { actions: ["update"], before: { policy: doc("old") }, after: { policy: doc("new") } },
          },
          {
            address: "aws_iam_role.federation_role",
            mode: "managed",
            type: "aws_iam_role",
            name: "federation_role",
            change: { actions: ["update"], before: { max_session_duration: 7200 }, after: { max_session_duration: 3600 } },
          },
        ],
        { output_changes: { sso_role_attribute_value: { actions: ["create"], before: null, after: "x" } } },
      ),
    );
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

  test.each([
    ["plain", "`plain`"],
    ["a`b", "`` a`b ``"],
    ["``x`", "``` ``x` ```"],
  ])("GIVEN a first name changed to %j THEN it is shown literally, as inline code: %s", (text, expected) => {
    const markdown = render(
      plan([user("a@example.com", ["update"], { before: { identity_info: [{ first_name: "A" }] }, after: { identity_info: [{ first_name: text }] } })]),
    );
    expect(markdown).toContain(`  - first name: \`A\` → ${expected}\n`);
  });
});
