/**
 * Connect users: CreateUser, ListUsers, SearchUsers, DescribeUser, DeleteUser and the UpdateUser* calls, with the
 * rules of the API reference (CreateUser, UserIdentityInfo, UserPhoneConfig), including those of SAML
 * instances; and the inspection a test makes (users, user, deleteUser out of band).
 */
import { randomUUID } from "node:crypto";
import { checkHierarchyGroup } from "./connect-hierarchy";
import { checkRoutingProfile, checkSecurityProfiles } from "./connect-profiles";
import { clone, epochSeconds, getInstance, type ConnectState, type ConnectUser, type InstanceState } from "./connect-state";
import { tagsOf } from "./connect-tags";
import { ApiError, optionalString, requireString } from "./errors";
import { bodyPage, MAX_RESULT_1000, MAX_RESULT_500, queryPage } from "./paging";
import { route, type Call, type Reply, type Route } from "./server";

/** CreateUser's Username: with SAML up to 64 of these characters, `@` only in email form; otherwise up to 20. */
const CONNECT_USERNAME = /^[a-zA-Z0-9_\-.@]+$/;
const EMAIL_FORM = /^[^@]+@[^@]+\.[^@]+$/;
/** CreateUser's Password pattern (API model): 8..64 with a lowercase letter, an uppercase letter and a digit. */
const CONNECT_PASSWORD = /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[a-zA-Z\d\S]{8,64}$/;
/** UserIdentityInfo's SecondaryEmail pattern (at most 265 characters). */
const SECONDARY_EMAIL = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}$/;
/** PhoneNumber of the model. */
const E164 = /^\+[1-9]\d{1,14}$/;

// Guess: the error codes for input the API reference says "returns an error" for on a SAML
// instance (Email, Password, DirectoryUserId): InvalidRequestException; for other bad members:
// InvalidParameterException.

/** UserIdentityInfo rules of the API reference, including the SAML ones. */
function checkIdentityInfo(instance: InstanceState, value: unknown, creating: boolean): ConnectUser["IdentityInfo"] {
  if (value !== undefined && value !== null && (typeof value !== "object" || Array.isArray(value)))
    throw new ApiError("InvalidParameterException", "IdentityInfo must be an object.");
  const info = (value ?? {}) as Record<string, unknown>;
  const out: NonNullable<ConnectUser["IdentityInfo"]> = {};
  for (const key of ["FirstName", "LastName", "Email", "SecondaryEmail", "Mobile"] as const) {
    const v = optionalString(info, key);
    if (v !== undefined) out[key] = v;
  }
  const type = instance.identityManagementType;
  // "The FirstName and LastName length constraints [0..255, 0..300] apply only to instances using
  // SAML ... If you are using Amazon Connect for identity management, [they] are 1-255 ... and 1-256."
  const limits = { FirstName: type === "SAML" ? [0, 255] : [1, 255], LastName: type === "SAML" ? [0, 300] : [1, 256] } as const;
  for (const key of ["FirstName", "LastName"] as const) {
    const v = out[key];
    if (v === undefined) continue;
    const [min, max] = limits[key];
    if (v.length < min || v.length > max) throw new ApiError("InvalidParameterException", `${key} must be ${min} to ${max} characters.`);
    if (v !== v.normalize("NFC")) throw new ApiError("InvalidParameterException", `${key} must be in Unicode Normalization Form C.`);
  }
  if (out.SecondaryEmail !== undefined && (out.SecondaryEmail.length > 265 || !SECONDARY_EMAIL.test(out.SecondaryEmail))) {
    throw new ApiError("InvalidParameterException", `SecondaryEmail ${JSON.stringify(out.SecondaryEmail)} is not a valid email address.`);
  }
  if (out.Mobile !== undefined && !E164.test(out.Mobile)) throw new ApiError("InvalidParameterException", "Mobile must be in E.164 format.");
  if (type === "SAML" && out.Email !== undefined)
    throw new ApiError("InvalidRequestException", "Email is not supported for instances with SAML identity management.");
  // "required if you are using Amazon Connect or SAML for identity management".
  if (creating && type !== "EXISTING_DIRECTORY" && (out.FirstName === undefined || out.LastName === undefined)) {
    throw new ApiError("InvalidParameterException", `FirstName and LastName are required for instances with ${type} identity management.`);
  }
  return Object.keys(out).length ? out : undefined;
}

