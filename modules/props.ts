/**
 * Early prop validation shared by the constructs: say what was given and what is allowed.
 */
import { Token } from "cdktf";

/** Throws when a literal prop does not match; Terraform references are checked by Terraform instead. */
export function requireMatch(construct: string, prop: string, value: string, pattern: RegExp, allowed: string): void {
  if (!Token.isUnresolved(value) && !pattern.test(value)) {
    throw new Error(`${construct}: ${prop} ${JSON.stringify(value)} is not valid; allowed: ${allowed}`);
  }
}

/** Throws when a number prop is outside its range. */
export function requireRange(construct: string, prop: string, value: number, min: number, max: number, unit: string): void {
  if (!(value >= min && value <= max)) {
    throw new Error(`${construct}: ${prop} ${value} is out of range; allowed: ${min}..${max} ${unit}`);
  }
}
