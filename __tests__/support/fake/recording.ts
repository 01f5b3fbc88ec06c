/**
 * The log of every request the fake answered, for counting API calls and for naming what the fake
 * does not implement when terraform fails.
 */

export type Service = "connect" | "sso-admin" | "unknown";

/** The operation recorded for a request no route or sso-admin operation answers (it gets a 501). */
export const UNIMPLEMENTED = "UNIMPLEMENTED";

export interface RecordedRequest {
  /** Which API the request was routed to ("unknown" when neither matched). */
  readonly service: Service;
  readonly method: string;
  /** The path as sent (still percent-encoded), without the query. */
  readonly path: string;
  /** The query string without `?` ("" when none). */
  readonly query: string;
  /** The API operation without prefix (`DescribeUser`; `SWBExternalService.ListInstances` is `ListInstances`), or `UNIMPLEMENTED`. */
  readonly operation: string;
  /** HTTP status of the answer. */
  readonly status: number;
  /** Error code of the answer, when it was an error. */
  readonly errorCode?: string;
}

export class RequestLog {
  /** Oldest first; the same array for the log's whole life (reset() empties it). */
  readonly requests: RecordedRequest[] = [];

  record(request: RecordedRequest): void {
    this.requests.push(request);
  }

  reset(): void {
    this.requests.length = 0;
  }

  /** Requests by operation: Connect ones by name, sso-admin ones as `sso-admin:<name>` (both APIs have a ListInstances). */
  operationCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.requests) {
      const key = r.service === "sso-admin" && r.operation !== UNIMPLEMENTED ? `sso-admin:${r.operation}` : r.operation;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  unimplemented(): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === UNIMPLEMENTED);
  }
}