/** UserPhoneConfig. The fake requires it (the provider always sends it), as the API model did before per-channel settings. */
function checkPhoneConfig(value: unknown): ConnectUser["PhoneConfig"] {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new ApiError("InvalidParameterException", "PhoneConfig is required.");
  const config = value as Record<string, unknown>;
  const phoneType = config.PhoneType;
  if (phoneType !== "SOFT_PHONE" && phoneType !== "DESK_PHONE")
    throw new ApiError("InvalidParameterException", `PhoneType ${JSON.stringify(phoneType)} must be SOFT_PHONE or DESK_PHONE.`);
  const limit = config.AfterContactWorkTimeLimit ?? 0;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0)
    throw new ApiError("InvalidParameterException", "AfterContactWorkTimeLimit must be an integer of 0 or more.");
  const autoAccept = config.AutoAccept ?? false;
  if (typeof autoAccept !== "boolean") throw new ApiError("InvalidParameterException", "AutoAccept must be a boolean.");
  const desk = optionalString(config, "DeskPhoneNumber");
  if (phoneType === "DESK_PHONE" && !desk) throw new ApiError("InvalidParameterException", "DeskPhoneNumber is required when PhoneType is DESK_PHONE.");
  if (desk !== undefined && !E164.test(desk))
    throw new ApiError("InvalidParameterException", `DeskPhoneNumber ${JSON.stringify(desk)} must be in E.164 format.`);
  return { PhoneType: phoneType, AutoAccept: autoAccept, AfterContactWorkTimeLimit: limit, ...(desk !== undefined ? { DeskPhoneNumber: desk } : {}) };
}

/** CreateUser's Username, Password and DirectoryUserId rules for the instance's identity management. */
function checkCredentials(instance: InstanceState, body: Call["body"]): { username: string; directoryUserId?: string } {
  const type = instance.identityManagementType;
  const username = requireString(body, "Username");
  const maxLength = type === "SAML" ? 64 : 20;
  if (username.length > maxLength || !CONNECT_USERNAME.test(username) || (username.includes("@") && !EMAIL_FORM.test(username))) {
    throw new ApiError(
      "InvalidParameterException",
      `Username ${JSON.stringify(username)} is not valid: up to ${maxLength} of [a-zA-Z0-9_-.@], with @ only in email form.`,
    );
  }
  for (const other of instance.users.values()) {
    if (other.Username === username) throw new ApiError("DuplicateResourceException", `User with username ${username} already exists.`);
  }
  const password = optionalString(body, "Password");
  const directoryUserId = optionalString(body, "DirectoryUserId");
  if (type === "CONNECT_MANAGED") {
    if (password === undefined) throw new ApiError("InvalidParameterException", "Password is required for instances with CONNECT_MANAGED identity management.");
    if (!CONNECT_PASSWORD.test(password)) throw new ApiError("InvalidParameterException", "Password does not meet the password policy.");
  } else if (password !== undefined) {
    throw new ApiError("InvalidRequestException", `Password is not supported for instances with ${type} identity management.`);
  }
  if (type === "SAML" && directoryUserId !== undefined)
    throw new ApiError("InvalidRequestException", "DirectoryUserId is not supported for instances with SAML identity management.");
  return { username, directoryUserId: type === "EXISTING_DIRECTORY" ? directoryUserId : undefined };
}

/** A StringCondition's fields (UserSearchCriteria's documentation) and how each reads a user. */
const SEARCH_FIELDS: Readonly<Record<string, (u: ConnectUser) => ReadonlyArray<string>>> = {
  Username: (u) => [u.Username],
  FirstName: (u) => (u.IdentityInfo?.FirstName !== undefined ? [u.IdentityInfo.FirstName] : []),
  LastName: (u) => (u.IdentityInfo?.LastName !== undefined ? [u.IdentityInfo.LastName] : []),
  RoutingProfileId: (u) => [u.RoutingProfileId],
  SecurityProfileId: (u) => u.SecurityProfileIds,
  resourceId: (u) => [u.Id],
};

const asObject = (value: unknown, what: string): Record<string, unknown> => {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new ApiError("InvalidParameterException", `${what} must be an object.`);
  return value as Record<string, unknown>;
};

/**
 * SearchUsers' SearchCriteria: StringCondition (EXACT, STARTS_WITH, CONTAINS), AndConditions and
 * OrConditions. The fake refuses the other leaves (ListCondition, HierarchyGroupCondition) as not
 * implemented, so a caller that needs them fails loudly.
 */
