/**
 * The errors a failed lookup throws, with tf2's texts (BufferCore 0.7.6) character for character:
 * its `%.9f` numbers and the truncation of its fixed-size snprintf buffers included (the
 * ground-truth tests compare the messages exactly).
 */
import {
  ConnectivityError,
  ExtrapolationError,
  InvalidArgumentError,
  LookupError,
  type TransformQuery,
} from "./errors.js";
import { durationSec, formatFixed9, timeToSec, truncateLikeSnprintf } from "./time.js";
import type { CacheMiss } from "./time_cache.js";

/** validateFrameId: an empty id, one that still starts with '/', or an unknown frame. */
export function frameIdError(
  what: string,
  frame: string,
  query: TransformQuery,
): InvalidArgumentError | LookupError {
  if (frame === "") {
    return new InvalidArgumentError(
      `Invalid argument passed to ${what} in tf2 frame_ids cannot be empty`,
      query,
    );
  }
  if (frame.startsWith("/")) {
    return new InvalidArgumentError(
      `Invalid argument "${frame}" passed to ${what} in tf2 frame_ids cannot start with a '/' like: `,
      query,
    );
  }
  return new LookupError(`"${frame}" passed to ${what} does not exist. `, query, frame);
}

export function loopError(allFramesAsString: string, query: TransformQuery): LookupError {
  return new LookupError(
    `The tf tree is invalid because it contains a loop.\n${allFramesAsString}\n`,
    query,
  );
}

export function connectivityError(
  source: string,
  target: string,
  query: TransformQuery,
): ConnectivityError {
  return new ConnectivityError(
    `Could not find a connection between '${target}' and '${source}' because they are not part of the same tree.Tf has two or more unconnected trees.`,
    query,
  );
}

/** The link's miss (TimeCache's createExtrapolationException1/2/3) and the walk's suffix. */
export function extrapolationError(
  miss: CacheMiss,
  source: string,
  target: string,
  query: TransformQuery,
): ExtrapolationError {
  const req = { sec: miss.reqSec, nsec: miss.reqNsec };
  const data = { sec: miss.dataSec, nsec: miss.dataNsec };
  const reqText = formatFixed9(timeToSec(req.sec, req.nsec));
  const dataText = formatFixed9(timeToSec(data.sec, data.nsec));
  let text = "";
  let seconds = 0;
  switch (miss.direction) {
    case "single":
      text = truncateLikeSnprintf(
        `Lookup would require extrapolation at time ${reqText}, but only time ${dataText} is in the buffer`,
        116,
      );
      break;
    case "future":
      seconds = durationSec(req.sec, req.nsec, data.sec, data.nsec);
      text = truncateLikeSnprintf(
        `Lookup would require extrapolation ${formatFixed9(seconds)}s into the future.  Requested time ${reqText} but the latest data is at time ${dataText}`,
        163,
      );
      break;
    case "past":
      seconds = durationSec(data.sec, data.nsec, req.sec, req.nsec);
      text = truncateLikeSnprintf(
        `Lookup would require extrapolation ${formatFixed9(seconds)}s into the past.  Requested time ${reqText} but the earliest data is at time ${dataText}`,
        163,
      );
      break;
    case "empty":
      break; // tf2 has no text for a link emptied by clear(): its message starts with ", when"
  }
  const message = truncateLikeSnprintf(
    `${text}, when looking up transform from frame [${source}] to frame [${target}]`,
    1000,
  );
  return new ExtrapolationError(message, query, miss.direction, req, data, seconds);
}
