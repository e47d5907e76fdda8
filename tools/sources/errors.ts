import { UserError } from "../errors.js";

/** A recording that cannot be opened or read: missing, not a bag/MCAP, or corrupt. */
export class SourceError extends UserError {
  override name = "SourceError";
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}