// Guess: string comparisons are case-sensitive (the API reference does not say).
function criteriaMatcher(value: unknown): (user: ConnectUser) => boolean {
  const criteria = asObject(value, "SearchCriteria");
  const tests: Array<(user: ConnectUser) => boolean> = [];
  for (const [key, member] of Object.entries(criteria)) {
    if (member === undefined || member === null) continue;
    if (key === "AndConditions" || key === "OrConditions") {
      if (!Array.isArray(member)) throw new ApiError("InvalidParameterException", `SearchCriteria.${key} must be a list.`);
      const parts = member.map(criteriaMatcher);
      tests.push(key === "AndConditions" ? (u) => parts.every((t) => t(u)) : (u) => parts.some((t) => t(u)));
    } else if (key === "StringCondition") {
      const condition = asObject(member, "StringCondition");
      const field = requireString(condition, "FieldName");
      const read = SEARCH_FIELDS[field];
      if (!read)
        throw new ApiError(
          "InvalidParameterException",
          `StringCondition.FieldName ${JSON.stringify(field)} must be one of ${Object.keys(SEARCH_FIELDS).join(", ")}.`,
        );
      const wanted = requireString(condition, "Value");
      const compare = { EXACT: (v: string) => v === wanted, STARTS_WITH: (v: string) => v.startsWith(wanted), CONTAINS: (v: string) => v.includes(wanted) }[
        String(condition.ComparisonType)
      ];
      if (!compare) throw new ApiError("InvalidParameterException", "StringCondition.ComparisonType must be STARTS_WITH, CONTAINS or EXACT.");
      tests.push((u) => read(u).some(compare));
    } else {
      throw new ApiError("InvalidRequestException", `connect fake: SearchUsers SearchCriteria.${key} is not implemented.`);
    }
  }
  return (user) => tests.every((t) => t(user));
}

/** SearchUsers' answer for one user: UserSearchSummary, with IdentityInfoLite (no emails, no mobile). */
function searchSummary(u: ConnectUser): Record<string, unknown> {
  const names = { FirstName: u.IdentityInfo?.FirstName, LastName: u.IdentityInfo?.LastName };
  return clone({
    Arn: u.Arn,
    Id: u.Id,
    Username: u.Username,
    DirectoryUserId: u.DirectoryUserId,
    HierarchyGroupId: u.HierarchyGroupId,
    IdentityInfo: names.FirstName === undefined && names.LastName === undefined ? undefined : names,
    // "AfterContactWorkTimeLimit is returned in milliseconds" (SearchUsers, API reference); DescribeUser answers seconds.
    PhoneConfig: { ...u.PhoneConfig, AfterContactWorkTimeLimit: u.PhoneConfig.AfterContactWorkTimeLimit * 1000 },
    RoutingProfileId: u.RoutingProfileId,
    SecurityProfileIds: u.SecurityProfileIds,
    Tags: u.Tags,
  });
}

function getUser(instance: InstanceState, userId: string): ConnectUser {
  const user = instance.users.get(userId);
  if (!user) throw new ApiError("ResourceNotFoundException", `User not found for UserId: ${userId}`);
  return user;
}

