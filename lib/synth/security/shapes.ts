/**
 * The shapes most rules share, so a rule file holds only what is its own: a judgement per
 * resource, a companion every bucket needs, a judgement per statement of a role's policy or trust.
 */
import { defineRule, type SecurityRule } from "./rule";
import { buckets, forEachStatement, policiesOf, rolesOf, type Bucket, type Json, type Role, type RoleKind, type StackView, type Statement } from "./view";

interface Described<Id extends string> {
  readonly id: Id;
  readonly why: string;
}

export interface PerResourceSpec<Id extends string, T extends { readonly address: string }> extends Described<Id> {
  readonly reads: ReadonlyArray<string>;
  /** The resources judged, read from the view. */
  readonly each: (view: StackView) => ReadonlyArray<T>;
  /** What is wrong with one, naming what is allowed; undefined when it complies. */
  readonly problem: (resource: T, view: StackView) => string | undefined;
}

/** One finding per resource that has a problem. */
export function perResourceRule<const Id extends string, T extends { readonly address: string }>(spec: PerResourceSpec<Id, T>): SecurityRule<Id> {
  return defineRule({
    id: spec.id,
    why: spec.why,
    reads: spec.reads,
    check(view, fail) {
      for (const resource of spec.each(view)) {
        const problem = spec.problem(resource, view);
        if (problem !== undefined) fail(resource.address, problem);
      }
    },
  });
}

/** A resource type every bucket needs, and when one of its resources complies. */
export interface Companion {
  /** Such as `aws_s3_bucket_versioning`. */
  readonly type: string;
  readonly complies: (companion: Json, bucket: Bucket, view: StackView) => boolean;
}

export const companion = (type: string, complies: Companion["complies"]): Companion => ({ type, complies });

export interface BucketCompanionSpec<Id extends string> extends Described<Id> {
  readonly companion: Companion;
  /** Said after `bucket "<name>"` when no companion complies, with what is allowed. */
  readonly lacks: string;
}

/** Every bucket needs a companion of one type that complies. */
export function bucketCompanionRule<const Id extends string>(spec: BucketCompanionSpec<Id>): SecurityRule<Id> {
  const { type, complies } = spec.companion;
  return perResourceRule({
    id: spec.id,
    why: spec.why,
    reads: ["aws_s3_bucket", type],
    each: buckets,
    problem: (bucket, view) => (bucket.companions(type).some((c) => complies(c, bucket, view)) ? undefined : `bucket ${bucket.quoted} ${spec.lacks}`),
  });
}

/** Which documents a statement rule judges: made by `policyOf` or `trustOf`. */
export interface Documents {
  readonly document: "policy" | "trust";
  readonly roles: ReadonlyArray<RoleKind>;
}

/** The Allow statements of the inline policies of the roles of these kinds. */
export const policyOf = (...roles: RoleKind[]): Documents => ({ document: "policy", roles });
/** Every statement of the trust policies of the roles of these kinds. */
export const trustOf = (...roles: RoleKind[]): Documents => ({ document: "trust", roles });

export interface StatementSpec<Id extends string> extends Described<Id> {
  readonly judges: Documents;
  /** Types read besides the roles and their policies. @default none */
  readonly alsoReads?: ReadonlyArray<string>;
  /** Given the stack and the role, the problems of one statement, each said after where it is (`policy statement 0 (Sid)`). */
  readonly judge: (view: StackView, role: Role) => (statement: Statement) => ReadonlyArray<string>;
}

/** One finding per problem of each statement; a document that cannot be read is a finding itself. */
export function statementRule<const Id extends string>(spec: StatementSpec<Id>): SecurityRule<Id> {
  const { document, roles } = spec.judges;
  const documents =
    document === "trust"
      ? (view: StackView) => rolesOf(view, roles).map((role) => ({ resource: role, role, attribute: "assume_role_policy", allowsOnly: false }))
      : (view: StackView) => policiesOf(view, roles).map((policy) => ({ resource: policy, role: policy.role, attribute: "policy", allowsOnly: true }));
  return defineRule({
    id: spec.id,
    why: spec.why,
    reads: ["aws_iam_role", ...(document === "policy" ? ["aws_iam_role_policy"] : []), ...(spec.alsoReads ?? [])],
    check(view, fail) {
      for (const { resource, role, attribute, allowsOnly } of documents(view)) {
        const problems = spec.judge(view, role);
        forEachStatement(resource, attribute, fail, (s, where) => {
          if (allowsOnly && s.Effect !== "Allow") return;
          for (const problem of problems(s)) fail(resource.address, `${where} ${problem}`);
        });
      }
    },
  });
}
