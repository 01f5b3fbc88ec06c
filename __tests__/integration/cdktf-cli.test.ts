/**
 * The cdktf CLI the README tells users to run (`npx cdktf synth|plan|apply`) starts on the
 * project's Node and synthesizes the app. Its terminal module, node-pty, ships prebuilt binaries up
 * to Node 22; on Node 24 npm compiles it at install (docs/reference/toolchain.md), and a binary built
 * for another Node stops every command but --version. Plan and apply need AWS; this proves the CLI itself runs.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXAMPLES_DIR, REPO } from "../support/environments";
import { makeTempDir, removeTempDir } from "../support/terraform";

let out: string;
beforeAll(() => (out = makeTempDir("cdktf-cli")));
afterAll(() => removeTempDir(out));

test("GIVEN the examples WHEN npx cdktf synth runs THEN it synthesizes every example stack, and prints no error", () => {
  // The CLI asks terraform for its version: an empty CLI configuration keeps it quiet and offline.
  const cliConfig = path.join(out, "terraformrc");
  fs.writeFileSync(cliConfig, "");
  const result = spawnSync(path.join(REPO, "node_modules", ".bin", "cdktf"), ["synth", "--output", out], {
    cwd: REPO,
    encoding: "utf8",
    timeout: 120_000,
    env: {
      ...process.env,
      CI: "",
      CHECKPOINT_DISABLE: "1",
      TF_CLI_CONFIG_FILE: cliConfig,
      CONNECT_SSO_ENVIRONMENTS: EXAMPLES_DIR,
      CONNECT_SSO_ALLOW_IDENTITY_CHANGE: "",
    },
  });
  expect({
    status: result.status,
    stderr: result.stderr.replace(/.*(NodeVersionSupportWarning|AWS SDK|node >=22|a\.co\/|trace-warnings|^\s*$).*\n?/gm, ""),
  }).toEqual({ status: 0, stderr: "" });
  expect(result.stdout).toMatch(/Generated Terraform code for the stacks: connect-sso-dev,/);
  expect(result.stdout).not.toMatch(/\[ERROR\]/);
  for (const stack of ["connect-sso-dev", "connect-sso-prod", "connect-sso-staging"])
    expect(fs.existsSync(path.join(out, "stacks", stack, "cdk.tf.json"))).toBe(true);
});

test("GIVEN the running Node WHEN the CLI's terminal module (node-pty) is loaded THEN it loads: synth, plan and apply start it", () => {
  const result = spawnSync(process.execPath, ["-e", "require('@cdktf/node-pty-prebuilt-multiarch')"], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
  // The loader's own words: "compiled against a different Node.js version" or "Cannot find module '../build/Release/pty.node'".
  const why = (/NODE_MODULE_VERSION \d+\. This version of Node\.js requires\s+NODE_MODULE_VERSION \d+/.exec(result.stderr) ??
    /Cannot find module '[^']*Release\/pty\.node'/.exec(result.stderr))?.[0];
  expect({ status: result.status, why: why?.replace(/\s+/g, " ") }).toEqual({ status: 0, why: undefined });
});
