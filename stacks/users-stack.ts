/**
 * A users stack (`connect-sso-<env>-users-<n>`): a share of an environment's Connect users, so
 * that a plan refreshes only that share through Connect's rate-limited API.
 */
import { Construct } from "constructs";
import { stackName, usersStateKey } from "../lib/rules/naming";
import { usersStackName } from "../lib/rules/sharding";
import { ConnectInstance } from "../modules/connect-instance";
import { ConnectUsers } from "../modules/connect-users";
import { ValidationError } from "../modules/props";
import { EnvironmentStack, instanceById, usersOfThisStack, type EnvironmentStackProps } from "./environment-stack";

export interface UsersStackProps extends EnvironmentStackProps {
  /** Which users stack, 1..sharding.stacks (or up to previousStacks while users move out). */
  readonly stack: number;
}

export class UsersStack extends EnvironmentStack {
  constructor(scope: Construct, props: UsersStackProps) {
    const env = props.environment;
    super(scope, usersStackName(env.name, props.stack), props, (key) => usersStateKey(key, props.stack));
    const last = Math.max(env.sharding.stacks, env.sharding.previousStacks ?? 0);
    if (!Number.isInteger(props.stack) || props.stack < 1 || props.stack > last) {
      throw new ValidationError(this, `stack ${props.stack} is out of range; allowed: 1..${last} for ${stackName(env.name)}`);
    }
    // The main stack owns the instance; a created one is found here by its alias.
    const instance =
      env.connect.kind === "create"
        ? ConnectInstance.fromAlias(this, "connect_instance", { alias: env.connect.alias })
        : instanceById(this, env, env.connect.instanceId);
    new ConnectUsers(this, "connect_users", usersOfThisStack(env, props.stack, instance));
  }
}
