/**
 * The cost table: the calls hashicorp/aws makes per block instance when terraform plans. The
 * numbers are data (hashicorp-aws-5.100.0.json), so a provider upgrade is a data-only diff; this
 * file says what the data means and checks it when it loads: a table it does not understand is
 * refused, never priced at zero.
 *
 * A row prices one block type (`resource`, `data` or `provider`), or one variant of it
 * (`selectedBy`: only blocks that set that argument). `calls` gives, per operation, the calls of
 * one instance: a number; `{ pages, pageSize }`: one list call per page of an inventory count
 * (lists read every page); or `{ instancesOf }`: one call per instance of that resource type in the
 * same stack (a role reading its inline policies).
 */
import { z } from "zod";
import data from "./hashicorp-aws-5.100.0.json";

/** Where the table lives, for messages that ask to extend it. */
export const COST_TABLE_FILE = "lib/devtools/plan-cost/hashicorp-aws-5.100.0.json";

/** The APIs a plan talks to; only `connect` is under Connect's 2 requests/s. */
export const APIS = ["connect", "sso-admin", "identitystore", "iam", "sts"] as const;
export type Api = (typeof APIS)[number];

/**
 * When terraform makes a block's calls, which follows from the block:
 * - `refresh` (resources): reading a managed resource instance that is in state. `terraform plan`
 *   and `plan -refresh-only` do it for every instance; `plan -refresh=false` skips it. An instance
 *   an `import` block brings in is read once instead (also under -refresh=false).
 * - `every plan` (data sources): read by every plan whatever the refresh flag.
 * - `configure` (provider blocks): once per provider block per plan.
 */
export type When = "refresh" | "every plan" | "configure";

const BLOCKS = ["resource", "data", "provider"] as const;
const WHEN: Readonly<Record<(typeof BLOCKS)[number], When>> = { resource: "refresh", data: "every plan", provider: "configure" };

/**
 * What the Connect instance (and account) holds: list calls read every page, so their cost grows
 * with these counts, not with the stack.
 */
export interface ConnectInventory {
  /** Users on the instance: each by-name user look-up (data aws_connect_user) lists all of them. */
  readonly users: number;
  /** Security profiles on the instance. */
  readonly securityProfiles: number;
  /** Routing profiles on the instance. */
  readonly routingProfiles: number;
  /** Permissions of a looked-up security profile (AWS's Admin profile has more than 60). */
  readonly permissionsPerSecurityProfile: number;
  /** Queues of a looked-up routing profile. */
  readonly queuesPerRoutingProfile: number;
  /** Connect instances in the account and Region (look-up by alias lists them). */
  readonly instances: number;
  /** User hierarchy groups on the instance, at every level: each look-up by name lists all of them. */
  readonly hierarchyGroups: number;
}

const INVENTORY_KEYS = [
  "users",
  "securityProfiles",
  "routingProfiles",
  "permissionsPerSecurityProfile",
  "queuesPerRoutingProfile",
  "instances",
  "hierarchyGroups",
] as const satisfies ReadonlyArray<keyof ConnectInventory>;

/** Calls of one instance for one operation (see the file comment). */
export type CallCount = number | { readonly pages: keyof ConnectInventory; readonly pageSize: number } | { readonly instancesOf: string };

export interface CostRow {
  readonly block: (typeof BLOCKS)[number];
  readonly type: string;
  /** A variant of the type (e.g. how an instance is looked up); one row per variant. */
  readonly variant?: string;
  /** The row prices only blocks that set this argument; without it, every block of the type. */
  readonly selectedBy?: string;
  readonly api: Api;
  readonly when: When;
  /** Calls per instance, by operation. */
  readonly calls: Readonly<Record<string, CallCount>>;
  /** For people: what the numbers leave unsaid. */
  readonly note?: string;
}

export interface CostTable {
  /** The provider and version the table was measured with, e.g. `hashicorp/aws 5.100.0`. */
  readonly provider: string;
  /** Page sizes the provider asks for in list calls. */
  readonly pageSizes: { readonly connect: number; readonly connectInstances: number };
  readonly rows: ReadonlyArray<CostRow>;
}

