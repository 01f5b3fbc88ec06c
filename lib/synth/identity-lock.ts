/**
 * The identity lock: per environment, the account, role and SAML provider its users are mapped to,
 * and the identity provider that SAML provider trusts (entityID and signing certificates), recorded
 * in `identity.lock.json` beside the environment files and committed.
 *
 * - A Connect user mapped to one role cannot sign in through another until re-provisioned, and a
 *   provider trusting another identity provider lets that one sign in as any agent: a change of
 *   account, role, provider or entityID is refused unless CONNECT_SSO_ALLOW_IDENTITY_CHANGE names
 *   the environment. So is an environment recorded here whose file is gone.
 * - A certificate rotation (same entityID) is routine: shown line by line, then recorded.
 * - In the pipeline the committed lock must already be what synth records: nothing is written.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import type { Environment } from "../config/environment";
import { checkMetadata, identityCenterEntityIdProblem, isPlaceholderMetadata } from "../config/metadata";
import { fieldPath, type Problem } from "../config/problems";
import { stackName } from "../rules/naming";

export const LOCK_FILE = "identity.lock.json";
export const ALLOW_VARIABLE = "CONNECT_SSO_ALLOW_IDENTITY_CHANGE";

export interface LockedCertificate {
  /** SHA-256 fingerprint as openssl and Node print it: 32 upper-case hex pairs joined by colons. */
  readonly sha256: string;
  readonly subject: string;
  /** End of validity, ISO 8601. */
  readonly notAfter: string;
}

/** What an environment's users sign in through. */
export interface LockEntry {
  readonly account: string;
  readonly roleName: string;
  readonly samlProviderName: string;
  /** entityID of the identity provider the SAML provider trusts. */
  readonly entityId: string;
  /** Its signing certificates, sorted by fingerprint so the same set always reads the same. */
  readonly signingCertificates: ReadonlyArray<LockedCertificate>;
}

/** An entry as read: entries written before the identity provider was locked lack entityId and certificates. */
export type RecordedEntry = Omit<LockEntry, "entityId" | "signingCertificates"> & Partial<Pick<LockEntry, "entityId" | "signingCertificates">>;
export type IdentityLock = Readonly<Record<string, RecordedEntry>>;

/** The fields whose change needs re-provisioning users, with the environment-file field that sets each. */
const NAME_FIELDS = { account: "account", roleName: "iam.roleName", samlProviderName: "iam.samlProviderName" } as const;
const METADATA_FIELD = "ssoApplication.metadataFile";

const lockSchema = z.record(
  z.string(),
  z
    .strictObject({
      account: z.string(),
      roleName: z.string(),
      samlProviderName: z.string(),
      entityId: z.string().min(1).optional(),
      signingCertificates: z
        .array(
          z.strictObject({
            sha256: z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/, "must be a SHA-256 fingerprint (32 upper-case hex pairs joined by colons)"),
            subject: z.string(),
            notAfter: z.iso.datetime(),
          }),
        )
        .min(1)
        .optional(),
    })
    .refine((e) => (e.entityId === undefined) === (e.signingCertificates === undefined), "entityId and signingCertificates are recorded together"),
);

export interface LockRead {
  /** The lock; undefined (with no problems) when the file does not exist. */
  readonly lock?: IdentityLock;
  readonly problems: Problem[];
}

/** Reads the lock of an environments folder; anything but a well-formed lock is refused. */
export function readLock(dir: string, shownFile: string): LockRead {
  const bad = (message: string, at: ReadonlyArray<PropertyKey> = []): Problem => ({ severity: "error", file: shownFile, path: fieldPath(at), message });
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, LOCK_FILE), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? { problems: [] } : { problems: [bad(`cannot be read (${code ?? (error as Error).message}); restore it from version control`)] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problems: [bad(`is not valid JSON (${(error as Error).message}); restore it from version control`)] };
  }
  const parsed = lockSchema.safeParse(json);
  if (!parsed.success) {
    const expected = "each environment records { account, roleName, samlProviderName, entityId, signingCertificates: [{ sha256, subject, notAfter }] }";
    return { problems: parsed.error.issues.map((issue) => bad(`${issue.message}; ${expected}: restore it from version control`, issue.path)) };
  }
  return { lock: parsed.data, problems: [] };
}

