/**
 * The security rule pack: every rule file's rule is listed once, the pack's derived tables follow
 * the rules, the examples pass the whole pack, and synth's view holds exactly what the rules read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CHECKED_RESOURCE_TYPES, checkRule, checkStack, PACK, RULES } from "../../lib/synth/security/pack";
import { defineRule, type SecurityRule } from "../../lib/synth/security/rule";
import { securityView } from "../../lib/synth/synth";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { ConnectSsoStack } from "../../stacks/connect-sso-stack";
import { exampleEnvironment, REPO, testApp } from "../support/environments";
import { bootstrapStack, EXAMPLES, federationRole, mainStack, pipelineRole, rulesFired, type Tf } from "./fixtures";

const RULE_DIR = path.join(REPO, "lib", "synth", "security");
/** The folder's files that hold no rule: the rule type, the shared view helpers, the pack. */
const NOT_RULES = ["rule.ts", "shapes.ts", "view.ts", "pack.ts"];
const isRule = (value: unknown): value is SecurityRule =>
  typeof value === "object" && value !== null && ["id", "why", "reads", "check"].every((k) => k in value);

/** Each rule file (relative to the repository) with the rules it exports. */
const ruleFiles = fs
  .readdirSync(RULE_DIR)
  .filter((f) => f.endsWith(".ts") && !NOT_RULES.includes(f))
  .sort()
  .map((f) => ({ file: `lib/synth/security/${f}`, rules: Object.values(jest.requireActual(path.join(RULE_DIR, f)) as object).filter(isRule) }));

describe("the pack lists every rule once", () => {
  test.each(ruleFiles.map((r) => [r.file, r.rules] as const))("GIVEN %s WHEN its exports are read THEN it is one rule, listed in the pack", (_, rules) => {
    expect(rules.map((r) => r.id)).toHaveLength(1);
    expect(PACK).toContain(rules[0]);
  });

  test("GIVEN the pack WHEN its rules are counted THEN each comes from one rule file, ids are unique, and RULES maps each id to its text", () => {
    expect(PACK.length).toBe(ruleFiles.length);
    expect(new Set(PACK).size).toBe(PACK.length);
    expect(new Set(PACK.map((r) => r.id)).size).toBe(PACK.length);
    expect(RULES).toEqual(Object.fromEntries(PACK.map((r) => [r.id, r.why])));
  });

  test.each(PACK.map((r) => [r.id, r.why]))("GIVEN rule %s WHEN its text is read THEN it ends naming its source in parentheses", (_, why) => {
    expect(why).toMatch(/ \([^()]*(\([^()]*\)[^()]*)*\)$/);
  });

  test("GIVEN the pack WHEN synth asks which resource types to resolve THEN it gets the union of the rules' reads, each once", () => {
    expect([...CHECKED_RESOURCE_TYPES].sort()).toEqual([...new Set(PACK.flatMap((r) => r.reads))].sort());
    expect(new Set(CHECKED_RESOURCE_TYPES).size).toBe(CHECKED_RESOURCE_TYPES.length);
  });

  test("GIVEN docs/rules.md (generated from the pack) WHEN its table is read THEN it has one row per rule, naming the file that exports it", () => {
    const rows = fs
      .readFileSync(path.join(REPO, "docs", "rules.md"), "utf8")
      .split("\n")
      .filter((line) => /^\| `[A-Z_]+` \|/.test(line))
      .map((line) => line.split("|").map((cell) => cell.trim()));
    const documented = rows.map((cells) => [cells[1].replace(/`/g, ""), cells[cells.length - 2].replace(/`/g, "")]);
    const expected = ruleFiles.map((r) => [r.rules[0].id, r.file]);
    expect(documented.sort()).toEqual(expected.sort());
  });
});

describe("the examples pass the whole pack", () => {
  test.each(EXAMPLES)("GIVEN the %s example's main stack WHEN checked THEN no rule fires", (name) => {
    expect(checkStack(mainStack(name))).toEqual([]);
  });

  test.each(EXAMPLES)("GIVEN the %s example's bootstrap stack WHEN checked THEN no rule fires", (name) => {
    expect(checkStack(bootstrapStack(name))).toEqual([]);
  });
});

describe("synth's view of a stack is what the rules read", () => {
  const expectViewOf = (full: Tf, view: Tf) => {
    expect(view.provider.aws).toEqual(full.provider.aws.filter((p: Tf) => !p.alias));
    for (const type of CHECKED_RESOURCE_TYPES) expect(view.resource[type]).toEqual(full.resource[type]);
    expect(Object.keys(view.resource).sort()).toEqual(CHECKED_RESOURCE_TYPES.filter((t) => full.resource[t]).sort());
  };

  test.each(EXAMPLES)(
    "GIVEN the %s example WHEN synth builds the rules' view THEN it is exactly the providers and checked resources of the full JSON",
    (name) => {
      const stack = new ConnectSsoStack(testApp(), { environment: exampleEnvironment(name) });
      expectViewOf(stack.toTerraform() as Tf, securityView(stack) as Tf);
    },
  );

  test.each(EXAMPLES)(
    "GIVEN the %s bootstrap stack WHEN synth builds the rules' view THEN it is exactly the providers and checked resources of the full JSON",
    (name) => {
      const stack = new BootstrapStack(testApp(), { environment: exampleEnvironment(name) });
      expectViewOf(stack.toTerraform() as Tf, securityView(stack) as Tf);
    },
  );

  test("GIVEN a rule that reads a type it does not declare WHEN it runs THEN it throws naming the type, instead of passing on a view without it", () => {
    const sneaky = defineRule({
      id: "SNEAKY",
      why: "reads what it does not declare (test)",
      reads: ["aws_iam_role"],
      check: (view) => void view.resources("aws_s3_bucket"),
    });
    expect(() => checkRule(sneaky, bootstrapStack())).toThrow(/reads aws_s3_bucket without declaring it in its reads \(aws_iam_role\)/);
  });
});

describe("a policy document the rules cannot read is refused by every rule that reads it (fail closed)", () => {
  test("GIVEN the federation role's trust and policy not JSON WHEN checked THEN every trust and policy rule refuses them", () => {
    const tf = mainStack();
    federationRole(tf).assume_role_policy = "{ not json";
    tf.resource.aws_iam_role_policy.federation_policy.policy = { Statement: [] };
    const violations = checkStack(tf);
    expect(violations.map((v) => v.rule)).toEqual(["TRUST_PRINCIPAL", "TRUST_ACTION", "TRUST_AUDIENCE", "POLICY_ACTION", "POLICY_RESOURCE"]);
    expect(violations[0].message).toBe("assume_role_policy does not parse as JSON; allowed: a JSON policy document these rules can read");
    expect(violations[3].message).toBe("policy is not a JSON policy string; allowed: a JSON policy document these rules can read");
  });

  test("GIVEN the plan role's trust and policy not JSON WHEN checked THEN every pipeline rule that reads them refuses them", () => {
    const tf = bootstrapStack();
    pipelineRole(tf, "plan").assume_role_policy = "";
    tf.resource.aws_iam_role_policy.pipeline_plan_policy.policy = "[";
    expect(rulesFired(tf)).toEqual(["PIPELINE_TRUST", "PIPELINE_SUBJECTS", "PIPELINE_DENY_TOKENS", "PIPELINE_NO_WILDCARD_ACTIONS", "PIPELINE_PLAN_READ_ONLY"]);
  });
});
