/**
 * AWS-shaped errors and the request-body readers that raise them. A handler throws an {@link ApiError};
 * the server (server.ts) answers it with the status, `x-amzn-ErrorType` header and body of its protocol.
 */

/** The `httpStatusCode` of each Connect error shape the fake raises, from the Connect model (REST-JSON). */
const CONNECT_ERROR_STATUS = {
  ResourceNotFoundException: 404,
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  DuplicateResourceException: 409,
} as const;

/** Error shapes of the sso-admin model that the fake raises. */
type SsoErrorCode = "ResourceNotFoundException" | "ValidationException" | "AccessDeniedException";
export type ErrorCode = keyof typeof CONNECT_ERROR_STATUS | SsoErrorCode;

/** An error answered as AWS answers it: `code` is the error shape's name in the API model. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The status Connect answers `code` with; a code outside the Connect model is a bug of the fake. */
export function connectErrorStatus(code: ErrorCode): number {
  if (!(code in CONNECT_ERROR_STATUS)) throw new Error(`connect fake: ${code} is not an error of the Connect API`);
  return CONNECT_ERROR_STATUS[code as keyof typeof CONNECT_ERROR_STATUS];
}

/**
 * sso-admin's model gives its errors no status: JSON 1.1 answers every client error 400, with
 * `__type` naming the shape in the service's namespace.
 */
export const SSO_ERROR_STATUS = 400;
export const SSO_ERROR_NAMESPACE = "com.amazonaws.swbexternalservice#";

/**
 * Guess: the error for a body that is not JSON. JSON 1.1 services answer SerializationException
 * (sso-admin); for Connect's REST-JSON the fake answers InvalidRequestException.
 */
export const UNPARSEABLE_BODY_ERROR = { connect: "InvalidRequestException", "sso-admin": "SerializationException" } as const;

/** A required string member (absent or empty is refused with `code`). */
export function requireString(body: Readonly<Record<string, unknown>>, key: string, code: ErrorCode = "InvalidParameterException"): string {
  const value = body[key];
  if (typeof value !== "string" || value === "") throw new ApiError(code, `${key} is required.`);
  return value;
}

/** An optional string member (absent or null is undefined; another type is refused). */
export function optionalString(body: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ApiError("InvalidParameterException", `${key} must be a string.`);
  return value;
}
