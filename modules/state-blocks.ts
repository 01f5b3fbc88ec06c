/**
 * Terraform blocks that change state, not resources (import, moved, removed), in the forms cdktf
 * has no construct for: importing the instances of a `for_each` resource, and forgetting single
 * instances without destroying them.
 */
import { Construct } from "constructs";
import { TerraformElement } from "cdktf";

class StateBlock extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly kind: "import" | "moved" | "removed",
    private readonly bodies: ReadonlyArray<Record<string, unknown>>,
  ) {
    super(scope, id);
  }

  public toTerraform(): Record<string, unknown> {
    return { [this.kind]: [...this.bodies] };
  }
}

/** `moved { from, to }` blocks, one per pair: the state of `from` (when there is one) becomes `to`'s; nothing in AWS changes. */
export function movedInstances(scope: Construct, id: string, moves: ReadonlyArray<{ readonly from: string; readonly to: string }>): void {
  if (moves.length > 0)
    new StateBlock(
      scope,
      id,
      "moved",
      moves.map((m) => ({ from: m.from, to: m.to })),
    );
}

/** `import { for_each, to, id }` (Terraform >= 1.7): `to` and `id` may use `each`. */
export function importEach(scope: Construct, id: string, block: { readonly forEach: string; readonly to: string; readonly id: string }): void {
  new StateBlock(scope, id, "import", [{ for_each: block.forEach, to: block.to, id: block.id }]);
}

/**
 * Stops managing some instances of a `for_each` resource without destroying them. `removed`
 * takes no instance keys (hashicorp/terraform#34439), so each instance is first moved to a
 * resource this configuration does not declare, and that whole resource is removed with
 * `destroy = false`. Harmless to keep after apply: both blocks then match nothing.
 */
export function forgetInstances(scope: Construct, id: string, resource: { readonly type: string; readonly name: string }, keys: ReadonlyArray<string>): void {
  if (keys.length === 0) return;
  const parking = `${resource.type}.${resource.name}_forgotten`;
  movedInstances(
    scope,
    `${id}_moved`,
    keys.map((key) => ({ from: `${resource.type}.${resource.name}[${JSON.stringify(key)}]`, to: `${parking}[${JSON.stringify(key)}]` })),
  );
  new StateBlock(scope, `${id}_removed`, "removed", [{ from: parking, lifecycle: { destroy: false } }]);
}

/** One `import { to, id }` block per instance (no for_each): Terraform then resolves each target alone. */
export function importInstances(scope: Construct, id: string, blocks: ReadonlyArray<{ readonly to: string; readonly id: string }>): void {
  if (blocks.length > 0)
    new StateBlock(
      scope,
      id,
      "import",
      blocks.map((b) => ({ to: b.to, id: b.id })),
    );
}
