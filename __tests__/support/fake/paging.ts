/**
 * List pages as both APIs page them: at most `MaxResults` items per answer and an opaque `NextToken`
 * while more remain. Connect (REST-JSON) reads `maxResults`/`nextToken` from the query string,
 * sso-admin (JSON 1.1) `MaxResults`/`NextToken` from the body.
 */
import { ApiError, type ErrorCode } from "./errors";

/** A `MaxResults` shape of the model, and the page size when a request names none. */
export interface PageLimit {
  readonly max: number;
  readonly default: number;
}

/**
 * MaxResult1000 (ListSecurityProfiles, ListRoutingProfiles, ListUsers, ListSecurityProfilePermissions):
 * the API reference gives the first three a default of 100. Guess: ListSecurityProfilePermissions,
 * whose reference names no default, gets the same.
 */
export const MAX_RESULT_1000: PageLimit = { max: 1000, default: 100 };
/**
 * MaxResult500 (SearchUsers; botocore 1.43's model: 1..500, where 1.34's had MaxResult100).
 * Guess: the default page size, which neither the model nor the API reference names, is 100.
 */
export const MAX_RESULT_500: PageLimit = { max: 500, default: 100 };
/** MaxResult100 (ListRoutingProfileQueues): "The default MaxResult size is 100". */
export const MAX_RESULT_100: PageLimit = { max: 100, default: 100 };
// Guess: these shapes document no default page size; the fake uses their maximum.
/** MaxResult10 (Connect ListInstances). */
export const MAX_RESULT_10: PageLimit = { max: 10, default: 10 };
/** MaxResult7 (ListInstanceAttributes). */
export const MAX_RESULT_7: PageLimit = { max: 7, default: 7 };
/** MaxResults 1..100 (sso-admin ListInstances, ListApplicationAssignments). */
const SSO_MAX_RESULTS: PageLimit = { max: 100, default: 100 };

/**
 * `{ [listKey]: <page>, NextToken? }`. Guess: the token's form (base64 of an offset) and the refusal
 * of a bad token or size with `errorCode` (the operation's parameter error in the model).
 */
function page<T>(listKey: string, items: ReadonlyArray<T>, maxResults: unknown, nextToken: unknown, limit: PageLimit, errorCode: ErrorCode) {
  let size = limit.default;
  if (maxResults !== undefined && maxResults !== null && maxResults !== "") {
    size = Number(maxResults);
    if (!Number.isInteger(size) || size < 1 || size > limit.max) throw new ApiError(errorCode, `MaxResults must be between 1 and ${limit.max}.`);
  }
  let start = 0;
  if (nextToken !== undefined && nextToken !== null && nextToken !== "") {
    const decoded = /^fake-page:(\d+)$/.exec(Buffer.from(String(nextToken), "base64").toString("utf8"));
    if (!decoded) throw new ApiError(errorCode, "The NextToken is invalid.");
    start = Number(decoded[1]);
  }
  const end = start + size;
  return { [listKey]: items.slice(start, end), ...(end < items.length ? { NextToken: Buffer.from(`fake-page:${end}`).toString("base64") } : {}) };
}

/** A Connect list page (query string `maxResults`, `nextToken`). */
export function queryPage<T>(
  query: URLSearchParams,
  listKey: string,
  items: ReadonlyArray<T>,
  limit: PageLimit,
  errorCode: ErrorCode = "InvalidParameterException",
): Record<string, unknown> {
  return page(listKey, items, query.get("maxResults"), query.get("nextToken"), limit, errorCode);
}

/** A list page read from the body (`MaxResults`, `NextToken`): sso-admin's by default, or a Connect search's. */
export function bodyPage<T>(
  body: Readonly<Record<string, unknown>>,
  listKey: string,
  items: ReadonlyArray<T>,
  limit: PageLimit = SSO_MAX_RESULTS,
  errorCode: ErrorCode = "ValidationException",
): Record<string, unknown> {
  return page(listKey, items, body.MaxResults, body.NextToken, limit, errorCode);
}
