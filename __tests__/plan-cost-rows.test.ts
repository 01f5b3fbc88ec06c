/**
 * The plan-cost rows of the blocks issue 10 added (hierarchy group look-ups, Identity Center group
 * look-ups, group assignments, "assignment required"), priced on the prod example, which has them
 * all (no tools). The rows themselves are measured on the fake and moto by
 * __tests__/integration/plan-cost.test.ts.
 */
import { costTableMarkdown } from "../lib/devtools/plan-cost/markdown";
import { planCost } from "../lib/devtools/plan-cost/model";
import { exampleEnvironment, synthStack } from "./support/environments";

const prod = exampleEnvironment("prod");
const stack = JSON.parse(synthStack(prod)) as Record<string, any>;

/** The prod example's distinct hierarchy groups, security and routing profiles (each is one look-up). */
const hierarchyGroups = new Set(prod.users.flatMap((u) => (u.hierarchyGroup === undefined ? [] : [u.hierarchyGroup]))).size;
const profiles = new Set(prod.users.flatMap((u) => u.securityProfiles)).size + new Set(prod.users.map((u) => u.routingProfile)).size;
const groups = prod.ssoApplication.groups?.length ?? 0;

describe("plan cost of hierarchy groups, Identity Center groups and assignment required (the prod example)", () => {
  test("GIVEN the prod example WHEN priced THEN each hierarchy group is listed and described, the group is found and its assignment read like a user's, and the setting read once", () => {
    expect([hierarchyGroups, profiles, groups, prod.users.length]).toEqual([3, 5, 1, 4]);
    const cost = planCost(stack);
    expect(cost.inventory.hierarchyGroups).toBe(hierarchyGroups);
    expect(cost.byOperation).toMatchObject({
      "connect:ListUserHierarchyGroups": hierarchyGroups,
      "connect:DescribeUserHierarchyGroup": hierarchyGroups,
      "identitystore:GetGroupId": groups,
      "identitystore:DescribeGroup": groups,
      "sso-admin:DescribeApplicationAssignment": prod.users.length + groups,
      "sso-admin:GetApplicationAssignmentConfiguration": 1,
    });
    // Users, the instance check (8), 3 calls per profile look-up and 2 per hierarchy group look-up.
    expect(cost.connect).toBe(prod.users.length + 8 + 3 * profiles + 2 * hierarchyGroups);
    // sso-admin: the identity store's instance, every assignment, the setting; identitystore: 2 per user and per group look-up.
    expect(cost.byApi).toEqual({
      connect: 33,
      "sso-admin": 1 + prod.users.length + groups + 1,
      identitystore: 2 * prod.users.length + 2 * groups,
      iam: 8,
      sts: 1,
    });
  });

  test("GIVEN an instance with 61 hierarchy groups WHEN priced THEN every look-up reads both pages of 60", () => {
    expect(planCost(stack, { inventory: { hierarchyGroups: 60 } }).byOperation["connect:ListUserHierarchyGroups"]).toBe(hierarchyGroups);
    expect(planCost(stack, { inventory: { hierarchyGroups: 61 } }).byOperation["connect:ListUserHierarchyGroups"]).toBe(2 * hierarchyGroups);
  });

  test("GIVEN plan -refresh=false WHEN priced THEN the assignments and the setting are not read, the look-ups still are", () => {
    const cost = planCost(stack, { refresh: false });
    expect(cost.byOperation["sso-admin:DescribeApplicationAssignment"]).toBeUndefined();
    expect(cost.byOperation["sso-admin:GetApplicationAssignmentConfiguration"]).toBeUndefined();
    expect(cost.byOperation["connect:DescribeUserHierarchyGroup"]).toBe(hierarchyGroups);
    expect(cost.byOperation["identitystore:GetGroupId"]).toBe(groups);
  });

  test("GIVEN the table WHEN rendered as Markdown THEN the hierarchy look-up says it pages over every group", () => {
    expect(costTableMarkdown()).toContain(
      "| data `aws_connect_user_hierarchy_group` (by name) | connect | every plan | ListUserHierarchyGroups x ceil(hierarchy groups / 60), DescribeUserHierarchyGroup",
    );
  });
});
