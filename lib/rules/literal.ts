/**
 * Literal text in Terraform: text from an environment file or the metadata file reaches AWS
 * exactly as written.
 *
 * Terraform's JSON syntax reads every string value (and object key) as a template, so `${...}`
 * and `%{...}` in a first name or an XML comment would be evaluated. Doubling the opening `$` or
 * `%` is Terraform's own escape; a `$` or `%` not followed by `{` is already literal.
 */

/**
 * cdktf's reference markers (string `${TfToken[`, list `#{TfToken[`, map `&{TfToken[`; cdktf
 * `lib/tokens/private/encoding`): cdktf replaces them at synth even inside escaped text, so text
 * containing one cannot be made literal and is refused instead.
 */
export const TOKEN_MARKER = /[$#&]\{TfToken\[/;

/** What literal text may contain, for messages. */
export const LITERAL_TEXT_ALLOWED = "any text without ${TfToken[, #{TfToken[ or &{TfToken[ (cdktf's reference markers)";

/**
 * `text` as a Terraform JSON string whose value is exactly `text`: `${` becomes `$${` and `%{`
 * becomes `%%{` (so `$${a}` becomes `$$${a}`, which Terraform reads back as `$${a}`). Apply it once,
 * to literal text only, never to a string holding a reference; refuse TOKEN_MARKER before.
 */
export function literal(text: string): string {
  return text.replace(/([$%])\{/g, "$1$1{");
}