const NAME = /^[a-z][a-z0-9_]*$/;
const pageSize = z.number().int().min(1);
const callCount = z.union(
  [
    z.number().int().min(0),
    z.strictObject({ pages: z.enum(INVENTORY_KEYS), pageSize: z.enum(["connect", "connectInstances"]) }),
    z.strictObject({ instancesOf: z.string().regex(NAME) }),
  ],
  {
    error: `allowed: a whole number >= 0, { "pages": one of ${INVENTORY_KEYS.join(", ")}, "pageSize": "connect" | "connectInstances" }, or { "instancesOf": a resource type }`,
  },
);
const tableSchema = z
  .strictObject({
    provider: z.string().min(1),
    description: z.string(),
    pageSizes: z.strictObject({ connect: pageSize, connectInstances: pageSize }),
    rows: z
      .array(
        z.strictObject({
          block: z.enum(BLOCKS),
          type: z.string().regex(NAME),
          variant: z.string().min(1).optional(),
          selectedBy: z.string().regex(NAME).optional(),
          api: z.enum(APIS),
          calls: z.record(z.string().regex(/^[A-Z][A-Za-z]+$/), callCount, { error: "must map operation names (AWS's, e.g. DescribeUser) to call counts" }),
          note: z.string().min(1).optional(),
        }),
      )
      .min(1),
  })
  .superRefine((table, ctx) => {
    table.rows.forEach((row, i) => {
      // Rows are tried in order, so a row behind one that takes every such block would never price anything.
      const earlier = table.rows
        .slice(0, i)
        .find((e) => e.block === row.block && e.type === row.type && (e.selectedBy === undefined || e.selectedBy === row.selectedBy));
      if (earlier) {
        ctx.addIssue({
          code: "custom",
          path: ["rows", i],
          message: `unreachable: row ${table.rows.indexOf(earlier)} already prices every ${row.block} ${row.type}${earlier.selectedBy ? ` that sets ${earlier.selectedBy}` : ""}`,
        });
      }
      if (Object.keys(row.calls).length === 0)
        ctx.addIssue({ code: "custom", path: ["rows", i, "calls"], message: "no operations: a block that costs nothing is not priced here" });
    });
  });

/** The table in `json` (from `source`, for messages), checked; throws an Error naming every problem by path. */
export function readCostTable(json: unknown, source: string): CostTable {
  const parsed = tableSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`);
    throw new Error(`plan-cost: ${source} is not a cost table this model can read:\n  ${problems.join("\n  ")}`);
  }
  const { provider, pageSizes, rows } = parsed.data;
  return {
    provider,
    pageSizes,
    rows: rows.map((row) => ({
      ...row,
      when: WHEN[row.block],
      calls: Object.fromEntries(
        Object.entries(row.calls).map(([op, count]) => [
          op,
          typeof count === "object" && "pages" in count ? { ...count, pageSize: pageSizes[count.pageSize] } : count,
        ]),
      ),
    })),
  };
}

const TABLE = readCostTable(data, COST_TABLE_FILE);

/** The provider the table was measured with. */
export const COST_TABLE_PROVIDER = TABLE.provider;
/** Calls per instance per plan, by block, tried in order. */
export const COST_TABLE: ReadonlyArray<CostRow> = TABLE.rows;
/** Page size the provider asks for in Connect list calls (ListUsers, ListSecurityProfiles, ...). */
export const CONNECT_PAGE_SIZE = TABLE.pageSizes.connect;
/** Page size of ListInstances in the provider (look-up of an instance by alias). */
export const LIST_INSTANCES_PAGE_SIZE = TABLE.pageSizes.connectInstances;

/**
 * The calls of one instance of `row`, by operation: list calls priced with `inventory` (one per
 * page, at least one: an empty list is one call), `instancesOf` terms with `instancesOf`.
 */
export function callsPerInstance(row: CostRow, inventory: ConnectInventory, instancesOf: (resourceType: string) => number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(row.calls).map(([op, count]) => [
      op,
      typeof count === "number" ? count : "pages" in count ? Math.max(1, Math.ceil(inventory[count.pages] / count.pageSize)) : instancesOf(count.instancesOf),
    ]),
  );
}
