/**
 * Every stack of one environment: the main stack, then its users stacks (which apply after it),
 * and, with a `pipeline` section, its bootstrap stacks (applied by an administrator, not the pipeline):
 * one in the environment's account, and one in Identity Center's when that is another.
 */
import { Construct } from "constructs";
import type { Environment } from "../lib/config/environment";
import { BootstrapStack } from "./bootstrap-stack";
import { ConnectSsoStack } from "./connect-sso-stack";
import { IdentityCenterBootstrapStack } from "./identity-center-bootstrap-stack";
import type { EnvironmentStack } from "./environment-stack";
import { UsersStack } from "./users-stack";

export function environmentStacks(scope: Construct, environment: Environment, localStateDir?: string): EnvironmentStack[] {
  const main = new ConnectSsoStack(scope, { environment, localStateDir });
  // While users move out of stacks being retired, those stacks stay until the move is applied.
  const count = Math.max(environment.sharding.stacks, environment.sharding.previousStacks ?? 0);
  const users = Array.from({ length: count }, (_, i) => {
    const stack = new UsersStack(scope, { environment, localStateDir, stack: i + 1 });
    stack.addDependency(main);
    return stack;
  });
  const bootstrap = environment.pipeline ? [new BootstrapStack(scope, { environment, localStateDir })] : [];
  if (environment.pipeline && environment.identityCenter.account && environment.ssoApplication.applicationArn)
    bootstrap.push(new IdentityCenterBootstrapStack(scope, { environment, localStateDir }));
  return [main, ...users, ...bootstrap];
}
