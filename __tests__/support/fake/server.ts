/**
 * The HTTP side: one loopback server answering both APIs, each request routed, answered and recorded.
 *
 * - Amazon Connect speaks REST-JSON: the route is the method and path (from the Connect API model,
 *   `connect/2017-08-08/service-2.json` in botocore).
 * - sso-admin speaks JSON 1.1: `POST /` with `X-Amz-Target: SWBExternalService.<Operation>`.
 *
 * SigV4 signatures are not checked; the region is read from the request's credential scope. A
 * request nothing answers gets 501 with a JSON error naming its method and path (the SDK does not
 * retry 501) and is recorded as `UNIMPLEMENTED`, so a test can fail loudly.
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, connectErrorStatus, SSO_ERROR_NAMESPACE, SSO_ERROR_STATUS, UNPARSEABLE_BODY_ERROR } from "./errors";
import { UNIMPLEMENTED, type RequestLog, type Service } from "./recording";
import { closeServer } from "../terraform";

/** What a handler gets from one request. */
export interface Call {
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Readonly<Record<string, unknown>>;
  /** The region of the request's credential scope (or the fake's region). */
  readonly region: string;
}

/** A successful answer: status 200 and `body` (default `{}`). */
export interface Reply {
  readonly body?: unknown;
}

/** A Connect operation: its method and path in the model. */
export interface Route {
  readonly method: string;
  /** Path segments; `:Name` captures one (percent-decoded) segment. */
  readonly segments: ReadonlyArray<string>;
  readonly operation: string;
  readonly handler: (call: Call) => Reply;
}

/** An sso-admin operation, given the request body. */
export type JsonOperation = (body: Readonly<Record<string, unknown>>) => Reply;

/** A Connect route: `pattern` as in the model's `requestUri`, with `:Name` for `{Name}`. */
export function route(method: string, pattern: string, operation: string, handler: Route["handler"]): Route {
  return { method, segments: pattern.split("/").filter(Boolean), operation, handler };
}

export interface ServerOptions {
  /** 0 or undefined: a free port chosen by the kernel. Always bound to 127.0.0.1. */
  readonly port?: number;
  /** Region when a request carries no credential scope. */
  readonly defaultRegion: string;
  readonly connectRoutes: ReadonlyArray<Route>;
  /** sso-admin operations by name (without the `SWBExternalService.` prefix). */
  readonly ssoOperations: Readonly<Record<string, JsonOperation>>;
  /**
   * Identity Center in its own account: sso-admin answers only callers of `accountId` (whose
   * access key `accountOf` resolves) and refuses others with AccessDeniedException, as AWS does
   * for another account's application. @default every caller is answered
   */
  readonly ssoAccount?: { readonly accountId: string; readonly accountOf: (accessKeyId: string) => Promise<string | undefined> };
  readonly log: RequestLog;
}

export interface RunningServer {
  readonly port: number;
  /** Closes the server and every open connection; bounded in time, safe to call twice. */
  stop(): Promise<void>;
}

/** Request bodies beyond this are not kept (the APIs' largest inputs are far smaller). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The access key of the request's SigV4 credential scope (the signature itself is not checked). */
function accessKeyOf(req: http.IncomingMessage): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? "")?.[1];
}

/** The region of the request's SigV4 credential scope (Credential=<key>/<date>/<region>/<service>/aws4_request). */
function regionOf(req: http.IncomingMessage, fallback: string): string {
  const match = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(req.headers.authorization ?? "");
  return match ? match[1] : fallback;
}

function matchRoute(routes: ReadonlyArray<Route>, method: string, rawPath: string): { route: Route; params: Record<string, string> } | undefined {
  const parts = rawPath.split("/").filter(Boolean);
  let decoded: string[];
  try {
    decoded = parts.map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
  for (const candidate of routes) {
    if (candidate.method !== method || candidate.segments.length !== decoded.length) continue;
    const params: Record<string, string> = {};
    const ok = candidate.segments.every((segment, i) => {
      if (!segment.startsWith(":")) return segment === decoded[i];
      params[segment.slice(1)] = decoded[i];
      return true;
    });
    if (ok) return { route: candidate, params };
  }
  return undefined;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = "application/json"): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text), "x-amzn-RequestId": randomUUID(), ...headers });
  res.end(text);
}

