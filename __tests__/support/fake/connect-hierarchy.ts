/**
 * Connect user hierarchy groups: seeding (a test's addHierarchyGroup; CreateUserHierarchyGroup is not
 * implemented), ListUserHierarchyGroups and DescribeUserHierarchyGroup (what the provider's
 * `data "aws_connect_user_hierarchy_group"` calls), and the HierarchyGroupId check that CreateUser and
 * UpdateUserHierarchy make. A test sets a user's group out of band with setUserHierarchyGroup.
 */
import { randomUUID } from "node:crypto";
import { epochSeconds, getInstance, type ConnectState, type HierarchyGroupState, type InstanceState } from "./connect-state";
import { hierarchyPath } from "../../../lib/rules/hierarchy";
import { ApiError } from "./errors";
import { MAX_RESULT_1000, queryPage } from "./paging";
import { route, type Route } from "./server";

/** Levels of a hierarchy (API reference: HierarchyPath has LevelOne..LevelFive). */
const LEVEL_KEYS = ["LevelOne", "LevelTwo", "LevelThree", "LevelFour", "LevelFive"] as const;

/** The instance's hierarchy groups by ID, in the order they were made. */
function groupsOf(instance: InstanceState): Map<string, HierarchyGroupState> {
  instance.hierarchyGroups ??= new Map();
  return instance.hierarchyGroups;
}

/** The groups from the top level down to `group`. */
function pathOf(instance: InstanceState, group: HierarchyGroupState): HierarchyGroupState[] {
  const path = [group];
  for (let g = group; g.parentId !== undefined;) {
    g = groupsOf(instance).get(g.parentId)!;
    path.unshift(g);
  }
  return path;
}

/**
 * A group made as the console would (a test's seeding). Guess: names are unique among siblings only,
 * so the same name may sit under two parents (the API reference names DuplicateResourceException but
 * not its scope); hashicorp/aws 5.100's look-up by name then refuses the name ("too many results").
 */
export function addHierarchyGroup(instance: InstanceState, name: string, parentId?: string): HierarchyGroupState {
  const groups = groupsOf(instance);
  const parent = parentId === undefined ? undefined : groups.get(parentId);
  if (parentId !== undefined && !parent) throw new Error(`connect fake: no hierarchy group ${parentId} on instance ${instance.id}`);
  if (name.length < 1 || name.length > 100) throw new Error(`connect fake: hierarchy group name ${JSON.stringify(name)} must be 1..100 characters`);
  for (const g of groups.values()) {
    if (g.name === name && g.parentId === parentId) throw new Error(`connect fake: hierarchy group ${JSON.stringify(name)} already exists under that parent`);
  }
  const level = parent ? pathOf(instance, parent).length + 1 : 1;
  if (level > LEVEL_KEYS.length) throw new Error(`connect fake: a hierarchy has at most ${LEVEL_KEYS.length} levels`);
  const id = randomUUID();
  const group: HierarchyGroupState = {
    id,
    arn: `${instance.arn}/agent-group/${id}`,
    name,
    parentId,
    // Guess: the level's ID; AWS returns the ID of a level of the hierarchy structure.
    levelId: String(level),
    tags: {},
    lastModified: new Date(),
    region: instance.region,
  };
  groups.set(id, group);
  return group;
}

/** A HierarchyGroupId of CreateUser or UpdateUserHierarchy: none when absent or empty, else a group of the instance. */
// Guess: the error code for a group the instance does not have (the model lists ResourceNotFoundException and InvalidParameterException).
export function checkHierarchyGroup(instance: InstanceState, id: unknown): string | undefined {
  if (id === undefined || id === null || id === "") return undefined;
  if (typeof id !== "string" || !groupsOf(instance).has(id))
    throw new ApiError("ResourceNotFoundException", `Hierarchy group ${String(id)} does not exist on instance ${instance.id}.`);
  return id;
}

/** The group a test names by ID or by path from the top level ("Americas/Seattle/Team A"). */
export function findHierarchyGroup(instance: InstanceState, idOrPath: string): HierarchyGroupState | undefined {
  const groups = [...groupsOf(instance).values()];
  return groups.find((g) => g.id === idOrPath) ?? groups.find((g) => hierarchyPath(pathOf(instance, g).map((p) => p.name)) === idOrPath);
}

const summary = (g: HierarchyGroupState) => ({
  Id: g.id,
  Arn: g.arn,
  Name: g.name,
  LastModifiedTime: epochSeconds(g.lastModified),
  LastModifiedRegion: g.region,
});

export function hierarchyRoutes(state: ConnectState): Route[] {
  return [
    // Guess: summaries in the order the groups were made (AWS documents no order).
    route("GET", "/user-hierarchy-groups-summary/:InstanceId", "ListUserHierarchyGroups", ({ params, query }) => {
      const groups = [...groupsOf(getInstance(state, params.InstanceId)).values()].map(summary);
      return { body: queryPage(query, "UserHierarchyGroupSummaryList", groups, MAX_RESULT_1000) };
    }),

    route("GET", "/user-hierarchy-groups/:InstanceId/:HierarchyGroupId", "DescribeUserHierarchyGroup", ({ params }) => {
      const instance = getInstance(state, params.InstanceId);
      const group = groupsOf(instance).get(params.HierarchyGroupId);
      if (!group) throw new ApiError("ResourceNotFoundException", `Hierarchy group not found: ${params.HierarchyGroupId}`);
      const path = pathOf(instance, group);
      return {
        body: {
          HierarchyGroup: {
            ...summary(group),
            LevelId: group.levelId,
            HierarchyPath: Object.fromEntries(path.map((g, i) => [LEVEL_KEYS[i], summary(g)])),
            Tags: { ...group.tags },
          },
        },
      };
    }),
  ];
}
