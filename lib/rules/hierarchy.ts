/** Connect user hierarchy groups, named by their path from the top level: pure rules. */
import { TOKEN_MARKER } from "./literal";

/**
 * A user's hierarchy group, written as its path from the top level: level names joined by "/"
 * ("Americas/Seattle/Team A"). Connect has at most five levels; a group name is 1..100 characters
 * of any kind (API reference: CreateUserHierarchyGroup Name), so a name holding "/" or blanks at
 * either end cannot be told apart in a path and is refused.
 */
export const HIERARCHY = { separator: "/", maxLevels: 5, maxName: 100 } as const;

/** The level names of a hierarchy path, top level first. */
export const hierarchyLevels = (path: string): string[] => path.split(HIERARCHY.separator);

/**
 * A group's path from its level names (top level first), the inverse of hierarchyLevels; or why
 * the names cannot be written as a path.
 */
export function hierarchyPathOf(levels: ReadonlyArray<string>): { readonly path: string } | { readonly refused: string } {
  const holding = levels.find((level) => level.includes(HIERARCHY.separator));
  if (holding !== undefined)
    return { refused: `level ${JSON.stringify(holding)} holds "${HIERARCHY.separator}", which separates the levels of a path (rename the group in Connect)` };
  const path = levels.join(HIERARCHY.separator);
  const problem = hierarchyPathProblem(path);
  return problem === undefined ? { path } : { refused: problem };
}

/** Why a hierarchy path cannot name one group unambiguously (what is allowed), or undefined when it can. */
export function hierarchyPathProblem(path: string): string | undefined {
  const levels = hierarchyLevels(path);
  const bad = levels.find((l) => l.length < 1 || l.length > HIERARCHY.maxName || l.trim() !== l || TOKEN_MARKER.test(l));
  if (levels.length <= HIERARCHY.maxLevels && bad === undefined) return undefined;
  return (
    `allowed: 1..${HIERARCHY.maxLevels} level names joined by "${HIERARCHY.separator}" without blanks around it, from the top level, such as "Americas/Seattle/Team A"; ` +
    `each name 1..${HIERARCHY.maxName} characters, without "${HIERARCHY.separator}" or blanks at either end (rename such a group in Connect)` +
    (bad !== undefined ? `; level ${JSON.stringify(bad)} is not` : `; given ${levels.length} levels`)
  );
}