/** The identity an environment's file describes now, and what is wrong with its identity provider. */
export function currentIdentity(env: Environment, now: Date): { entry?: RecordedEntry; problems: Problem[] } {
  const about = (severity: Problem["severity"], message: string): Problem => ({
    severity,
    file: env.file,
    path: METADATA_FIELD,
    message: `${env.ssoApplication.metadataFile} ${message}`,
  });
  const { entityId, placeholder } = checkMetadata(env.ssoApplication.metadataXml, now);
  // A placeholder names no identity provider: the real download is then recorded, not a change of one.
  if (placeholder) return { entry: { account: env.account, roleName: env.iam.roleName, samlProviderName: env.iam.samlProviderName }, problems: [] };
  if (!entityId) return { problems: [about("error", "has no entityID on md:EntityDescriptor: the identity lock records the identity provider by it")] };
  const byFingerprint = new Map(
    env.ssoApplication.certificates.map((c) => [c.fingerprint256, { sha256: c.fingerprint256, subject: c.subject, notAfter: c.validTo.toISOString() }]),
  );
  const entry: LockEntry = {
    account: env.account,
    roleName: env.iam.roleName,
    samlProviderName: env.iam.samlProviderName,
    entityId,
    signingCertificates: [...byFingerprint.values()].sort((a, b) => compare(a.sha256, b.sha256)),
  };
  const foreign = identityCenterEntityIdProblem(entityId, env.partition, env.identityCenter.region);
  return { entry, problems: foreign ? [about("warning", foreign)] : [] };
}

export interface ReconcileInput {
  /** The lock as found; undefined when the file does not exist. */
  readonly recorded: IdentityLock | undefined;
  /** Environments loaded without errors. */
  readonly environments: ReadonlyArray<Environment>;
  /** Names of every environment file in the folder, loaded or not. */
  readonly environmentFiles: ReadonlySet<string>;
  /** Environments whose identity may change, or whose entry may go, in this run. */
  readonly allowed: ReadonlySet<string>;
  /** The pipeline's run: the lock must already be what synth records. */
  readonly pipeline: boolean;
  /** The lock file as shown in messages. */
  readonly lockFile: string;
  /** Metadata is read as of this instant. */
  readonly now: Date;
}

export interface LockOutcome {
  /** Errors stop synth; warnings show what changes or looks wrong. */
  readonly problems: Problem[];
  /** The lock this synth records. */
  readonly next: IdentityLock;
  /** One `<env>: <why>` per entry that changes; empty when the lock stays as it is. */
  readonly changes: ReadonlyArray<string>;
}

