/** Terraform resource addresses as plans write them. */
import type { ResourceChange } from "./format";

/** Go's unicode.IsPrint, which Terraform's quoting follows: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * `text` as a quoted HCL string, the way Terraform writes an instance key in an address: `${` and
 * `%{` doubled (`$${`), quotes, backslashes and line breaks escaped, and every character that is not
 * printable as \uNNNN (Terraform's addrs.StringKey). `asciiOnly` escapes every non-ASCII character
 * too, so a generated file shows which code points it means (NFC or not).
 */
export function hclQuoted(text: string, asciiOnly = false): string {
  let out = '"';
  const chars = [...text];
  chars.forEach((ch, i) => {
    const cp = ch.codePointAt(0)!;
    if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if ((ch === "$" || ch === "%") && chars[i + 1] === "{") out += ch + ch;
    else if (asciiOnly ? cp < 0x20 || cp >= 0x7f : !PRINTABLE.test(ch))
      out += cp < 0x10000 ? `\\u${cp.toString(16).padStart(4, "0")}` : `\\U${cp.toString(16).padStart(8, "0")}`;
    else out += ch;
  });
  return out + '"';
}

/** An instance key as Terraform writes it in an address. */
export const instanceKeyText = (key: string | number): string => (typeof key === "number" ? String(key) : hclQuoted(key));

/** The address of the resource (every instance), without this change's instance key. */
export function resourceAddress(rc: Pick<ResourceChange, "address" | "index">): string {
  if (rc.index === undefined) return rc.address;
  const suffix = `[${instanceKeyText(rc.index)}]`;
  return rc.address.endsWith(suffix) ? rc.address.slice(0, -suffix.length) : rc.address;
}
