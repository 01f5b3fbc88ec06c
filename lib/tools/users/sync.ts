/**
 * `npm run users -- sync <env> [--group "<name>"]... [--remove-departed] [--summary <file.md>]`:
 * the members of the environment's Identity Center groups (identityCenter.syncGroups) merged into
 * its users with the CSV import's engine. New members are added with their group's profiles,
 * members' names follow Identity Center, nothing else of a user changes; users in none of the
 * groups are removed only with --remove-departed (which reads every group). Members that cannot
 * be users are reported (./members.ts says why). `--summary` writes the summary as Markdown, for
 * a pull request (`npm run sync-pr`).
 *
 * `sync --list` prints the environments that name syncGroups, as a JSON list (for the workflow).
 */
import * as path from "node:path";
import { loadEnvironments } from "../../config/load";
import { hasErrors } from "../../config/problems";
import { pipelineRoleArns } from "../../rules/policies";
import type { ToolIo } from "../io";
import { mergeUsers } from "../users-csv/merge";
import { FileProblems, load, problem, SourceError, UsageError, writeAtomically, writeChecked, type Place } from "./environment-file";
import { IdentityStoreReadError, readGroupMembers, type StoreAwsOptions } from "./identity-store";
import { summaryLines, summaryMarkdown, syncChanges, type SyncSummary } from "./members";

export interface SyncOptions {
  /** Groups to sync (each in identityCenter.syncGroups); empty: all of them. */
  readonly groups: ReadonlyArray<string>;
  readonly removeDeparted: boolean;
  /** Where to write the Markdown summary (resolved). */
  readonly summary?: string;
}

export async function syncUsers(name: string, place: Place, io: ToolIo, options: SyncOptions, aws: StoreAwsOptions = {}): Promise<number> {
  const env = load(name, place);
  const shown = place.shown(env.file);
  const { identityCenter } = env.environment;
  const syncGroups = identityCenter.syncGroups ?? [];
  const allowed = "identityCenter.syncGroups: [{ group, routingProfile, securityProfiles }], the Identity Center groups whose members are users here";
  if (syncGroups.length === 0) throw new FileProblems([problem(shown, `names no group to sync; allowed: ${allowed}`, "identityCenter.syncGroups")]);
  const unknown = options.groups.filter((g) => !syncGroups.some((s) => s.group === g));
  if (unknown.length > 0)
    throw new FileProblems(
      unknown.map((g) =>
        problem(
          shown,
          `--group ${JSON.stringify(g)} is not listed; add { group: ${JSON.stringify(g)}, routingProfile, securityProfiles } (the profiles its new members get), or name a listed group: ${syncGroups.map((s) => JSON.stringify(s.group)).join(", ")}`,
          "identityCenter.syncGroups",
        ),
      ),
    );
  const selected = options.groups.length > 0 ? syncGroups.filter((s) => options.groups.includes(s.group)) : syncGroups;
  // Who departed is only known from every group: a user in a group not read would be removed.
  if (options.removeDeparted && selected.length < syncGroups.length)
    throw new UsageError("--remove-departed reads every group of identityCenter.syncGroups; leave out --group");

  let read;
  try {
    read = await readGroupMembers(
      {
        region: identityCenter.region,
        identityStoreId: identityCenter.identityStoreId,
        // Identity Center in another account: the read-only role there (the scheduled sync runs as the plan role).
        assumeRoleArn: identityCenter.assumeRoleArn ?? (identityCenter.account ? pipelineRoleArns(env.environment, "plan").identityCenter : undefined),
        groups: selected.map((s) => s.group),
      },
      aws,
    );
  } catch (error) {
    if (error instanceof IdentityStoreReadError) throw new SourceError(error.message);
    throw error;
  }

  const changes = syncChanges({
    current: env.environment.users,
    syncGroups: selected,
    members: read.groups,
    users: read.users,
    removeDeparted: options.removeDeparted,
  });
  const merged = mergeUsers({
    text: env.text,
    current: env.environment.users,
    incoming: changes.incoming,
    fields: new Set(["firstName", "lastName"]),
    keepWhenEmpty: new Set(),
    replace: options.removeDeparted,
  });
  const summary: SyncSummary = {
    environment: name,
    file: shown,
    groups: selected.map((s) => ({ group: s.group, members: read.groups.get(s.group)?.length ?? 0 })),
    added: changes.added,
    renamed: changes.renamed,
    removed: changes.removed,
    skipped: changes.skipped,
    removeDeparted: options.removeDeparted,
  };
  const counted = Object.entries(read.calls)
    .filter(([, n]) => n > 0)
    .map(([op, n]) => `${op} ${n}`)
    .join(", ");
  io.err(`users: read ${read.users.size} members of ${selected.length} group(s) in identity store ${read.identityStoreId} (${counted})`);
  if (merged.text !== env.text) writeChecked(name, env, merged.text, place, io);
  if (options.summary) writeAtomically(options.summary, summaryMarkdown(summary));
  summaryLines(summary).forEach((line) => io.err(line));
  if (merged.text === env.text) io.err(`users: ${shown}: no changes`);
  return 0;
}

/** The environments that name identityCenter.syncGroups, as a JSON list on `out`. */
export function listSyncEnvironments(place: Place, io: ToolIo, cwd: string): number {
  const { environments, problems } = loadEnvironments({ dir: place.dir, now: place.now, cwd });
  if (hasErrors(problems)) throw new FileProblems(problems);
  io.out(`${JSON.stringify(environments.filter((e) => e.identityCenter.syncGroups?.length).map((e) => e.name))}\n`);
  return 0;
}

/** A summary file given on the command line, resolved; refused when it is an environment file (it would be overwritten). */
export function summaryPath(given: string | undefined, cwd: string, place: Place): string | undefined {
  if (given === undefined) return undefined;
  const file = path.resolve(cwd, given);
  if (path.dirname(file) === place.dir && /\.ya?ml$/.test(file))
    throw new UsageError(`--summary ${JSON.stringify(given)} is in the environments folder; allowed: a Markdown file elsewhere`);
  return file;
}
