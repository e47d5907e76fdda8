/**
 * tf2's exceptions, as classes. The messages are tf2's own texts (BufferCore 0.7.6), character
 * for character, so what a ROS user has learnt to read (and searched for) still applies; the
 * fields carry the same facts for code. `tf2Name` is the name of the matching tf2 exception.
 *
 * The names avoid JavaScript's built-ins (there is no global `LookupError`; tf2's
 * `TimeoutException` becomes `TransformTimeoutError`, clearly about transforms).
 */
import type { Time } from "../codec/types.js";

/** What was asked when the error arose (frames as given, after stripping one leading '/'). */
export interface TransformQuery {
  targetFrame: string;
  sourceFrame: string;
  /** The time asked for; `{ sec: 0, nsec: 0 }` means "latest common time". */
  time: Time;
}

/** Base of every tf error (tf2::TransformException). */
export class TransformError extends Error {
  override name = "TransformError";
  readonly tf2Name: string = "TransformException";
  constructor(
    message: string,
    /** The lookup that failed, where there was one. */
    readonly query?: TransformQuery,
  ) {
    super(message);
  }
}

/** A frame that the buffer has never seen, or a tree with a loop (tf2::LookupException). */
export class LookupError extends TransformError {
  override name = "LookupError";
  override readonly tf2Name = "LookupException";
  constructor(
    message: string,
    query?: TransformQuery,
    /** The unknown frame, when that is the cause (not for a loop). */
    readonly frame?: string,
  ) {
    super(message, query);
  }
}

/** The two frames are in different trees (tf2::ConnectivityException). */
export class ConnectivityError extends TransformError {
  override name = "ConnectivityError";
  override readonly tf2Name = "ConnectivityException";
}

/**
 * Where the time fell for the link that had no data: before its oldest sample, after its newest,
 * other than the single sample it holds, or "empty": the link holds nothing (after `clear()`).
 */
export type ExtrapolationDirection = "past" | "future" | "single" | "empty";

/** A link on the path has no data at the time asked (tf2::ExtrapolationException). */
export class ExtrapolationError extends TransformError {
  override name = "ExtrapolationError";
  override readonly tf2Name = "ExtrapolationException";
  constructor(
    message: string,
    query: TransformQuery | undefined,
    readonly direction: ExtrapolationDirection,
    /** The time the link was asked for (the resolved latest common time for a zero time). */
    readonly requestedTime: Time,
    /** The link's earliest ("past"), latest ("future") or only ("single") sample time. */
    readonly dataTime: Time,
    /** How far outside the link's data the time is, in seconds (0 for "single"). */
    readonly seconds: number,
  ) {
    super(message, query);
  }
}

/** An argument tf2 rejects: an empty frame id, or one that still starts with '/'. */
export class InvalidArgumentError extends TransformError {
  override name = "InvalidArgumentError";
  override readonly tf2Name = "InvalidArgumentException";
}

/** `waitForTransform` gave up (tf2::TimeoutException); `cause` is the last lookup error. */
export class TransformTimeoutError extends TransformError {
  override name = "TransformTimeoutError";
  override readonly tf2Name = "TimeoutException";
  constructor(
    message: string,
    query: TransformQuery,
    readonly lastError: TransformError | undefined,
  ) {
    super(message, query);
  }
}
