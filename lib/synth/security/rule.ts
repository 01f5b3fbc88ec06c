/**
 * A security rule on a synthesized stack, cdk-nag style: one rule per file, with its id, its
 * text and source, the resource types it reads and its check together, so they cannot drift apart.
 */
import type { StackView } from "./view";

/** One finding of one rule on one resource. */
export interface Violation {
  /** The rule's id, such as `POLICY_ACTION`. */
  readonly rule: string;
  /** Terraform address, such as `aws_iam_role.federation_role`. */
  readonly address: string;
  /** What is wrong, naming the value found and what is allowed. */
  readonly message: string;
}

export interface SecurityRule<Id extends string = string> {
  /** Printed with every violation: `[<id>: <why>]`. */
  readonly id: Id;
  /** What the rule enforces and where it comes from (checkov, cdk-nag, IAM Access Analyzer, ...). */
  readonly why: string;
  /** The resource types the rule reads: synth resolves only the union of them, and the view refuses any other. */
  readonly reads: ReadonlyArray<string>;
  /** Every violation of this rule in the stack; none when it complies. */
  check(view: StackView): Violation[];
}

/** What a rule file writes: its check reports through `fail`, which fills in the rule's id. */
export interface RuleSpec<Id extends string> {
  readonly id: Id;
  readonly why: string;
  readonly reads: ReadonlyArray<string>;
  readonly check: (view: StackView, fail: (address: string, message: string) => void) => void;
}

export function defineRule<const Id extends string>(spec: RuleSpec<Id>): SecurityRule<Id> {
  return {
    id: spec.id,
    why: spec.why,
    reads: spec.reads,
    check(view) {
      const violations: Violation[] = [];
      spec.check(view, (address, message) => violations.push({ rule: spec.id, address, message }));
      return violations;
    },
  };
}
