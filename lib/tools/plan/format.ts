/**
 * The parts of Terraform's JSON plan format (`terraform show -json <planfile>`, format_version 1.x)
 * that the review and drift read. read.ts checks a value has this shape before anything trusts it.
 */

export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: ReadonlyArray<ResourceChange>;
  readonly output_changes?: Readonly<Record<string, Change>>;
  /** Changes a refresh found outside Terraform (what drift reports). */
  readonly resource_drift?: ReadonlyArray<ResourceChange>;
  /** State before the plan, with the data sources the plan read (profile look-ups). */
  readonly prior_state?: { readonly values?: { readonly root_module?: StateModule } };
  /** Terraform would apply it (false for a plan without changes). */
  readonly applyable?: boolean;
  /** False when the plan leaves changes for later (-target, deferred changes). */
  readonly complete?: boolean;
  /** True when planning stopped on an error. */
  readonly errored?: boolean;
}

export interface StateModule {
  readonly resources?: ReadonlyArray<{ readonly mode: string; readonly type: string; readonly address: string; readonly values?: Record<string, unknown> }>;
  readonly child_modules?: ReadonlyArray<StateModule>;
}

export interface Change {
  readonly actions: ReadonlyArray<string>;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  /** Set when an import block brings the object under management. */
  readonly importing?: { readonly id?: string; readonly unknown?: boolean };
  /** Attribute paths that force a replacement (`[["name"]]`). */
  readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
}

export interface ResourceChange {
  readonly address: string;
  /** Where a `moved` block took the object from. */
  readonly previous_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly change: Change;
  readonly action_reason?: string;
}
