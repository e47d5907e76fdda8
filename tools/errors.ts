/**
 * Errors that are the user's to fix (a missing file, an unknown topic, bad input, an unreachable
 * bridge). The CLI prints their message as one line and exits non-zero; anything else is a bug
 * and keeps its stack trace.
 */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    /** Process exit code the CLI returns for this error. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The message of any thrown value, for wrapping library errors into one-line user errors. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  // An Error from another realm (a vm context, Jest's sandbox) fails `instanceof`.
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : String(error);
}
