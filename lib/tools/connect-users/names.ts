/**
 * The names behind the IDs a Connect user holds: security and routing profiles (one list each,
 * up to 1,000 a call), and the hierarchy groups users sit in (one DescribeUserHierarchyGroup per
 * group, which answers the group's whole path from the top level). The environment file names
 * profiles and groups by name, Connect's users by ID: this is the translation for adopting them.
 *
 * Like the bulk reader, a call the SDK gives up on becomes a ConnectReadError naming it; nothing
 * is guessed.
 */
import {
  ConnectClient,
  DescribeUserHierarchyGroupCommand,
  ListRoutingProfilesCommand,
  ListSecurityProfilesCommand,
  type HierarchyPath,
} from "@aws-sdk/client-connect";
import { ConnectReadError } from "./bulk-reader";

/** ListSecurityProfiles' and ListRoutingProfiles' MaxResults (MaxResult1000). */
const LIST_MAX_RESULTS = 1000;

export type NameOperation = "ListSecurityProfiles" | "ListRoutingProfiles" | "DescribeUserHierarchyGroup";

export interface InstanceNames {
  /** Security profile names by ID. */
  readonly securityProfiles: ReadonlyMap<string, string>;
  /** Routing profile names by ID. */
  readonly routingProfiles: ReadonlyMap<string, string>;
  /** The level names of each hierarchy group asked for, top level first, by group ID. */
  readonly hierarchyLevels: ReadonlyMap<string, ReadonlyArray<string>>;
  readonly calls: Readonly<Record<NameOperation, number>>;
}

const LEVELS = ["LevelOne", "LevelTwo", "LevelThree", "LevelFour", "LevelFive"] as const;

/** Reads the instance's profile names, and the paths of the hierarchy groups `hierarchyGroupIds` names. */
export async function readInstanceNames(
  options: { readonly instanceId: string; readonly region: string; readonly hierarchyGroupIds: Iterable<string> },
  client: ConnectClient = new ConnectClient({ region: options.region }),
): Promise<InstanceNames> {
  const { instanceId } = options;
  const calls: Record<NameOperation, number> = { ListSecurityProfiles: 0, ListRoutingProfiles: 0, DescribeUserHierarchyGroup: 0 };
  const send = async <T>(operation: NameOperation, call: () => Promise<T>): Promise<T> => {
    calls[operation] += 1;
    try {
      return await call();
    } catch (error) {
      const name = (error as { name?: string }).name ?? "Error";
      throw new ConnectReadError(`${operation} on Connect instance ${instanceId} failed: ${name}: ${(error as Error).message}`, { cause: error });
    }
  };
  /** Every page of a summary list, as name by ID; a page token answered twice would loop forever, so it is refused. */
  const list = async (
    operation: "ListSecurityProfiles" | "ListRoutingProfiles",
    page: (token: string | undefined) => Promise<{ items: ReadonlyArray<{ Id?: string; Name?: string }>; next?: string }>,
  ) => {
    const names = new Map<string, string>();
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const answer = await send(operation, () => page(token));
      for (const item of answer.items) {
        if (!item.Id || item.Name === undefined)
          throw new ConnectReadError(`${operation} on Connect instance ${instanceId} answered a summary without Id or Name.`);
        names.set(item.Id, item.Name);
      }
      token = answer.next || undefined;
      if (token !== undefined && seen.has(token))
        throw new ConnectReadError(`${operation} on Connect instance ${instanceId} answered the same NextToken twice.`);
      if (token !== undefined) seen.add(token);
    } while (token !== undefined);
    return names;
  };
  const securityProfiles = await list("ListSecurityProfiles", async (token) => {
    const answer = await client.send(new ListSecurityProfilesCommand({ InstanceId: instanceId, MaxResults: LIST_MAX_RESULTS, NextToken: token }));
    return { items: answer.SecurityProfileSummaryList ?? [], next: answer.NextToken };
  });
  const routingProfiles = await list("ListRoutingProfiles", async (token) => {
    const answer = await client.send(new ListRoutingProfilesCommand({ InstanceId: instanceId, MaxResults: LIST_MAX_RESULTS, NextToken: token }));
    return { items: answer.RoutingProfileSummaryList ?? [], next: answer.NextToken };
  });
  const hierarchyLevels = new Map<string, string[]>();
  for (const id of new Set(options.hierarchyGroupIds)) {
    const answer = await send("DescribeUserHierarchyGroup", () =>
      client.send(new DescribeUserHierarchyGroupCommand({ InstanceId: instanceId, HierarchyGroupId: id })),
    );
    hierarchyLevels.set(id, levelNames(answer.HierarchyGroup?.HierarchyPath, id, instanceId));
  }
  return { securityProfiles, routingProfiles, hierarchyLevels, calls };
}

/** A group's path as level names, top first; the path must end at the group itself. */
function levelNames(path: HierarchyPath | undefined, id: string, instanceId: string): string[] {
  const levels = LEVELS.map((key) => path?.[key]).filter((level) => level !== undefined);
  if (levels.some((level) => !level.Id || level.Name === undefined) || levels[levels.length - 1]?.Id !== id)
    throw new ConnectReadError(`DescribeUserHierarchyGroup on Connect instance ${instanceId} answered a path for group ${id} that does not end at that group.`);
  return levels.map((level) => level.Name!);
}
