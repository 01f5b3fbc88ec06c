/**
 * The bootstrap stack in Identity Center's account (`connect-sso-<env>-identity-center-bootstrap`),
 * for an environment whose Identity Center is in another account (`identityCenter.account`): the
 * roles the pipeline's plan and apply roles chain into there. That account's administrator applies
 * it once (and after changes to it), never the pipeline; its state stays local, as the bootstrap's.
 */
import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { identityCenterBootstrapStackName, identityCenterRoleName } from "../lib/rules/naming";
import { IDENTITY_CENTER_BOOTSTRAP_OUTPUTS, outputDescription, type StackOutput } from "../lib/rules/outputs";
import { identityCenterRolePolicy, pipelineRoleArns } from "../lib/rules/policies";
import { IdentityCenterRole } from "../modules/identity-center-role";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";

export class IdentityCenterBootstrapStack extends EnvironmentStack {
  constructor(scope: Construct, props: EnvironmentStackProps) {
    const env = props.environment;
    const account = env.identityCenter.account;
    if (!account || !env.pipeline) {
      throw new Error(
        `IdentityCenterBootstrapStack: environment ${env.name} has ${account ? "no pipeline section" : "no identityCenter.account"}; allowed: an environment with both (the roles trust the pipeline's)`,
      );
    }
    // Identity Center's account and home Region, with local state (see above).
    super(
      scope,
      identityCenterBootstrapStackName(env.name),
      { ...props, environment: { ...env, account, region: env.identityCenter.region, backend: undefined } },
      (key) => key,
    );
    const [plan, apply] = (["plan", "apply"] as const).map(
      (kind) =>
        new IdentityCenterRole(this, `${kind}_role`, {
          kind,
          roleName: identityCenterRoleName(env.name, kind),
          pipelineRoleArn: pipelineRoleArns(env, kind).pipeline,
          policy: identityCenterRolePolicy(env, kind),
          protect: env.protected,
        }),
    );
    const output = (o: StackOutput, value: string) => new TerraformOutput(this, o.name, { value, description: outputDescription(o, env) });
    output(IDENTITY_CENTER_BOOTSTRAP_OUTPUTS.planRoleArn, plan.arn);
    output(IDENTITY_CENTER_BOOTSTRAP_OUTPUTS.applyRoleArn, apply.arn);
  }
}
