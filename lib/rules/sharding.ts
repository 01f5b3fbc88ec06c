/**
 * Which users stack holds each user: a pure, stable assignment.
 *
 * Users are placed with Lamping and Veach's jump consistent hash over SHA-256 of the user name:
 * the same on every machine and run; adding or removing a user touches only that user's stack;
 * and a change of the number of stacks moves only the users that must move (from n to m > n
 * stacks, about (m - n) / m of them, all into the new stacks).
 */
import { createHash } from "node:crypto";
import { isBootstrapStack, STACK_PREFIX, stackName } from "./naming";

/** Stack number 0 is the environment's main stack; users stacks are numbered from 1. */
export const MAIN_STACK = 0;

/** Most users stacks an environment may have (`sharding.stacks`, `sharding.previousStacks`). */
export const MAX_USERS_STACKS = 64;

/** Users in one stack above this draw a warning unless `sharding.usersPerStack` says otherwise (each plan refreshes every user). */
export const DEFAULT_USERS_PER_STACK = 500;

const USERS_INFIX = "-users-";

/** Name of users stack `n` of an environment. */
export function usersStackName(environment: string, n: number): string {
  return `${stackName(environment)}${USERS_INFIX}${n}`;
}

/** Jump consistent hash: a bucket in [0, buckets) for a 64-bit key. */
export function jumpHash(key: bigint, buckets: number): number {
  let b = -1n;
  let j = 0n;
  let k = key;
  const n = BigInt(buckets);
  while (j < n) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & 0xffffffffffffffffn;
    j = BigInt(Math.floor(((Number(b) + 1) * 2 ** 31) / Number((k >> 33n) + 1n)));
  }
  return Number(b);
}

/** The stack (1..stacks) holding a user, or MAIN_STACK when stacks is 0 (no users stacks). */
export function stackOf(username: string, stacks: number): number {
  if (stacks === 0) return MAIN_STACK;
  const key = createHash("sha256").update(username, "utf8").digest().readBigUInt64BE(0);
  return jumpHash(key, stacks) + 1;
}

export interface Move {
  readonly username: string;
  readonly from: number;
  readonly to: number;
}

/** Users whose stack differs between two layouts (0 = all users in the main stack). */
export function movesBetween(usernames: ReadonlyArray<string>, previousStacks: number, stacks: number): Move[] {
  return usernames.map((username) => ({ username, from: stackOf(username, previousStacks), to: stackOf(username, stacks) })).filter((m) => m.from !== m.to);
}

/** What one stack holds of an environment's users, and what moves in or out of it. */
export interface StackUsers<T> {
  readonly users: T[];
  /** Users whose state moves in from another stack (imported, found by name). */
  readonly arriving: string[];
  /** Users whose state moves out to another stack (forgotten here, never deleted). */
  readonly leaving: string[];
}

export function usersOfStack<T extends { readonly username: string }>(
  all: ReadonlyArray<T>,
  stack: number,
  layout: { readonly stacks: number; readonly previousStacks?: number },
): StackUsers<T> {
  const moves =
    layout.previousStacks === undefined
      ? []
      : movesBetween(
          all.map((u) => u.username),
          layout.previousStacks,
          layout.stacks,
        );
  return {
    users: all.filter((u) => stackOf(u.username, layout.stacks) === stack),
    arriving: moves.filter((m) => m.to === stack).map((m) => m.username),
    leaving: moves.filter((m) => m.from === stack).map((m) => m.username),
  };
}

/** Which environment a stack belongs to, and which of its stacks it is. */
export interface StackOfEnvironment {
  readonly environment: string;
  /** The users stack number, or MAIN_STACK for the environment's main stack. */
  readonly stack: number;
}

const STACK_NAME = new RegExp(`^${STACK_PREFIX}([a-z][a-z0-9-]{0,30}?)(?:${USERS_INFIX}([1-9]\\d*))?$`);
const ENDS_LIKE_USERS_STACK = new RegExp(`${USERS_INFIX}\\d+$`);

/**
 * Reads a stack name, `connect-sso-<env>` or `connect-sso-<env>-users-<n>` (the forms of
 * stackName and usersStackName); undefined for anything else, bootstrap stacks included. The one
 * parser of stack names. Unambiguous because an environment name never ends in `-users-<n>` or
 * `-bootstrap` (ENVIRONMENT_NAME in lib/rules/naming.ts).
 */
export function parseStackName(name: string): StackOfEnvironment | undefined {
  if (isBootstrapStack(name)) return undefined;
  const match = STACK_NAME.exec(name);
  if (!match || match[1].endsWith("-") || ENDS_LIKE_USERS_STACK.test(match[1])) return undefined;
  return { environment: match[1], stack: match[2] === undefined ? MAIN_STACK : Number(match[2]) };
}
