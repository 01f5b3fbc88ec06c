/**
 * Tests that need a tool this machine may lack: they report themselves skipped with the reason,
 * unless CONNECT_SSO_REQUIRE_TOOLS=1 (set by .ci/run), which turns every such skip into a failure.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The project's folder (package.json, scripts/, node_modules/). */
export const REPO = path.resolve(__dirname, "..", "..");

export const REQUIRE_TOOLS = process.env.CONNECT_SSO_REQUIRE_TOOLS === "1";
/**
 * `npm run test:scale` (CONNECT_SSO_SCALE=full; the workflow's nightly test job runs it): the scale
 * tests at the sizes (2,000 users). `npm test` runs them at 60 users, to stay within its time.
 */
export const SCALE = process.env.CONNECT_SSO_SCALE === "full" ? "full" : "small";
/** `full` at full scale, `small` otherwise. */
export const atScale = (full: number, small: number): number => (SCALE === "full" ? full : small);

/** Why a command cannot run here, or undefined when it can. */
export function missingTool(command: string, versionArgs: string[] = ["--version"]): string | undefined {
  const result = spawnSync(command, versionArgs, { encoding: "utf8", timeout: 30000 });
  if (result.error) return `${command} is not installed (${(result.error as NodeJS.ErrnoException).code ?? result.error.message})`;
  return undefined;
}

/** Why terraform cannot run here, or undefined. */
export const missingTerraform = (): string | undefined => missingTool("terraform", ["version"]);

/** Why a test of real terraform on moto_server (and the fake) cannot run here: one reason per missing tool. */
export const missingSandboxTools = (): Array<string | undefined> => [missingTerraform(), missingTool("moto_server", ["--help"])];

/** Folder holding registry.terraform.io/hashicorp/aws/5.100.0 offline, or undefined (then terraform downloads it). */
export function providerMirror(): string | undefined {
  const candidates = [process.env.CONNECT_SSO_TF_PLUGIN_DIR, "/opt/tf-plugins", path.join(process.env.HOME ?? "", ".terraform.d", "plugins")];
  return candidates.find((dir) => dir && fs.existsSync(path.join(dir, "registry.terraform.io", "hashicorp", "aws", "5.100.0")));
}

/**
 * `describe` when every reason list is empty; otherwise a skipped describe naming the reasons,
 * or, with CONNECT_SSO_REQUIRE_TOOLS=1, a failing test naming them.
 */
export function describeIfTools(name: string, reasons: Array<string | undefined>, body: () => void): void {
  const missing = reasons.filter((r): r is string => Boolean(r));
  if (missing.length === 0) {
    describe(name, body);
  } else if (REQUIRE_TOOLS) {
    describe(name, () => {
      test("has the tools it needs (CONNECT_SSO_REQUIRE_TOOLS=1)", () => {
        throw new Error(`cannot run: ${missing.join("; ")}`);
      });
    });
  } else {
    describe.skip(`${name} [skipped: ${missing.join("; ")}]`, body);
  }
}
