/**
 * Consent to a gated plan change, scoped to one stack and one target.
 */

/** One consent: who allowed what, in which stack, and where they said so. */
export interface Consent {
  /** The stack it applies to, e.g. "connect-sso-prod". */
  readonly stack: string;
  /** A terraform address (with or without instance key), a user name (for_each key), or "retire" (the whole stack disappears). */
  readonly target: string;
  /** Who gave it: a GitHub login, or "command line". */
  readonly by: string;
  /** Where: e.g. "approving review 1234 on #45" or "--consent flag". */
  readonly source: string;
}
