/**
 * Each construct built alone: in a bare TerraformStack of cdktf's testing app (no environment, no
 * provider), so a test sees exactly what the construct adds and what it refuses.
 */
import { TerraformStack, Testing } from "cdktf";
import { ValidationError } from "../../modules/props";
import { testApp } from "../support/environments";

/** Id of the bare stack: the first segment of every construct path in messages. */
export const STACK = "bare";

export function bareStack(): TerraformStack {
  return new TerraformStack(testApp(), STACK);
}

/** The Terraform JSON of a bare stack once `build` has added to it. */
export function synthesized(build: (stack: TerraformStack) => void): any {
  const stack = bareStack();
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

/** Asserts that `build` throws a ValidationError whose message is exactly `message` (which starts with the construct's path). */
export function expectValidationError(build: (stack: TerraformStack) => unknown, message: string): void {
  const stack = bareStack();
  let thrown: unknown;
  try {
    build(stack);
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof ValidationError))
    throw new Error(`expected a ValidationError "${message}", got ${thrown === undefined ? "no error" : String(thrown)}`);
  expect(thrown.message).toBe(message);
}
