/**
 * A team's environments folder for the users commands' tests: `environments/team.yaml` holding
 * `text`, with dev's example metadata, made before each test of the file and removed after it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EXAMPLES_DIR } from "./environments";

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
