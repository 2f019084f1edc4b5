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

/**
 * An error answer to an RPC call (rpc_error error_code error_message), e.g. 420 FLOOD_WAIT_30 or
 * 303 PHONE_MIGRATE_2. The number at the end of such messages is parsed: `seconds` for FLOOD_WAIT_X /
 * SLOWMODE_WAIT_X / FLOOD_PREMIUM_WAIT_X, `dcId` for *_MIGRATE_X.
 */
export class RpcError extends MtprotoError {
  override name = 'RpcError';
  /** Seconds to wait (FLOOD_WAIT_X and other *_WAIT_X errors). */
  readonly seconds?: number;
  /** The DC to use instead (*_MIGRATE_X: PHONE_MIGRATE_X, USER_MIGRATE_X, NETWORK_MIGRATE_X, FILE_MIGRATE_X…). */
  readonly dcId?: number;

  constructor(
    readonly code: number,
    /** The error_message as sent, e.g. 'FLOOD_WAIT_30'. */
    readonly text: string,
    /** The method that failed, when known. */
    readonly method?: string,
  ) {
    super(`${code} ${text}${method ? ` (in ${method})` : ''}`);
    const wait = /_WAIT_(\d+)$/.exec(text);
    if (wait) this.seconds = Number(wait[1]);
    const migrate = /_MIGRATE_(\d+)$/.exec(text);
    if (migrate) this.dcId = Number(migrate[1]);
  }

  /** The message without its numeric suffix: 'FLOOD_WAIT_X' for 'FLOOD_WAIT_30'. */
  get kind(): string {
    return this.text.replace(/_\d+$/, '_X');
  }
}

/** A call that got no answer in time, was cancelled, or could not be sent (client closed, queue full). */
export class CallError extends MtprotoError {
  override name = 'CallError';
  constructor(message: string, readonly reason: 'timeout' | 'aborted' | 'closed' | 'queue_full' | 'resend_limit') {
    super(message);
  }
}
