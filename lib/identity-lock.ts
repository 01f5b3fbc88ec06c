/**
 * The identity lock: the account, role and SAML provider each environment's users are mapped to,
 * recorded in `identity.lock.json` beside the environment files and committed. A Connect user mapped
 * to one role cannot sign in through another until deleted and re-provisioned, so synth refuses a
 * change of these names unless the run names the environment in CONNECT_SSO_ALLOW_IDENTITY_CHANGE.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Environment } from "./config/environment";
import type { Problem } from "./config/problems";

export const LOCK_FILE = "identity.lock.json";
export const ALLOW_VARIABLE = "CONNECT_SSO_ALLOW_IDENTITY_CHANGE";

export interface LockEntry {
  readonly account: string;
  readonly roleName: string;
  readonly samlProviderName: string;
}
export type IdentityLock = Readonly<Record<string, LockEntry>>;

export function lockEntry(env: Environment): LockEntry {
  return { account: env.account, roleName: env.iam.roleName, samlProviderName: env.iam.samlProviderName };
}

/** Reads the lock of an environments folder; a missing file is an empty lock. */
export function readLock(dir: string, shownFile: string): { lock: IdentityLock; problems: Problem[] } {
  const file = path.join(dir, LOCK_FILE);
  if (!fs.existsSync(file)) return { lock: {}, problems: [] };
  const bad = (message: string) => ({ lock: {}, problems: [{ severity: "error" as const, file: shownFile, path: "", message }] });
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    return bad(`is not valid JSON (${(error as Error).message}); restore it from version control`);
  }
  const valid =
    parsed !== null &&
    typeof parsed === "object" &&
    Object.values(parsed).every(
      (e) => e && typeof e === "object" && ["account", "roleName", "samlProviderName"].every((k) => typeof (e as Record<string, unknown>)[k] === "string"),
    );
  return valid ? { lock: parsed as IdentityLock, problems: [] } : bad("must map each environment to { account, roleName, samlProviderName }; restore it from version control");
}

/** Environments whose recorded identity differs from their file and were not allowed to change. */
export function checkLock(lock: IdentityLock, environments: ReadonlyArray<Environment>, allowed: ReadonlySet<string>, lockFile: string): Problem[] {
  const problems: Problem[] = [];
  for (const env of environments) {
    const recorded = lock[env.name];
    if (!recorded || allowed.has(env.name)) continue;
    const now = lockEntry(env);
    const changed = (Object.keys(now) as Array<keyof LockEntry>).filter((k) => recorded[k] !== now[k]);
    if (changed.length === 0) continue;
    const field = (k: keyof LockEntry) => (k === "account" ? "account" : `iam.${k}`);
    problems.push({
      severity: "error",
      file: env.file,
      path: changed.map(field).join(", "),
      message:
        `${changed.map((k) => `${k} ${JSON.stringify(recorded[k])} → ${JSON.stringify(now[k])}`).join(", ")} ` +
        `differs from ${lockFile}: users mapped to the recorded role cannot sign in through another until re-provisioned. ` +
        `If intended, follow "Changing the role or provider" in the README and run with ${ALLOW_VARIABLE}=${env.name}`,
    });
  }
  return problems;
}

/** The lock after this synth: every environment's current identity, others kept as recorded. */
export function nextLock(lock: IdentityLock, environments: ReadonlyArray<Environment>): IdentityLock {
  const next: Record<string, LockEntry> = { ...lock };
  for (const env of environments) next[env.name] = lockEntry(env);
  return Object.fromEntries(Object.entries(next).sort(([a], [b]) => a.localeCompare(b)));
}

/** Writes the lock when its content changes; returns whether it wrote. */
export function writeLock(dir: string, lock: IdentityLock): boolean {
  const file = path.join(dir, LOCK_FILE);
  const text = `${JSON.stringify(lock, null, 2)}\n`;
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return false;
  fs.writeFileSync(file, text);
  return true;
}

/** `prod, staging` from the variable's value. */
export function allowedChanges(value: string | undefined): Set<string> {
  return new Set((value ?? "").split(",").map((s) => s.trim()).filter(Boolean));
}
