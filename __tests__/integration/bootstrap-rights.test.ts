/**
 * The pipeline roles' rights against what Terraform really calls: each example's main stack is
 * applied and planned again on the sandbox (moto and the Connect / sso-admin fake, 127.0.0.1)
 * with the provider's debug log on, every AWS operation the provider sent is read from it, and
 * each must be allowed by the apply role's policy (for the apply) or the plan role's policy (for
 * the plan), and not denied. A provider upgrade that calls something new fails here, not in a
 * pipeline run with AccessDenied.
 *
 * What this cannot see: rights AWS checks behind an operation (Connect's CreateInstance calling
 * Directory Service), resource scoping (the log names operations, not ARNs: the policy tests
 * check resources), and operations of changes other than a first apply (updates, deletes).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Environment } from "../../lib/config/environment";
import { pipelinePolicy, type PipelineRoleKind } from "../../lib/rules/policies";
import { wildcardMatches } from "../../lib/synth/security/view";
import { exampleEnvironment } from "../support/environments";
import { startSandbox, type Sandbox } from "../support/sandbox";
import { removeTempDir, terraformSetup, type TerraformSetup } from "../support/terraform";
import { describeIfTools, missingTool } from "../support/tools";

/** IAM's service prefix of each service the provider's log names; the stacks' operations are named as their actions. */
const ACTION_PREFIX: Readonly<Record<string, string>> = { IAM: "iam", STS: "sts", Connect: "connect", "SSO Admin": "sso", identitystore: "identitystore" };
/** Needs no permission (AWS STS API reference: GetCallerIdentity). */
const ALWAYS_ALLOWED = new Set(["sts:GetCallerIdentity"]);

/** The IAM actions of the AWS requests in a terraform debug log, or the services it cannot name. */
function actionsInLog(file: string): { actions: Set<string>; unknown: Set<string> } {
  const actions = new Set<string>();
  const unknown = new Set<string>();
  // An entry starts with a timestamp; request bodies (SAML metadata) span lines.
  for (const entry of fs.readFileSync(file, "utf8").split(/\n(?=\d{4}-\d\d-\d\dT)/)) {
    if (!entry.includes("HTTP Request Sent")) continue;
    const service = /rpc\.service=(?:"([^"]+)"|(\S+))/.exec(entry);
    const method = /rpc\.method=(\w+)/.exec(entry)?.[1];
    const name = service?.[1] ?? service?.[2];
    const prefix = name === undefined ? undefined : ACTION_PREFIX[name];
    if (prefix === undefined || method === undefined) unknown.add(`${name}:${method}`);
    else actions.add(`${prefix}:${method}`);
  }
  return { actions, unknown };
}

/** Whether a policy lets an action through on some resource: an Allow names it, and no Deny on "*" does. */
function allowed(kind: PipelineRoleKind, env: Environment, action: string): boolean {
  const statements = pipelinePolicy(env, kind).Statement;
  const names = (s: Record<string, unknown>) => [s.Action].flat() as string[];
  const deniedEverywhere = statements.some((s) => s.Effect === "Deny" && s.Resource === "*" && names(s).some((a) => wildcardMatches(a, action, "action")));
  return !deniedEverywhere && statements.some((s) => s.Effect === "Allow" && names(s).some((a) => wildcardMatches(a, action, "action")));
}

describeIfTools(
  "the pipeline roles allow what terraform calls for the examples' main stacks (real apply and plan on the sandbox)",
  [missingTool("terraform", ["version"]), missingTool("moto_server", ["--help"])],
  () => {
    let setup: TerraformSetup;

    beforeAll(() => {
      setup = terraformSetup("connect-sso-rights");
    });
    afterAll(() => removeTempDir(setup?.root));

    // dev: an existing instance, no application; staging: a created instance, users assigned to the application.
    test.each(["dev", "staging"])(
      "GIVEN the %s example applied and planned again with the provider's debug log WHEN its AWS operations are read THEN the apply role allows every operation of the apply, and the plan role every operation of the plan",
      async (name) => {
        const env = exampleEnvironment(name);
        let sandbox: Sandbox | undefined;
        const logs = { apply: path.join(setup.root, `${name}-apply.log`), plan: path.join(setup.root, `${name}-plan.log`) };
        try {
          sandbox = await startSandbox(env, { setup });
          const workspace = await sandbox.workspace("rights", env);
          // The log goes to a file: terraform's own output stays as the sandbox reads it.
          Object.assign(setup.env, { TF_LOG: "debug", TF_LOG_PATH: logs.apply });
          await workspace.apply();
          Object.assign(setup.env, { TF_LOG_PATH: logs.plan });
          const plan = await workspace.plan();
          expect(plan.exitCode).toBe(0);
        } finally {
          delete setup.env.TF_LOG;
          delete setup.env.TF_LOG_PATH;
          await sandbox?.stop();
        }

        for (const kind of ["apply", "plan"] as const) {
          const { actions, unknown } = actionsInLog(logs[kind]);
          expect({ kind, servicesWithoutPrefix: [...unknown] }).toEqual({ kind, servicesWithoutPrefix: [] });
          // A log without the stack's own calls would prove nothing.
          expect([...actions]).toEqual(expect.arrayContaining(["iam:GetRole", "connect:DescribeUser"]));
          const refused = [...actions].filter((action) => !ALWAYS_ALLOWED.has(action) && !allowed(kind, env, action)).sort();
          expect({ role: kind, refused }).toEqual({ role: kind, refused: [] });
        }
      },
      300_000,
    );
  },
);
