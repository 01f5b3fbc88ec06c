/**
 * What the constructs share: prop validation that names the construct by its path, and the one
 * shape of adoption (taking over resources made by hand).
 */
import { Token } from "cdktf";
import type { IConstruct } from "constructs";
import { literal, LITERAL_TEXT_ALLOWED, TOKEN_MARKER } from "../lib/rules/literal";

/**
 * A prop a construct refuses. The message starts with the construct's path, such as
 * `connect-sso-dev/federation_role: roleName "x y" is not valid; allowed: ...`, so it names the
 * stack and the construct, not only the class.
 */
export class ValidationError extends Error {
  constructor(scope: IConstruct, message: string) {
    super(`${scope.node.path}: ${message}`);
    this.name = "ValidationError";
  }
}

/** Throws when a literal prop does not match; Terraform references are checked by Terraform instead. */
export function requireMatch(scope: IConstruct, prop: string, value: string, pattern: RegExp, allowed: string): void {
  if (!Token.isUnresolved(value) && !pattern.test(value)) {
    throw new ValidationError(scope, `${prop} ${JSON.stringify(value)} is not valid; allowed: ${allowed}`);
  }
}

/**
 * A literal text prop as Terraform must spell it to reach AWS unchanged (see lib/rules/literal.ts).
 * Throws when it holds a cdktf reference marker: such a prop is literal text, never a reference.
 */
export function literalText(scope: IConstruct, prop: string, value: string): string {
  refuseTokenMarker(scope, prop, value);
  return literal(value);
}

/**
 * Literal text inside a quoted string of an expression cdktf renders (such as a list iterator's
 * `toset([...])`): cdktf escapes `${` and line breaks there itself, but not `\`, `"` or `%{`.
 */
export function literalInExpression(scope: IConstruct, prop: string, value: string): string {
  refuseTokenMarker(scope, prop, value);
  return value.replace(/[\\"]/g, "\\$&").replace(/%\{/g, "%%{");
}

function refuseTokenMarker(scope: IConstruct, prop: string, value: string): void {
  const marker = TOKEN_MARKER.exec(value);
  if (marker) {
    throw new ValidationError(
      scope,
      `${prop} contains ${JSON.stringify(value.slice(marker.index, marker.index + 40))}, which is not literal text; allowed: ${LITERAL_TEXT_ALLOWED}`,
    );
  }
}

/** Throws when a number prop is outside its range. */
export function requireRange(scope: IConstruct, prop: string, value: number, min: number, max: number, unit: string): void {
  if (!(value >= min && value <= max)) {
    throw new ValidationError(scope, `${prop} ${value} is out of range; allowed: ${min}..${max} ${unit}`);
  }
}

/** Adoption, the same prop on every construct that can take over resources made by hand. */
export interface ProtectionProps {
  /**
   * Refuse `terraform destroy` and replacement of the construct's resources (`prevent_destroy`).
   * @default false
   */
  readonly protect?: boolean;
}

/** The lifecycle block that `protect` asks for. */
export const protection = (props: ProtectionProps) => (props.protect ? { preventDestroy: true } : undefined);

export interface AdoptionProps {
  /**
   * Names of this construct's resources that exist already (made by hand, or whose state moves in
   * from another stack): the first apply imports them instead of failing with "already exists".
   * Only names the construct manages are allowed (for a construct of one resource: its name).
   * @default none
   */
  readonly adopt?: ReadonlyArray<string>;
}

/**
 * The adopted names of a construct, after checking each is one it manages (`allowed` says which):
 * adopting a name it does not manage would import nothing, silently.
 */
export function adoptedNames(scope: IConstruct, props: AdoptionProps, managed: ReadonlySet<string>, allowed: string): ReadonlyArray<string> {
  const adopt = props.adopt ?? [];
  const unknown = adopt.filter((name) => !managed.has(name));
  if (unknown.length) throw new ValidationError(scope, `adopt names ${JSON.stringify(unknown)}, which this construct does not manage; allowed: ${allowed}`);
  return adopt;
}