/** Compares the recorded lock with the environments: what is refused, shown, and recorded. */
export function reconcileLock(input: ReconcileInput): LockOutcome {
  const { recorded, allowed, lockFile } = input;
  const problems: Problem[] = [];
  const changes: string[] = [];
  const next: Record<string, RecordedEntry> = {};
  const error = (file: string, at: string, message: string) => problems.push({ severity: "error", file, path: at, message });
  const notice = (file: string, at: string, message: string) => problems.push({ severity: "warning", file, path: at, message });

  // No environment and no lock: nothing to check (a team that has not added an environment yet).
  if (recorded === undefined && input.environments.length > 0) {
    if (input.pipeline) {
      error(
        lockFile,
        "",
        `not found: the pipeline checks every environment against the committed lock; restore it from version control (git checkout HEAD -- ${lockFile}), or for a first lock run npm run synth locally and commit it`,
      );
    } else {
      notice(
        lockFile,
        "",
        `not found: recording every environment as new. If it was committed, restore it instead (git checkout HEAD -- ${lockFile}): a new lock accepts any role, provider and identity provider`,
      );
    }
  }

  for (const env of input.environments) {
    if (input.pipeline && isPlaceholderMetadata(env.ssoApplication.metadataXml))
      error(
        env.file,
        METADATA_FIELD,
        `${env.ssoApplication.metadataFile} is the placeholder npm run new-env wrote: a pipeline never plans or applies it; download the Amazon Connect application's metadata from IAM Identity Center into it, run npm run synth and commit both`,
      );
    const current = currentIdentity(env, input.now);
    problems.push(...current.problems);
    const was = recorded?.[env.name];
    if (!current.entry) {
      if (was) next[env.name] = was;
      continue;
    }
    const entry = current.entry;
    if (!was) {
      next[env.name] = entry;
      changes.push(`${env.name}: new environment`);
      continue;
    }
    const renamed = (Object.keys(NAME_FIELDS) as Array<keyof typeof NAME_FIELDS>).filter((k) => was[k] !== entry[k]);
    const renaming = renamed.map((k) => `${k} ${JSON.stringify(was[k])} → ${JSON.stringify(entry[k])}`).join(", ");
    const otherIdp = was.entityId !== undefined && was.entityId !== entry.entityId;
    const switching = `entityID ${JSON.stringify(was.entityId)} → ${JSON.stringify(entry.entityId)}`;
    const certificates = was.signingCertificates && entry.signingCertificates ? certificateChanges(was.signingCertificates, entry.signingCertificates) : [];
    for (const line of certificates) notice(env.file, METADATA_FIELD, `${env.ssoApplication.metadataFile} ${line}`);

    if ((renamed.length > 0 || otherIdp) && !allowed.has(env.name)) {
      if (renamed.length > 0) {
        error(
          env.file,
          renamed.map((k) => NAME_FIELDS[k]).join(", "),
          `${renaming} differs from ${lockFile}: users mapped to the recorded role cannot sign in through another until re-provisioned. ` +
            `If intended, follow docs/identity-changes.md, "Changing the role or provider" and run with ${ALLOW_VARIABLE}=${env.name}`,
        );
      }
      if (otherIdp) {
        error(
          env.file,
          METADATA_FIELD,
          `${env.ssoApplication.metadataFile} is another identity provider's: ${switching} differs from ${lockFile}, ` +
            `and the SAML provider would let it sign in as any of this environment's users. ` +
            `If intended, follow docs/identity-changes.md, "Changing the identity provider" and run with ${ALLOW_VARIABLE}=${env.name}`,
        );
      }
      next[env.name] = was;
      continue;
    }

    next[env.name] = entry;
    if (renamed.length > 0 || otherIdp) {
      const what = [renaming, otherIdp ? switching : ""].filter(Boolean).join(", ");
      notice(env.file, "", `recording the identity change ${ALLOW_VARIABLE}=${env.name} allows: ${what}`);
      changes.push(`${env.name}: identity change allowed`);
    }
    if (was.entityId === undefined && entry.entityId !== undefined) {
      notice(
        lockFile,
        env.name,
        `has no identity provider (an entry from before entityID and certificates were locked): recording entityID ${JSON.stringify(entry.entityId)} and signing certificate(s) ` +
          `${(entry.signingCertificates ?? []).map((c) => c.sha256).join(", ")} from ${env.ssoApplication.metadataFile}; check it is your Identity Center application's metadata before you commit`,
      );
      changes.push(`${env.name}: identity provider recorded`);
    }
    if (certificates.length > 0) changes.push(`${env.name}: signing certificates changed`);
  }

  for (const [name, was] of Object.entries(recorded ?? {})) {
    if (input.environmentFiles.has(name)) {
      next[name] ??= was;
    } else if (allowed.has(name)) {
      notice(
        lockFile,
        name,
        `environment ${name} has no file any more: dropping its entry as ${ALLOW_VARIABLE}=${name} allows. ` +
          `Its stacks stay in AWS until destroyed (docs/identity-changes.md, "Retiring an environment")`,
      );
      changes.push(`${name}: entry dropped`);
    } else {
      error(
        lockFile,
        name,
        `records environment ${name}, whose file ${name}.yaml is gone (removed or renamed): its stacks (${stackName(name)} and those named after it) ` +
          `and the users mapped to role ${was.roleName} in account ${was.account} still exist in AWS. ` +
          `To retire it, follow docs/identity-changes.md, "Retiring an environment"; to rename it, follow docs/identity-changes.md, "Renaming an environment"; ` +
          `either way the entry goes only with ${ALLOW_VARIABLE}=${name}`,
      );
      next[name] = was;
    }
  }

  if (input.pipeline && recorded !== undefined && changes.length > 0) {
    error(lockFile, "", `the lock in the commit is not what synth records (${changes.join("; ")}): run npm run synth locally and commit ${lockFile}`);
  }
  return { problems, next: sortedLock(next), changes };
}

/** One line per signing certificate removed or added, with what a reviewer compares. */
export function certificateChanges(before: ReadonlyArray<LockedCertificate>, after: ReadonlyArray<LockedCertificate>): string[] {
  const line = (verb: string, c: LockedCertificate) =>
    `signing certificate ${verb}: SHA-256 ${c.sha256}, expires ${c.notAfter.slice(0, 10)}, subject ${c.subject}`;
  const missingFrom = (list: ReadonlyArray<LockedCertificate>) => (c: LockedCertificate) => !list.some((o) => o.sha256 === c.sha256);
  return [...before.filter(missingFrom(after)).map((c) => line("removed", c)), ...after.filter(missingFrom(before)).map((c) => line("added", c))];
}

