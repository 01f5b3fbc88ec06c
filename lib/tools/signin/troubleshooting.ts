/**
 * The rows of "Troubleshoot SSO configuration" in AWS's doc
 * (docs/reference/aws-configure-saml-with-aws-sso.md) that a failed check can match, so an admin
 * can hold the report next to the doc.
 */

export interface DocRow {
  /** The row's "Error" column, as the doc prints it. */
  readonly error: string;
  /** The row's "Issue" column, shortened. */
  readonly issue: string;
}

export const DOC_ROWS = {
  /** Destination or Recipient is not a sign-in endpoint the role accepts. */
  acsUrl: { error: "An error occurred when we tried to process your request.", issue: "the Application ACS URL is incorrect" },
  /** The e-mail that becomes RoleSessionName is not the Connect user name (the directory sends windowsUPN). */
  email: { error: "Other", issue: 'the "email attribute sends windowsUPN" row: the Email in the assertion is not the user\'s e-mail' },
} as const satisfies Record<string, DocRow>;

/** `doc row "…" (…)` for a report line. */
export function describeRow(row: DocRow): string {
  return `doc row "${row.error}" (${row.issue})`;
}
