/**
 * Mock values for `data "aws_connect_user_hierarchy_group"` in generated `*.tftest.hcl` files: a mocked
 * provider invents a random hierarchy_path, which fails the look-up's postcondition (the path found must
 * equal the path written), so each look-up gets the path Connect would describe.
 */
import { hierarchyLevels, hierarchyPath } from "../../lib/rules/hierarchy";

/** hierarchy_path's blocks, top level first (hashicorp/aws 5.100 schema). */
const LEVEL_KEYS = ["level_one", "level_two", "level_three", "level_four", "level_five"];

/**
 * The `values` of an override_data for the group at `path` ("Americas/Seattle/Team A"): its ID and a
 * hierarchy_path naming every level from the top (the levels below it empty). `idOf` gives the ID of the
 * group at a path (the group's own and its parents'); ARNs are under `instanceArn`.
 */
export function hierarchyGroupMock(path: string, idOf: (path: string) => string, instanceArn: string): Record<string, unknown> {
  const levels = hierarchyLevels(path);
  const level = (i: number) => {
    const id = idOf(hierarchyPath(levels.slice(0, i + 1)));
    return [{ id, name: levels[i], arn: `${instanceArn}/agent-group/${id}` }];
  };
  return {
    hierarchy_group_id: idOf(path),
    hierarchy_path: [Object.fromEntries(LEVEL_KEYS.map((key, i) => [key, i < levels.length ? level(i) : []]))],
  };
}