export function userRoutes(state: ConnectState): Route[] {
  /** An UpdateUser* call: `change` edits the user of the path, then its last-modified time and region are set. */
  const update = (path: string, operation: string, change: (user: ConnectUser, instance: InstanceState, body: Call["body"]) => void) =>
    route("POST", `/users/:InstanceId/:UserId/${path}`, operation, ({ params, body, region }): Reply => {
      const instance = getInstance(state, params.InstanceId);
      const user = getUser(instance, params.UserId);
      change(user, instance, body);
      user.LastModifiedTime = epochSeconds(new Date());
      user.LastModifiedRegion = region;
      return {};
    });

  return [
    route("PUT", "/users/:InstanceId", "CreateUser", ({ params, body, region }) => {
      const instance = getInstance(state, params.InstanceId);
      const { username, directoryUserId } = checkCredentials(instance, body);
      const info = checkIdentityInfo(instance, body.IdentityInfo, true);
      const id = randomUUID();
      const user: ConnectUser = {
        Id: id,
        Arn: `${instance.arn}/agent/${id}`,
        Username: username,
        ...(info ? { IdentityInfo: info } : {}),
        PhoneConfig: checkPhoneConfig(body.PhoneConfig),
        ...(directoryUserId ? { DirectoryUserId: directoryUserId } : {}),
        SecurityProfileIds: checkSecurityProfiles(instance, body.SecurityProfileIds),
        RoutingProfileId: checkRoutingProfile(instance, body.RoutingProfileId),
        Tags: tagsOf(body.Tags),
        LastModifiedTime: epochSeconds(new Date()),
        LastModifiedRegion: region,
      };
      const group = checkHierarchyGroup(instance, body.HierarchyGroupId);
      if (group) user.HierarchyGroupId = group;
      instance.users.set(id, user);
      return { body: { UserId: id, UserArn: user.Arn } };
    }),

    route("GET", "/users-summary/:InstanceId", "ListUsers", ({ params, query }) => {
      const summaries = [...getInstance(state, params.InstanceId).users.values()].map((u) => ({
        Id: u.Id,
        Arn: u.Arn,
        Username: u.Username,
        LastModifiedTime: u.LastModifiedTime,
        LastModifiedRegion: u.LastModifiedRegion,
      }));
      return { body: queryPage(query, "UserSummaryList", summaries, MAX_RESULT_1000) };
    }),

    // Guess: the order of the results (user name order here; AWS documents none) and that a NextToken is not tied to the query.
    route("POST", "/search-users", "SearchUsers", ({ body }) => {
      const instance = getInstance(state, requireString(body, "InstanceId"));
      if (body.SearchFilter !== undefined && body.SearchFilter !== null)
        throw new ApiError("InvalidRequestException", "connect fake: SearchUsers SearchFilter is not implemented.");
      const matches = body.SearchCriteria === undefined || body.SearchCriteria === null ? () => true : criteriaMatcher(body.SearchCriteria);
      const found = listUsers(instance).filter(matches);
      return {
        body: { ...bodyPage(body, "Users", found.map(searchSummary), MAX_RESULT_500, "InvalidParameterException"), ApproximateTotalCount: found.length },
      };
    }),

    route("GET", "/users/:InstanceId/:UserId", "DescribeUser", ({ params }) => ({
      body: { User: clone(getUser(getInstance(state, params.InstanceId), params.UserId)) },
    })),

    route("DELETE", "/users/:InstanceId/:UserId", "DeleteUser", ({ params }) => {
      const instance = getInstance(state, params.InstanceId);
      instance.users.delete(getUser(instance, params.UserId).Id);
      return {};
    }),

    update("identity-info", "UpdateUserIdentityInfo", (user, instance, body) => {
      const info = checkIdentityInfo(instance, body.IdentityInfo, false);
      if (info) user.IdentityInfo = info;
      else delete user.IdentityInfo;
    }),
    update("phone-config", "UpdateUserPhoneConfig", (user, _instance, body) => {
      user.PhoneConfig = checkPhoneConfig(body.PhoneConfig);
    }),
    update("routing-profile", "UpdateUserRoutingProfile", (user, instance, body) => {
      user.RoutingProfileId = checkRoutingProfile(instance, body.RoutingProfileId);
    }),
    update("security-profiles", "UpdateUserSecurityProfiles", (user, instance, body) => {
      user.SecurityProfileIds = checkSecurityProfiles(instance, body.SecurityProfileIds);
    }),
    update("hierarchy", "UpdateUserHierarchy", (user, instance, body) => {
      const group = checkHierarchyGroup(instance, body.HierarchyGroupId);
      if (group) user.HierarchyGroupId = group;
      else delete user.HierarchyGroupId;
    }),
  ];
}

/** The instance's users as DescribeUser returns them, sorted by user name (copies). */
export function listUsers(instance: InstanceState): ConnectUser[] {
  return [...instance.users.values()].map(clone).sort((a, b) => (a.Username < b.Username ? -1 : a.Username > b.Username ? 1 : 0));
}

/** One user by user name (case-sensitive, as Connect), a copy, or undefined. */
export function findUser(instance: InstanceState, username: string): ConnectUser | undefined {
  const user = [...instance.users.values()].find((u) => u.Username === username);
  return user && clone(user);
}

/** Sets (or with undefined, removes) a user's hierarchy group out of band, as someone in the console would. */
export function setUserHierarchyGroupOutOfBand(instance: InstanceState, username: string, groupId: string | undefined): void {
  const user = [...instance.users.values()].find((u) => u.Username === username);
  if (!user) throw new Error(`connect fake: no user ${username} on instance ${instance.id}`);
  if (groupId === undefined) delete user.HierarchyGroupId;
  else user.HierarchyGroupId = checkHierarchyGroup(instance, groupId);
}

/** Deletes a user out of band (as someone in the console would), by user name or ID; whether one was deleted. */
export function deleteUserOutOfBand(instance: InstanceState, usernameOrId: string): boolean {
  const user = [...instance.users.values()].find((u) => u.Username === usernameOrId || u.Id === usernameOrId);
  return user ? instance.users.delete(user.Id) : false;
}
