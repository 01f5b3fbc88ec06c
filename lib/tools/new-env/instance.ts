/**
 * What `--instance` names: an existing instance by ID or ARN, or an alias for a new one.
 */
import { CONNECT_INSTANCE_ALIAS, CONNECT_INSTANCE_ID } from "../../rules/naming";

export type InstanceChoice = { readonly kind: "existing"; readonly id: string } | { readonly kind: "create"; readonly alias: string };

const INSTANCE_ARN = /^arn:(aws|aws-cn|aws-us-gov):connect:([a-z0-9-]+):(\d{12}):instance\/([0-9a-f-]{36})$/;

/** The instance `value` names, or why it names none (an ARN of another account or Region says which). */
export function instanceChoice(value: string, account: string, region: string): InstanceChoice | string {
  if (CONNECT_INSTANCE_ID.test(value)) return { kind: "existing", id: value };
  const arn = INSTANCE_ARN.exec(value);
  if (arn) {
    const [, , arnRegion, arnAccount, id] = arn;
    if (arnAccount !== account || arnRegion !== region)
      return `--instance ${value} is an instance of account ${arnAccount} in ${arnRegion}, not of --account ${account} in --region ${region}`;
    return CONNECT_INSTANCE_ID.test(id) ? { kind: "existing", id } : `--instance ${value} holds ${id}, which is not an instance ID (a lowercase UUID)`;
  }
  if (CONNECT_INSTANCE_ALIAS.test(value)) return { kind: "create", alias: value };
  return `--instance ${JSON.stringify(value)} is neither an instance ID (a lowercase UUID), an instance ARN (arn:aws:connect:<region>:<account>:instance/<id>), nor an alias for a new instance (1..45 letters, digits and inner hyphens)`;
}
