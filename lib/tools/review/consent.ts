/**
 * Consent to a gated plan change, scoped to one stack and one target.
 */
import * as fs from "node:fs";
import { TOOLING } from "../../rules/gate-paths";

/** One consent: who allowed what, in which stack, and where they said so. */
export interface Consent {
  /** The stack it applies to, e.g. "connect-sso-prod", or "tooling" for a file of the gate itself. */
  readonly stack: string;
  /** A terraform address (with or without instance key), a user name (for_each key), "retire" (the whole stack disappears), or a gate file's path. */
  readonly target: string;
  /** Who gave it: a GitHub login, or "command line". */
  readonly by: string;
  /** Where: e.g. "approving review 1234 on #45" or "--consent flag". */
  readonly source: string;
}

/** What a consent's stack must look like: a stack name (or "tooling", the gate's own files), never a wildcard. */
export const CONSENT_STACK = new RegExp(`^(connect-sso-[a-z0-9-]+|${TOOLING})$`);
/** What a consent line's stack may be, in a message. */
export const CONSENT_STACK_WORDS = `connect-sso-<env>, connect-sso-<env>-users-<n>, or ${TOOLING} (a file of the gate itself)`;
/** One token (the line format `consent: <stack> <target>`); no control or invisible characters. */
export const CONSENT_TARGET = /^[^\s\p{C}]{1,512}$/u;
/** The target that consents to a whole stack disappearing. */
export const RETIRE = "retire";

export class ConsentFormatError extends Error {}

/** The line a reviewer writes to give a consent. */
export function consentLine(stack: string, target: string): string {
  return `consent: ${stack} ${target}`;
}

/** `--consent <stack>:<target>` from a person running the review locally. */
export function consentFromFlag(value: string): Consent {
  const colon = value.indexOf(":");
  const stack = colon < 0 ? "" : value.slice(0, colon);
  const target = colon < 0 ? "" : value.slice(colon + 1);
  const problem = consentProblem(stack, target);
  if (problem)
    throw new ConsentFormatError(
      `--consent ${JSON.stringify(value)}: ${problem}; expected --consent <stack>:<target>, e.g. --consent connect-sso-prod:bob.martin@example.com`,
    );
  return { stack, target, by: "command line", source: "--consent flag" };
}

/** The consents of a file `{"consents": [{stack, target, by, source}, ...]}` (npm run consents writes it). */
export function readConsentsFile(file: string): Consent[] {
  const fail = (why: string): never => {
    throw new ConsentFormatError(`--consents ${file}: ${why}`);
  };
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === "ENOENT" ? "file not found" : code ? `cannot be read (${code})` : `is not JSON (${(error as Error).message})`);
  }
  const shape = '{"consents": [{"stack", "target", "by", "source"}, ...]} as written by npm run consents';
  if (!isRecord(value) || Object.keys(value).join() !== "consents" || !Array.isArray(value.consents)) fail(`is not ${shape}`);
  return (value as { consents: unknown[] }).consents.map((entry, i) => {
    const keys = isRecord(entry) ? Object.keys(entry).sort().join() : "";
    if (!isRecord(entry) || keys !== "by,source,stack,target" || !Object.values(entry).every((v) => typeof v === "string" && v.trim() !== "")) {
      return fail(`consents[${i}] is not {"stack", "target", "by", "source"} with four non-empty strings (found ${JSON.stringify(entry)})`);
    }
    const consent = entry as unknown as Consent;
    const problem = consentProblem(consent.stack, consent.target);
    return problem ? fail(`consents[${i}]: ${problem}`) : { stack: consent.stack, target: consent.target, by: consent.by, source: consent.source };
  });
}

function consentProblem(stack: string, target: string): string | undefined {
  if (!CONSENT_STACK.test(stack)) return `stack ${JSON.stringify(stack)} is not a stack name (${CONSENT_STACK_WORDS})`;
  if (!CONSENT_TARGET.test(target))
    return `target ${JSON.stringify(target)} is not one token of 1..512 visible characters (an address, a user name or "${RETIRE}")`;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
