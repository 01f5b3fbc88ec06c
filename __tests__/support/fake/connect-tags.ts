/**
 * Connect tagging: the `Tags` of create calls, and ListTagsForResource, TagResource and UntagResource
 * on the ARN of an instance, a user or a security or routing profile.
 */
import type { ConnectState } from "./connect-state";
import { ApiError } from "./errors";
import { route, type Route } from "./server";

/** TagMap of the model: at most 50; TagKey 1..128 and not `aws:`; TagValue at most 256. */
const MAX_TAGS = 50;

/** A request's tag map, checked against the model's TagMap ({} when absent). */
export function tagsOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ApiError("InvalidParameterException", "Tags must be a map of strings.");
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== "string" || v.length > 256)
      throw new ApiError("InvalidParameterException", `Tag ${k} must have a string value of at most 256 characters.`);
    if (k.length < 1 || k.length > 128 || k.toLowerCase().startsWith("aws:"))
      throw new ApiError("InvalidParameterException", `Invalid tag key ${JSON.stringify(k)}.`);
    tags[k] = v;
  }
  if (Object.keys(tags).length > MAX_TAGS) throw new ApiError("InvalidParameterException", `At most ${MAX_TAGS} tags are allowed.`);
  return tags;
}

/** The live tag map of the instance, user or profile with this ARN. */
function tagsByArn(state: ConnectState, arn: string): Record<string, string> {
  for (const instance of state.instances.values()) {
    if (instance.arn === arn) return instance.tags;
    for (const user of instance.users.values()) if (user.Arn === arn) return user.Tags;
    for (const profile of [...instance.securityProfiles.values(), ...instance.routingProfiles.values()]) if (profile.arn === arn) return profile.tags;
  }
  throw new ApiError("ResourceNotFoundException", `Resource not found: ${arn}`);
}

export function tagRoutes(state: ConnectState): Route[] {
  return [
    route("GET", "/tags/:resourceArn", "ListTagsForResource", ({ params }) => ({ body: { tags: { ...tagsByArn(state, params.resourceArn) } } })),

    route("POST", "/tags/:resourceArn", "TagResource", ({ params, body }) => {
      const tags = tagsByArn(state, params.resourceArn);
      if (!body.tags || typeof body.tags !== "object") throw new ApiError("InvalidParameterException", "tags is required.");
      // Checked before anything changes: a refused call leaves the tags as they were.
      const merged = { ...tags, ...tagsOf(body.tags) };
      if (Object.keys(merged).length > MAX_TAGS) throw new ApiError("InvalidParameterException", `At most ${MAX_TAGS} tags are allowed.`);
      Object.assign(tags, merged);
      return {};
    }),

    route("DELETE", "/tags/:resourceArn", "UntagResource", ({ params, query }) => {
      const tags = tagsByArn(state, params.resourceArn);
      const keys = query.getAll("tagKeys");
      if (keys.length === 0) throw new ApiError("InvalidParameterException", "tagKeys is required.");
      for (const key of keys) delete tags[key];
      return {};
    }),
  ];
}
