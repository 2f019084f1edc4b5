// Unencrypted MTProto messages, which carry the auth key exchange (core.telegram.org/mtproto/description,
// "Unencrypted Message"): auth_key_id = 0 (8) | msg_id (8, LE) | message_data_length (4, LE) | body.
// Bytes after the body are tolerated and ignored: TDLib appends random padding, and the padded
// intermediate transport adds its own.
import { SecurityError } from '../../errors.ts';

export const UNENCRYPTED_HEADER_LENGTH = 20;

export function packUnencrypted(body: Uint8Array, msgId: bigint): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(UNENCRYPTED_HEADER_LENGTH + body.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(8, BigInt.asUintN(64, msgId), true);
  view.setUint32(16, body.length, true);
  out.set(body, UNENCRYPTED_HEADER_LENGTH);
  return out;
}

/** True when the payload starts with auth_key_id = 0 (an unencrypted message, or garbage). */
export function isUnencrypted(payload: Uint8Array): boolean {
  if (payload.length < 8) return false;
  for (let i = 0; i < 8; i++) if (payload[i] !== 0) return false;
  return true;
}

/** Reads an unencrypted message; SecurityError('message') when it is not one. `body` is a view into `payload`. */
export function unpackUnencrypted(payload: Uint8Array): { msgId: bigint; body: Uint8Array } {
  if (payload.length < UNENCRYPTED_HEADER_LENGTH) {
    throw new SecurityError('message', `an unencrypted message has at least ${UNENCRYPTED_HEADER_LENGTH} bytes, got ${payload.length}`);
  }
  if (!isUnencrypted(payload)) throw new SecurityError('message', 'auth_key_id is not 0 in a key-exchange message');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const msgId = view.getBigInt64(8, true);
  const length = view.getUint32(16, true);
  if (length > payload.length - UNENCRYPTED_HEADER_LENGTH) {
    throw new SecurityError('message', `message_data_length ${length} exceeds the ${payload.length - UNENCRYPTED_HEADER_LENGTH} bytes present`);
  }
  if (length % 4 !== 0) throw new SecurityError('message', `message_data_length ${length} is not a multiple of 4`);
  return { msgId, body: payload.subarray(UNENCRYPTED_HEADER_LENGTH, UNENCRYPTED_HEADER_LENGTH + length) };
}

/**
 * msg_id generator: unix time × 2^32 plus a sub-second fraction, strictly increasing, with the low two
 * bits fixed — 0 for client messages, 1 for server responses (core.telegram.org/mtproto/description).
 */
export class MsgIdClock {
  private last = 0n;

  constructor(
    private readonly parity: 0 | 1,
    private readonly now: () => number = Date.now,
  ) {}

  next(): bigint {
    const ms = this.now();
    const seconds = BigInt(Math.floor(ms / 1000));
    const fraction = BigInt(Math.floor(((ms % 1000) / 1000) * 2 ** 32));
    let id = ((seconds << 32n) | fraction) & ~3n;
    if (id <= this.last) id = (this.last & ~3n) + 4n;
    this.last = id;
    return id | BigInt(this.parity);
  }
}
