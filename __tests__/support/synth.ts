/**
 * `npm run synth` in-process into a temp folder (in its own file: only the tests that synthesize
 * whole projects load the synth pipeline).
 */
import { synthesize } from "../../lib/synth/synth";
import { EXAMPLES_DIR, REPO, TEST_NOW } from "./environments";

export interface SynthRun {
  /** @default the examples */
  readonly environmentsDir?: string;
  /** @default the project's folder */
  readonly cwd?: string;
  readonly pipeline?: boolean;
  /** Environments whose identity change is allowed (--allow-identity-change). */
  readonly allow?: ReadonlyArray<string>;
}

/** `npm run synth` into `outdir`, in-process at TEST_NOW: its exit code and every line it logged. */
export function synthInto(outdir: string, run: SynthRun = {}): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = synthesize({
    environmentsDir: run.environmentsDir ?? EXAMPLES_DIR,
    outdir,
    now: TEST_NOW,
    cwd: run.cwd ?? REPO,
    allowIdentityChange: new Set(run.allow ?? []),
    pipeline: run.pipeline ?? false,
    log: (line) => lines.push(line),
  });
  return { code, lines };
}
