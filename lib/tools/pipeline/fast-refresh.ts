/**
 * The fast refresh before a merge-time plan. A refreshing plan reads every
 * Connect user with one DescribeUser; this reads the stack's users in bulk (SearchUsers pages, see
 * lib/tools/connect-users/bulk-reader.ts), compares them with the state as fast drift does
 * (lib/tools/drift/compare.ts), and refreshes in state only what a refresh would change: the users that
 * differ or that Connect no longer has, plus every other managed resource (few: the IAM role and
 * policies, the SAML provider, assignments, a created instance), with targeted
 * `terraform apply -refresh-only`. The plan then runs with `-refresh=false` and shows what a full
 * refreshing plan shows (proven in __tests__/integration/fast-refresh.test.ts).
 *
 * `apply -refresh-only` WRITES the state: only a plan that holds the state lock, with the apply
 * role, may use it (the merge-time plan of the apply job, never a pull request's `--no-lock` plan).
 */
import { ConnectReadError } from "../connect-users/bulk-reader";
import { activeMoves, needsRefresh, readStackState, regionOf, StateFormatError } from "../drift/compare";
import { answerLookup, callSummary, instanceRequests, readInstances } from "../drift/read-users";

/** Configuration blocks the fast path was not proven with (adoption, users moving between stacks): such a stack gets a full refreshing plan. */
const UNPROVEN_BLOCKS = ["import", "removed"] as const;

/** `-target`s per `apply -refresh-only`: keeps each command line far below the system's limit, whatever the number of changed users. */
export const TARGETS_PER_REFRESH = 500;

/** What to refresh before the plan: the fast path's targets, or a full refreshing plan and why. */
export type RefreshDecision =
  | {
      readonly kind: "fast";
      /** Addresses to refresh: the changed or missing users, then every other managed resource; empty when the state holds nothing to refresh. */
      readonly targets: ReadonlyArray<string>;
      /** Users (of `targets`) whose Connect values differ from the state or that Connect no longer has. */
      readonly changedUsers: ReadonlyArray<string>;
      /** Users of the state compared with Connect. */
      readonly comparedUsers: number;
      /** The bulk read's Connect calls, per instance. */
      readonly calls: string;
    }
  | { readonly kind: "full"; readonly reason: string };

/**
 * Decides what to refresh from the synthesized stack (`cdk.tf.json`) and `terraform show -json` of
 * its state. Fails closed: a state it cannot read, a bulk read that fails, or blocks it was not
 * proven with give `full` with the reason.
 */
export async function decideRefresh(stackJson: unknown, shownState: unknown, read = readInstances): Promise<RefreshDecision> {
  const blocks = UNPROVEN_BLOCKS.filter((block) => {
    const value = (stackJson as Record<string, unknown> | null)?.[block];
    return Array.isArray(value) ? value.length > 0 : value !== undefined;
  });
  if (blocks.length > 0) return { kind: "full", reason: `the configuration has ${blocks.join(", ")} blocks, which the fast refresh was not proven with` };
  try {
    const state = readStackState(shownState);
    // A moved block is inert unless the state holds its `from` (the users blocks carry one per user: CONNECT_USER_BLOCKS).
    const moving = activeMoves(stackJson, state);
    if (moving.length > 0)
      return {
        kind: "full",
        reason: `the configuration moves ${moving.length} resource(s) of the state (${moving[0]}, …), which the fast refresh was not proven with`,
      };
    const region = regionOf(stackJson);
    const answers = await read(instanceRequests([{ state, region }]));
    const answerOf = answerLookup(answers);
    const changedUsers = state.users.filter((user) => needsRefresh(user, answerOf(region, user))).map((user) => user.address);
    return { kind: "fast", targets: [...changedUsers, ...state.otherAddresses], changedUsers, comparedUsers: state.users.length, calls: callSummary(answers) };
  } catch (error) {
    if (error instanceof StateFormatError) return { kind: "full", reason: `the state could not be read: ${error.message}` };
    if (error instanceof ConnectReadError) return { kind: "full", reason: `the bulk read of the Connect users failed: ${error.message}` };
    throw error;
  }
}

/** terraform in the stack's folder: `capture` returns its stdout instead of printing it. */
export type TerraformRun = (args: string[], capture?: boolean) => { readonly status: number | null; readonly stdout: string };

/**
 * The fast refresh of one inited stack: reads its state, decides, and runs the targeted
 * `apply -refresh-only` (in batches of {@link TARGETS_PER_REFRESH}). Returns the arguments its plan
 * takes (`-refresh=false`, or none for a full refreshing plan, logged with the reason), or 1 when
 * terraform failed (logged).
 */
export async function fastRefresh(
  stack: string,
  stackJson: unknown,
  terraform: TerraformRun,
  log: (line: string) => void,
  read = readInstances,
): Promise<string[] | 1> {
  const shown = terraform(["show", "-json"], true);
  if (shown.status !== 0) {
    log(`pipeline: ${stack}: terraform show -json failed (exit ${shown.status})`);
    return 1;
  }
  let decision: RefreshDecision;
  try {
    decision = await decideRefresh(stackJson, JSON.parse(shown.stdout), read);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    decision = { kind: "full", reason: `terraform show -json gave no JSON: ${error.message}` };
  }
  if (decision.kind === "full") {
    log(`pipeline: ${stack}: fast refresh not used: ${decision.reason}; planning with a full refresh`);
    return [];
  }
  log(
    `pipeline: ${stack}: fast refresh: ${decision.comparedUsers} Connect user(s) compared in bulk (Connect calls: ${decision.calls}), ` +
      `${decision.changedUsers.length} changed or missing; refreshing ${decision.targets.length} resource(s) in state, then planning with -refresh=false`,
  );
  for (let i = 0; i < decision.targets.length; i += TARGETS_PER_REFRESH) {
    const batch = decision.targets.slice(i, i + TARGETS_PER_REFRESH);
    const refreshed = terraform(["apply", "-refresh-only", "-auto-approve", "-input=false", ...batch.map((address) => `-target=${address}`)]);
    if (refreshed.status !== 0) {
      log(`pipeline: ${stack}: terraform apply -refresh-only failed (exit ${refreshed.status})`);
      return 1;
    }
  }
  return ["-refresh=false"];
}
