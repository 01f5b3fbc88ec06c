/** Hierarchy group paths: level names joined by "/", a "/" or "\" inside a name escaped with "\" (lib/rules/hierarchy.ts). */
import { hierarchyLevels, hierarchyPath, hierarchyPathProblem } from "../lib/rules/hierarchy";

test.each([
  ["Americas/Seattle/Team A", ["Americas", "Seattle", "Team A"]],
  ["Americas/Sales\\/Service", ["Americas", "Sales/Service"]],
  ["Ops\\\\Night/Tier 1", ["Ops\\Night", "Tier 1"]],
  ["none", ["none"]],
])("GIVEN the path %j WHEN split THEN its levels are %j, and joined again it is the same path", (path, levels) => {
  expect(hierarchyLevels(path)).toEqual(levels);
  expect(hierarchyPath(levels)).toBe(path);
  expect(hierarchyPathProblem(path)).toBeUndefined();
});

test.each([
  ["Americas//Team A", /level "" is not/],
  ["Americas/Sales\\Service", /a "\\" must be followed by "\/" or "\\"/],
  ["A/B/C/D/E/F", /given 6 levels/],
  [" Americas/Seattle", /level " Americas" is not/],
  [`Americas/${"x".repeat(101)}`, /each name 1\.\.100 characters/],
])("GIVEN the path %j WHEN checked THEN it is refused, saying what is allowed", (path, message) => {
  expect(hierarchyPathProblem(path)).toMatch(message);
  expect(hierarchyPathProblem(path)).toMatch(/^allowed: /);
});
