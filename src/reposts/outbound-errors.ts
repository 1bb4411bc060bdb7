/**
 * Errors of outbound calls to subordinate sites (webhooks, challenges, repost pages). Each has a
 * stable `code` for notices' `lastError` and logs; the underlying error is kept as `cause`.
 */

export abstract class OutboundError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    /** The URL that was being fetched. */
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The target is refused before any connection: a scheme other than http(s), or a private address. */
export class OutboundBlockedError extends OutboundError {
  override name = "OutboundBlockedError";
  readonly code = "outbound_blocked";
}

/** No complete response within the time limit (DNS, connect, headers and body together). */
export class OutboundTimeoutError extends OutboundError {
  override name = "OutboundTimeoutError";
  readonly code = "outbound_timeout";
}

/** The response body is larger than the cap. */
export class OutboundTooLargeError extends OutboundError {
  override name = "OutboundTooLargeError";
  readonly code = "outbound_too_large";
}

/** The host name does not resolve, or the connection fails or is reset: worth retrying later. */
export class OutboundConnectionError extends OutboundError {
  override name = "OutboundConnectionError";
  readonly code = "outbound_connection_failed";
}
