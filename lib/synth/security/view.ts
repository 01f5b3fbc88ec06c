/**
 * What a security rule sees of a synthesized stack (Terraform JSON), and the helpers every rule
 * shares to read it: resources by type, IAM policy documents, the roles by purpose, the state
 * bucket with its companion resources. One place, so two rules never read the same thing two ways.
 */
import { GITHUB_OIDC_HOST, partitionOf, PIPELINE_RESOURCE_NAMES, type Partition } from "../../rules/naming";

export type Json = Record<string, unknown>;
export type Statement = Record<string, unknown>;

/** One stack as a rule sees it. */
export interface StackView {
  /** The partition of the default provider's region; undefined for an unknown region, which partition-bound rules refuse. */
  readonly partition?: Partition;
  /** The default provider's region. */
  readonly region?: string;
  /** The account the provider is limited to (`allowed_account_ids`), when exactly one. */
  readonly account?: string;
  /**
   * The stack's resources of `type`, as `[address, body]`. Throws for a type the rule does not
   * declare in its `reads`: synth resolves only declared types, so an undeclared read would see none.
   */
  resources(type: string): ReadonlyArray<readonly [string, Json]>;
}

/** The view of `tf` for a rule that reads the resource types `reads`. */
export function stackView(tf: Json, reads: ReadonlyArray<string>): StackView {
  const provider = asObject(asList(asObject(tf.provider)?.aws)[0]);
  const region = provider?.region;
  const accounts = asList(provider?.allowed_account_ids);
  const declared = new Set(reads);
  return {
    partition: typeof region === "string" ? partitionOf(region) : undefined,
    region: typeof region === "string" ? region : undefined,
    account: accounts.length === 1 && typeof accounts[0] === "string" ? accounts[0] : undefined,
    resources(type) {
      if (!declared.has(type)) throw new Error(`a security rule reads ${type} without declaring it in its reads (${[...declared].join(", ")})`);
      const byName = asObject(asObject(tf.resource)?.[type]) ?? {};
      return Object.entries(byName).map(([name, body]) => [`${type}.${name}`, asObject(body) ?? {}] as const);
    },
  };
}

export const asList = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
export const asObject = (value: unknown): Json | undefined => (value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined);
/** A nested block: cdktf writes one as an object, Terraform JSON also allows a list of them. */
export const blocks = (value: unknown): Json[] =>
  asList(value)
    .map(asObject)
    .filter((b): b is Json => b !== undefined);

/** The statements of a JSON policy document, or what keeps it from being read. */
export function statements(policy: unknown): Statement[] | string {
  if (typeof policy !== "string") return "is not a JSON policy string";
  try {
    return asList(asObject(JSON.parse(policy))?.Statement).map((s) => asObject(s) ?? {});
  } catch {
    return "does not parse as JSON";
  }
}

/**
 * Visits each statement of the policy document in `resource.body[attribute]` with where it is, such as
 * `policy statement 0 (Sid)`. A document that cannot be read goes to `fail`: a rule never passes
 * what it could not read.
 */
export function forEachStatement(
  resource: { readonly address: string; readonly body: Json },
  attribute: string,
  fail: (address: string, message: string) => void,
  visit: (statement: Statement, where: string) => void,
): void {
  const parsed = statements(resource.body[attribute]);
  if (typeof parsed === "string") {
    fail(resource.address, `${attribute} ${parsed}; allowed: a JSON policy document these rules can read`);
    return;
  }
  parsed.forEach((s, i) => visit(s, `${attribute} statement ${i}${typeof s.Sid === "string" ? ` (${s.Sid})` : ""}`));
}

/** The Terraform name of the resource of `type` that `value` references (`${type.name.attr}`), if it is only that. */
function referencedName(value: unknown, type: string, attributes: ReadonlyArray<string>): string | undefined {
  const match = typeof value === "string" ? new RegExp(`^\\$\\{${type}\\.(\\w+)\\.(\\w+)\\}$`).exec(value) : null;
  return match && attributes.includes(match[2]) ? match[1] : undefined;
}

/** The statement names exactly this one action (no NotAction, no other action, no wildcard); else the problem, with what is allowed. */
export function onlyAction(s: Statement, action: string): string[] {
  const actions = asList(s.Action);
  const only = s.NotAction === undefined && actions.length === 1 && actions[0] === action;
  return only ? [] : [`allows ${JSON.stringify(s.Action ?? s.NotAction)}; allowed: ${JSON.stringify(action)} only`];
}

/**
 * IAM's wildcard match (`*` any run of characters, `?` one): actions compare ignoring case,
 * resource ARNs exactly.
 */
export function wildcardMatches(pattern: string, value: string, kind: "action" | "resource"): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    kind === "action" ? "i" : "",
  );
  return re.test(value);
}

// ---- Roles, known by their Terraform name ----

/** `ic-plan` and `ic-apply`: the roles in Identity Center's account that the pipeline roles chain into. */
export type RoleKind = "federation" | "plan" | "apply" | "ic-plan" | "ic-apply";

/** What each role is for, by its Terraform name; it decides the role's rules. */
const ROLE_KINDS: Readonly<Record<string, RoleKind>> = {
  federation_role: "federation",
  [PIPELINE_RESOURCE_NAMES.plan.role]: "plan",
  [PIPELINE_RESOURCE_NAMES.apply.role]: "apply",
  [PIPELINE_RESOURCE_NAMES.identityCenterPlan.role]: "ic-plan",
  [PIPELINE_RESOURCE_NAMES.identityCenterApply.role]: "ic-apply",
};

