/**
 * Which folder of environment files a command reads. `environments/` is the team's own; the
 * examples the project ships live in `examples/environments/`. A person who has not added an
 * environment yet gets the examples (so `npm run synth` works out of the box); a pipeline never
 * does (it would plan and apply fictional environments), and gets the team's folder, empty or not.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isPipelineRun } from "../rules/pipeline-run";

/** The team's environment files, relative to the project. */
export const ENVIRONMENTS_DIR = "environments";
/** The examples the project ships, relative to the project. */
export const EXAMPLE_ENVIRONMENTS_DIR = path.join("examples", "environments");

export interface EnvironmentsFolder {
  /** The folder, as given or relative to the project. */
  readonly dir: string;
  /** Set when the examples stand in for an empty `environments/`: a line to tell the person. */
  readonly notice?: string;
}

/** Whether a folder holds an environment file (`*.yaml` or `*.yml`). */
export function holdsEnvironments(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((name) => /\.ya?ml$/.test(name));
  } catch {
    return false;
  }
}

/** CONNECT_SSO_ENVIRONMENTS when set; else `environments/`, or the examples when it holds none and this is no pipeline run. */
export function environmentsFolder(variables: NodeJS.ProcessEnv, cwd: string): EnvironmentsFolder {
  if (variables.CONNECT_SSO_ENVIRONMENTS) return { dir: variables.CONNECT_SSO_ENVIRONMENTS };
  if (isPipelineRun(variables) || holdsEnvironments(path.resolve(cwd, ENVIRONMENTS_DIR)) || !holdsEnvironments(path.resolve(cwd, EXAMPLE_ENVIRONMENTS_DIR)))
    return { dir: ENVIRONMENTS_DIR };
  return {
    dir: EXAMPLE_ENVIRONMENTS_DIR,
    notice: `note: ${ENVIRONMENTS_DIR}/ holds no environment of yours yet: using the examples in ${EXAMPLE_ENVIRONMENTS_DIR}/ (add yours with npm run new-env)`,
  };
}
