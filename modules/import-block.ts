/**
 * A Terraform `import` block with `for_each` (Terraform >= 1.7): cdktf's `importFrom` only
 * imports a whole resource, not the instances of a `for_each` resource.
 */
import { Construct } from "constructs";
import { TerraformElement } from "cdktf";

export interface ImportBlockProps {
  /** Address expression of the instance to import into, such as `aws_connect_user.x[each.key]`. */
  readonly to: string;
  /** Import ID expression (known at plan time). */
  readonly id: string;
  /** Expression of the map or set to import over. */
  readonly forEach: string;
}

export class ImportBlock extends TerraformElement {
  constructor(scope: Construct, id: string, private readonly props: ImportBlockProps) {
    super(scope, id);
  }

  public toTerraform(): Record<string, unknown> {
    return { import: [{ for_each: this.props.forEach, to: this.props.to, id: this.props.id }] };
  }
}