async function handle(options: ServerOptions, req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const rawPath = (req.url ?? "/").split("?")[0];
  const query = url.search.replace(/^\?/, "");
  const target = String(req.headers["x-amz-target"] ?? "");
  const record = (service: Service, operation: string, status: number, errorCode?: string) =>
    options.log.record({ service, method, path: rawPath, query, operation, status, ...(errorCode ? { errorCode } : {}) });

  const unimplemented = (service: Service, what: string) => {
    const message = `connect fake: ${what} is not implemented (${method} ${rawPath}${query ? `?${query}` : ""})`;
    record(service, UNIMPLEMENTED, 501, "NotImplemented");
    send(res, 501, { __type: "NotImplemented", Message: message, Method: method, Path: rawPath }, { "x-amzn-ErrorType": "NotImplemented" });
  };

  let body: Record<string, unknown> = {};
  if (raw.trim()) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      const code = UNPARSEABLE_BODY_ERROR[target ? "sso-admin" : "connect"];
      record(target ? "sso-admin" : "connect", target ? target.split(".").pop()! : "UNPARSEABLE", 400, code);
      send(res, 400, { __type: code, Message: "The request body is not valid JSON." }, { "x-amzn-ErrorType": code });
      return;
    }
  }

  if (target) {
    const [prefix, operation] = target.split(".");
    const known = prefix === "SWBExternalService" && method === "POST" && rawPath === "/" && Object.hasOwn(options.ssoOperations, operation);
    const op = known ? options.ssoOperations[operation] : undefined;
    if (!op) return unimplemented(prefix === "SWBExternalService" ? "sso-admin" : "unknown", `operation ${target}`);
    try {
      if (options.ssoAccount) {
        const key = accessKeyOf(req);
        const caller = key === undefined ? undefined : await options.ssoAccount.accountOf(key);
        if (caller !== options.ssoAccount.accountId) {
          throw new ApiError(
            "AccessDeniedException",
            `User in account ${caller ?? "<unknown>"} is not authorized to perform: sso:${operation} on Identity Center of account ${options.ssoAccount.accountId}`,
          );
        }
      }
      const reply = op(body);
      record("sso-admin", operation, 200);
      send(res, 200, reply.body ?? {}, {}, "application/x-amz-json-1.1");
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      record("sso-admin", operation, SSO_ERROR_STATUS, error.code);
      const answer = { __type: `${SSO_ERROR_NAMESPACE}${error.code}`, Message: error.message };
      send(res, SSO_ERROR_STATUS, answer, { "x-amzn-ErrorType": error.code }, "application/x-amz-json-1.1");
    }
    return;
  }

  const matched = matchRoute(options.connectRoutes, method, rawPath);
  if (!matched) return unimplemented("unknown", "this request");
  const { route: found, params } = matched;
  try {
    const reply = found.handler({ params, query: url.searchParams, body, region: regionOf(req, options.defaultRegion) });
    record("connect", found.operation, 200);
    send(res, 200, reply.body ?? {});
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const status = connectErrorStatus(error.code);
    record("connect", found.operation, status, error.code);
    send(res, status, { Message: error.message }, { "x-amzn-ErrorType": error.code });
  }
}

/** Starts the server on 127.0.0.1. A handler that throws anything but an ApiError answers 500 naming the crash. */
export async function serve(options: ServerOptions): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => {
      handle(options, req, res, Buffer.concat(chunks).toString("utf8")).catch((error: unknown) => {
        if (res.headersSent) res.destroy();
        else
          send(
            res,
            500,
            { __type: "InternalServiceException", Message: `connect fake crashed: ${(error as Error).stack ?? error}` },
            { "x-amzn-ErrorType": "InternalServiceException" },
          );
      });
    });
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  let stopped: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => (stopped ??= closeServer(server)),
  };
}