/**
 * Proves the lock is the committed one: tracked by git and unmodified since HEAD. Runs git in the
 * lock's folder; an error names the file and the fix.
 */
export function lockGitProblems(dir: string, shownFile: string): Problem[] {
  const git = (args: string[]) => spawnSync("git", args, { cwd: dir, encoding: "utf8" });
  const problem = (message: string): Problem[] => [{ severity: "error", file: shownFile, path: "", message }];
  const firstLine = (text: string) => text.trim().split("\n")[0] ?? "";

  const tracked = git(["ls-files", "--error-unmatch", "--", LOCK_FILE]);
  if (tracked.error)
    return problem(`cannot be checked: git did not run (${tracked.error.message}); the pipeline needs git to prove the lock is the committed one`);
  if (tracked.status !== 0) {
    if (/not a git repository/i.test(tracked.stderr))
      return problem("is not in a git checkout: the pipeline synthesizes a checkout of the repository, whose committed lock it checks against");
    if (tracked.status === 1) return problem(`is not tracked by git: run npm run synth locally and commit ${shownFile}`);
    return problem(`cannot be checked: git ls-files said "${firstLine(tracked.stderr)}"`);
  }
  const diff = git(["diff", "--quiet", "HEAD", "--", LOCK_FILE]);
  if (diff.status === 1) {
    return problem(
      `differs from the last commit (HEAD): the pipeline synthesizes what was committed; commit it (after npm run synth locally) or restore it (git checkout HEAD -- ${shownFile})`,
    );
  }
  if (diff.status !== 0)
    return problem(`cannot be compared with the last commit (HEAD): git diff said "${firstLine(diff.error ? diff.error.message : diff.stderr)}"`);
  return [];
}

/** Names of the environment files of a folder (the files loadEnvironments reads); none when it cannot be read. */
export function environmentFileNames(dir: string): Set<string> {
  try {
    return new Set(
      fs
        .readdirSync(dir)
        .filter((n) => /\.ya?ml$/.test(n))
        .map((n) => n.replace(/\.ya?ml$/, "")),
    );
  } catch {
    return new Set();
  }
}

export interface LockCheckOptions {
  /** The environments folder, where the lock lives. */
  readonly dir: string;
  readonly lockFile: string;
  readonly environments: ReadonlyArray<Environment>;
  readonly allowed: ReadonlySet<string>;
  readonly pipeline: boolean;
  readonly now: Date;
}

/** Reads the lock (in the pipeline: proves it committed) and reconciles it with the environments. */
export function checkIdentityLock(options: LockCheckOptions): LockOutcome {
  const read = readLock(options.dir, options.lockFile);
  if (read.problems.length > 0) return { problems: read.problems, next: {}, changes: [] };
  const committed = options.pipeline && read.lock ? lockGitProblems(options.dir, options.lockFile) : [];
  const outcome = reconcileLock({
    recorded: read.lock,
    environments: options.environments,
    environmentFiles: environmentFileNames(options.dir),
    allowed: options.allowed,
    pipeline: options.pipeline,
    lockFile: options.lockFile,
    now: options.now,
  });
  return { ...outcome, problems: [...committed, ...outcome.problems] };
}

/** The lock's file text: environments by name, fields in a fixed order, certificates by fingerprint. */
export function lockText(lock: IdentityLock): string {
  const entries = Object.entries(sortedLock(lock)).map(([name, e]) => [
    name,
    {
      account: e.account,
      roleName: e.roleName,
      samlProviderName: e.samlProviderName,
      entityId: e.entityId,
      signingCertificates:
        e.signingCertificates &&
        [...e.signingCertificates].sort((a, b) => compare(a.sha256, b.sha256)).map((c) => ({ sha256: c.sha256, subject: c.subject, notAfter: c.notAfter })),
    },
  ]);
  return `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`;
}

export function writeLock(dir: string, lock: IdentityLock): void {
  fs.writeFileSync(path.join(dir, LOCK_FILE), lockText(lock));
}

/** `prod, staging` from the variable's value. */
export function allowedChanges(value: string | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

// Code-unit order: the same on every machine, whatever its locale.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedLock(lock: IdentityLock): IdentityLock {
  return Object.fromEntries(Object.entries(lock).sort(([a], [b]) => compare(a, b)));
}