/** The pipeline's roles: in the environment's account, and in Identity Center's. */
export const PIPELINE_ROLE_KINDS: ReadonlyArray<RoleKind> = ["plan", "apply", "ic-plan", "ic-apply"];

/** The addresses of the roles the rules know, for messages. */
export const KNOWN_ROLES = Object.keys(ROLE_KINDS)
  .map((name) => `aws_iam_role.${name}`)
  .join(", ");

export interface Role {
  readonly address: string;
  /** The Terraform name (after `aws_iam_role.`). */
  readonly name: string;
  readonly body: Json;
  /** What the role is for; undefined for a role the rules do not know. */
  readonly kind?: RoleKind;
}

/** Every `aws_iam_role` of the stack. Reads `aws_iam_role`. */
export function roles(view: StackView): Role[] {
  return view.resources("aws_iam_role").map(([address, body]) => {
    const name = address.slice("aws_iam_role.".length);
    return { address, name, body, kind: ROLE_KINDS[name] };
  });
}

/** The roles of these kinds. Reads `aws_iam_role`. */
export function rolesOf(view: StackView, kinds: ReadonlyArray<RoleKind>): Role[] {
  return roles(view).filter((r) => r.kind !== undefined && kinds.includes(r.kind));
}

export interface RolePolicy {
  readonly address: string;
  readonly body: Json;
  /** The known role of this stack the policy references; undefined when it references anything else. */
  readonly role?: Role;
}

/** Every `aws_iam_role_policy`, with the known role it belongs to. Reads `aws_iam_role_policy` and `aws_iam_role`. */
export function rolePolicies(view: StackView): RolePolicy[] {
  const known = new Map(rolesOf(view, Object.values(ROLE_KINDS)).map((r) => [r.name, r]));
  return view.resources("aws_iam_role_policy").map(([address, body]) => {
    const name = referencedName(body.role, "aws_iam_role", ["id", "name"]);
    return { address, body, role: name === undefined ? undefined : known.get(name) };
  });
}

/** The policies of the roles of these kinds. Reads `aws_iam_role_policy` and `aws_iam_role`. */
export function policiesOf(view: StackView, kinds: ReadonlyArray<RoleKind>): Array<RolePolicy & { readonly role: Role }> {
  return rolePolicies(view).filter((p): p is RolePolicy & { readonly role: Role } => p.role?.kind !== undefined && kinds.includes(p.role.kind));
}

// ---- GitHub's OIDC token in a pipeline role's trust ----

export const GITHUB_AUD = `${GITHUB_OIDC_HOST}:aud`;
export const GITHUB_SUB = `${GITHUB_OIDC_HOST}:sub`;

/** The `sub` values a trust statement accepts, under StringEquals or StringLike. */
export function subjects(statement: Statement): unknown[] {
  const condition = asObject(statement.Condition);
  return [...asList(asObject(condition?.StringEquals)?.[GITHUB_SUB]), ...asList(asObject(condition?.StringLike)?.[GITHUB_SUB])];
}

/** A literal subject `repo:<owner>/<name>:<context>` (no `*` or `?`), split; undefined for anything else. */
export function parseSubject(
  sub: unknown,
):
  | { readonly repository: string; readonly context: string; readonly workflow?: { readonly repository: string; readonly file: string; readonly ref: string } }
  | undefined {
  if (typeof sub !== "string") return undefined;
  const [head, workflowRef, ...more] = sub.split(":job_workflow_ref:");
  const parsed = more.length === 0 ? /^repo:([^:*?]+\/[^:*?]+):([^*?]+)$/.exec(head) : null;
  if (!parsed) return undefined;
  if (workflowRef === undefined) return { repository: parsed[1], context: parsed[2] };
  // The one wildcard a subject may hold: a pull request's number in its merge ref.
  const workflow = /^([^/*?:@]+\/[^/*?:@]+)\/([^*?:@]+)@([^*?]+|refs\/pull\/\*\/merge)$/.exec(workflowRef);
  return workflow ? { repository: parsed[1], context: parsed[2], workflow: { repository: workflow[1], file: workflow[2], ref: workflow[3] } } : undefined;
}

// ---- The state bucket and its companion resources ----

export interface Bucket {
  readonly address: string;
  readonly body: Json;
  /** The bucket's name as given, quoted, for messages. */
  readonly quoted: string;
  /** The bodies of the resources of `type` that name this bucket (by reference or literally). The rule must read `type`. */
  companions(type: string): Json[];
}

/** Every `aws_s3_bucket` of the stack (only bootstrap stacks have one: the state bucket). Reads `aws_s3_bucket`. */
export function buckets(view: StackView): Bucket[] {
  return view.resources("aws_s3_bucket").map(([address, body]) => {
    const own = [`\${${address}.id}`, `\${${address}.bucket}`, body.bucket];
    return {
      address,
      body,
      quoted: JSON.stringify(body.bucket),
      companions: (type) =>
        view
          .resources(type)
          .filter(([, companion]) => own.includes(companion.bucket))
          .map(([, companion]) => companion),
    };
  });
}
