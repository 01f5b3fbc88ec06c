/**
 * The pipeline roles' rights against what Terraform really calls: each example's main stack is
 * applied and planned again on the sandbox (moto and the Connect / sso-admin fake, 127.0.0.1),
 * every AWS request that reaches them is recorded (the fake's request log, and a counting proxy in
 * front of moto), and each operation must be allowed by the apply role's policy (for the apply) or
 * the plan role's policy (for the plan), and not denied. A provider upgrade that calls something
 * new fails here, not in a pipeline run with AccessDenied.
 *
 * What this cannot see: rights AWS checks behind an operation (Connect's CreateInstance calling
 * Directory Service), resource scoping (the log names operations, not ARNs: the policy tests
 * check resources), and operations of changes other than a first apply (updates, deletes).
 */
import type { Environment } from "../../lib/config/environment";
import { pipelinePolicy, type PipelineRoleKind } from "../../lib/rules/policies";
import { wildcardMatches } from "../../lib/synth/security/view";
import { exampleEnvironment } from "../support/environments";
import { startCountingProxy, type CountingProxy } from "../support/counting-proxy";
import { writeProviderOverride, type ConnectFake } from "../support/fake";
import { startSandbox, type Sandbox } from "../support/sandbox";
import { removeTempDir, terraformSetup, type TerraformSetup } from "../support/terraform";
import { describeIfTools, missingSandboxTools } from "../support/tools";

/** IAM's service prefix of each service as the recordings name it (moto's by credential scope; the fake's sso-admin ones as `sso-admin:`). */
const ACTION_PREFIX: Readonly<Record<string, string>> = { iam: "iam", sts: "sts", identitystore: "identitystore", "sso-admin": "sso" };
/** Needs no permission (AWS STS API reference: GetCallerIdentity). */
const ALWAYS_ALLOWED = new Set(["sts:GetCallerIdentity"]);

/** The IAM actions of the requests moto (through the proxy) and the fake saw, or the ones they cannot name. */
function recordedActions(proxy: CountingProxy, fake: ConnectFake): { actions: Set<string>; unknown: Set<string> } {
  const actions = new Set<string>();
  const unknown = new Set<string>();
  const fakeOperations = Object.keys(fake.operationCounts()).map((op) => (op.includes(":") || op === "UNIMPLEMENTED" ? op : `connect:${op}`));
  for (const recorded of [...Object.keys(proxy.counts()), ...fakeOperations]) {
    const [service, operation] = recorded.split(":");
    const prefix = service === "connect" ? "connect" : ACTION_PREFIX[service];
    if (prefix === undefined || !operation || !/^\w+$/.test(operation)) unknown.add(recorded);
    else actions.add(`${prefix}:${operation}`);
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
  missingSandboxTools(),
  () => {
    let setup: TerraformSetup;

    beforeAll(() => {
      setup = terraformSetup("connect-sso-rights");
    });
    afterAll(() => removeTempDir(setup?.root));

    // dev: an existing instance, no application; staging: a created instance, users assigned to the application.
    test.each(["dev", "staging"])(
      "GIVEN the %s example applied and planned again with every request recorded WHEN its AWS operations are read THEN the apply role allows every operation of the apply, and the plan role every operation of the plan",
      async (name) => {
        const env = exampleEnvironment(name);
        let sandbox: Sandbox | undefined;
        let proxy: CountingProxy | undefined;
        const seen: Partial<Record<"apply" | "plan", ReturnType<typeof recordedActions>>> = {};
        try {
          sandbox = await startSandbox(env, { setup });
          proxy = await startCountingProxy(sandbox.moto.url);
          const workspace = await sandbox.workspace("rights", env);
          writeProviderOverride(workspace.dir, { connectUrl: sandbox.fake.url, motoUrl: proxy.url });
          const recording = async (kind: "apply" | "plan", step: () => Promise<unknown>) => {
            proxy!.reset();
            sandbox!.fake.resetCounts();
            await step();
            seen[kind] = recordedActions(proxy!, sandbox!.fake);
          };
          await recording("apply", () => workspace.apply());
          await recording("plan", async () => expect((await workspace.plan()).exitCode).toBe(0));
        } finally {
          await proxy?.stop();
          await sandbox?.stop();
        }

        for (const kind of ["apply", "plan"] as const) {
          const { actions, unknown } = seen[kind]!;
          expect({ kind, servicesWithoutPrefix: [...unknown] }).toEqual({ kind, servicesWithoutPrefix: [] });
          // A recording without the stack's own calls would prove nothing.
          expect([...actions]).toEqual(expect.arrayContaining(["iam:GetRole", "connect:DescribeUser"]));
          const refused = [...actions].filter((action) => !ALWAYS_ALLOWED.has(action) && !allowed(kind, env, action)).sort();
          expect({ role: kind, refused }).toEqual({ role: kind, refused: [] });
        }
      },
      300_000,
    );
  },
);
