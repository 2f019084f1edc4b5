// Typed errors for every layer above the core, in one place. Each says what was expected and what came.
// (The primitives themselves throw the standard TypeError/RangeError for bad arguments.)

export class MtprotoError extends Error {
  override name = 'MtprotoError';
}

/** Malformed TL: truncated input, unknown constructor, bad length prefix, bad UTF-8, nesting too deep… */
export class TlError extends MtprotoError {
  override name = 'TlError';
  constructor(
    message: string,
    /** The TL type or constructor being read or written when the problem was found. */
    readonly type?: string,
    /** Byte offset in the input where the problem was found. */
    readonly offset?: number,
  ) {
    super(type === undefined ? message : `${message} (while ${offset === undefined ? 'writing' : 'reading'} ${type}${offset === undefined ? '' : ` at byte ${offset}`})`);
  }
}

/** A transport-level failure: bad framing, CRC mismatch, transport error code, oversized frame. */
export class TransportError extends MtprotoError {
  override name = 'TransportError';
  constructor(message: string, readonly code?: number) {
    super(message);
  }
}

/** A failed check from Telegram's security guidelines (nonce, DH parameters, msg_key, session id…). */
export class SecurityError extends MtprotoError {
  override name = 'SecurityError';
  constructor(
    /** Short, stable name of the check that failed, e.g. 'server_nonce', 'dh_prime', 'msg_key'. */
    readonly check: string,
    message: string,
  ) {
    super(`${check}: ${message}`);
  }
}
