/**
 * Text from a definition (or a server) quoted in an error message: control characters escaped, so
 * that a definition cannot move the cursor or retitle the terminal the message is printed in, and
 * long text cut, so that a 50 MB line does not become a 50 MB message.
 */

/** Longest quoted excerpt, in characters. */
export const QUOTE_LIMIT = 120;

// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeControl(char: string): string {
  switch (char) {
    case "\t":
      return "\\t";
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    default: {
      const code = char.charCodeAt(0);
      return code < 0x100
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`;
    }
  }
}

/** `text` made printable and at most about `limit` characters long (the cut is marked). */
export function printable(text: string, limit = QUOTE_LIMIT): string {
  const cut = text.length > limit;
  const head = cut ? text.slice(0, limit) : text;
  const escaped = head.replace(CONTROL, escapeControl);
  return cut ? `${escaped}... (${text.length} characters)` : escaped;
}

/** `text` in single quotes, made printable (see `printable`). */
export function quote(text: string, limit = QUOTE_LIMIT): string {
  return `'${printable(text, limit)}'`;
}
