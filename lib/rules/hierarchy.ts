/** Connect user hierarchy groups, named by their path from the top level: pure rules. */
import { TOKEN_MARKER } from "./literal";

/**
 * A user's hierarchy group, written as its path from the top level: level names joined by "/"
 * ("Americas/Seattle/Team A"). Connect has at most five levels; a group name is 1..100 characters
 * of any kind (API reference: CreateUserHierarchyGroup Name), so in a path a "/" inside a name is
 * written "\/" and a "\" is written "\\" ("Sales\/Service" is the one group "Sales/Service").
 */
export const HIERARCHY = { separator: "/", escape: "\\", maxLevels: 5, maxName: 100 } as const;

/**
 * A user's `hierarchyGroup` that clears the group. Without the key, the console's group stays: a
 * file may manage some users' groups and leave others' to the console.
 */
export const NO_HIERARCHY_GROUP = "none";

/** The level names of a hierarchy path, top level first, unescaped (a "\" before anything but "/" or "\" stays; hierarchyPathProblem refuses it). */
export function hierarchyLevels(path: string): string[] {
  const levels = [""];
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    const next = path[i + 1];
    if (c === HIERARCHY.escape && (next === HIERARCHY.separator || next === HIERARCHY.escape)) {
      levels[levels.length - 1] += next;
      i++;
    } else if (c === HIERARCHY.separator) levels.push("");
    else levels[levels.length - 1] += c;
  }
  return levels;
}

/** A level name as a path writes it: "\" and "/" escaped with "\". */
export const escapeLevel = (name: string): string => name.replace(/\\/g, "\\\\").replace(/\//g, "\\/");

/** The path of these level names, top level first: the inverse of hierarchyLevels. */
export const hierarchyPath = (levels: ReadonlyArray<string>): string => levels.map(escapeLevel).join(HIERARCHY.separator);

/**
 * A group's path from the level names Connect holds (top level first, "/" escaped); or why they
 * cannot name it (such as blanks at either end of a name).
 */
export function hierarchyPathOf(levels: ReadonlyArray<string>): { readonly path: string } | { readonly refused: string } {
  const path = hierarchyPath(levels);
  const problem = hierarchyPathProblem(path);
  return problem === undefined ? { path } : { refused: problem };
}

/** Why a hierarchy path cannot name one group unambiguously (what is allowed), or undefined when it can. */
export function hierarchyPathProblem(path: string): string | undefined {
  const levels = hierarchyLevels(path);
  const badEscape = /\\(?![\\/])/.test(path.replace(/\\[\\/]/g, ""));
  const bad = levels.find((l) => l.length < 1 || l.length > HIERARCHY.maxName || l.trim() !== l || TOKEN_MARKER.test(l));
  if (levels.length <= HIERARCHY.maxLevels && bad === undefined && !badEscape) return undefined;
  return (
    `allowed: 1..${HIERARCHY.maxLevels} level names joined by "${HIERARCHY.separator}" without blanks around it, from the top level, such as "Americas/Seattle/Team A"; ` +
    `each name 1..${HIERARCHY.maxName} characters without blanks at either end, a "/" in a name written "\\/" and a "\\" written "\\\\"` +
    (badEscape ? `; a "\\" must be followed by "/" or "\\"` : bad !== undefined ? `; level ${JSON.stringify(bad)} is not` : `; given ${levels.length} levels`)
  );
}
