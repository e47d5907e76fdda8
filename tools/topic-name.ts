/**
 * ROS graph resource names as rosgraph checks them (`rosgraph.names.is_legal_name`): a letter,
 * `/` or `~` first, then letters, digits, `_` and `/`, and no `//`. A topic the bridge cannot
 * have is refused before anything is sent.
 */
import { printable } from "../runtime/schema/quote.js";
import { UserError } from "./errors.js";

const LEGAL_NAME = /^[~/A-Za-z][\w/]*$/;

export function isLegalTopicName(name: string): boolean {
  return LEGAL_NAME.test(name) && !name.includes("//");
}

/** Throws a usage error (exit 2) naming the bad topic. */
export function checkTopicName(name: string): void {
  if (!isLegalTopicName(name)) {
    throw new UserError(
      `"${printable(name)}" is not a legal ROS topic name (a letter, '/' or '~' first, then letters, digits, '_' and '/')`,
      2,
    );
  }
}
