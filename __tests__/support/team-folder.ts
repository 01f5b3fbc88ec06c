/**
 * A team's environments folder for the users commands' tests: `environments/team.yaml` holding
 * `text`, with dev's example metadata, made before each test of the file and removed after it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runUsersCli, type UsersCliOptions } from "../../lib/tools/users/cli";
import { EXAMPLES_DIR, TEST_NOW } from "./environments";

export interface TeamFolder {
  /** The temp folder (the project's root for the commands). */
  readonly work: string;
  /** `<work>/environments`. */
  readonly envDir: string;
}

/** Registers the folder's beforeEach and afterEach; `made` gets each test's folder. */
export function teamFolderForEachTest(prefix: string, text: string, made: (folder: TeamFolder) => void): void {
  let work: string | undefined;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const envDir = path.join(work, "environments");
    fs.mkdirSync(path.join(envDir, "metadata"), { recursive: true });
    fs.copyFileSync(path.join(EXAMPLES_DIR, "metadata", "dev.xml"), path.join(envDir, "metadata", "dev.xml"));
    fs.writeFileSync(path.join(envDir, "team.yaml"), text);
    made({ work, envDir });
  });
  afterEach(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });
}

/** `npm run users` in the folder (its environments, at TEST_NOW), with `options` for AWS; what it wrote. */
export async function runUsersIn(folder: TeamFolder, argv: string[], options: UsersCliOptions): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runUsersCli(
    argv,
    { CONNECT_SSO_ENVIRONMENTS: folder.envDir },
    { out: (t) => out.push(t), err: (l) => err.push(l) },
    { now: TEST_NOW, cwd: folder.work, ...options },
  );
  return { code, out: out.join(""), err };
}
