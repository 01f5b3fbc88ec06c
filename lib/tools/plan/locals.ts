/**
 * Stacks keep large `for_each` maps in `locals` (Terraform evaluates an inline map again for each
 * instance): readers that count instances from the JSON see them through this.
 */
type Json = Record<string, unknown>;

const LOCAL_REFERENCE = /^\$\{local\.([A-Za-z_][\w-]*)\}$/;

/** The stack's JSON with each block's `for_each = "${local.NAME}"` replaced by that local's value (a copy; the input is unchanged). */
export function inlineForEachLocals(stack: Json): Json {
  const locals = (stack.locals ?? {}) as Json;
  const inline = (section: unknown) =>
    section && typeof section === "object"
      ? Object.fromEntries(
          Object.entries(section as Record<string, Record<string, Json>>).map(([type, byName]) => [
            type,
            Object.fromEntries(
              Object.entries(byName ?? {}).map(([name, body]) => {
                const reference = typeof body?.for_each === "string" ? LOCAL_REFERENCE.exec(body.for_each) : null;
                return [name, reference && Object.hasOwn(locals, reference[1]) ? { ...body, for_each: locals[reference[1]] } : body];
              }),
            ),
          ]),
        )
      : section;
  return { ...stack, ...(stack.resource ? { resource: inline(stack.resource) } : {}), ...(stack.data ? { data: inline(stack.data) } : {}) };
}
