// What every MTProto transport codec does (core.telegram.org/mtproto/mtproto-transports): frame
// outgoing payloads and cut incoming bytes into frames. A codec knows which side of the connection it
// is on, since quick-ack requests and replies differ by direction.
import type { ByteQueue } from './byte-queue.ts';

export type Side = 'client' | 'server';

export type Incoming =
  /** An MTProto payload; `quickAck` is set when the sender (a client) asked for a quick acknowledgement. */
  | { type: 'packet'; payload: Uint8Array; quickAck?: boolean }
  /** A quick acknowledgement (server → client): the token the client computed from msg_key_large. */
  | { type: 'quickAck'; token: number }
  /** A 4-byte payload: a transport error code such as -404, -429, -444. */
  | { type: 'error'; code: number };

export interface FrameCodec {
  readonly name: 'abridged' | 'intermediate' | 'padded' | 'full';
  /** The protocol tag the client sends first (or puts in the obfuscation header); empty for full. */
  readonly tag: Uint8Array;
  /** Frames one payload (a multiple of 4 bytes). `quickAck` asks the server for a quick ack (client side). */
  encode(payload: Uint8Array, options?: { quickAck?: boolean }): Uint8Array;
  /** Server side: the bytes of a quick acknowledgement carrying `token`. */
  encodeQuickAck(token: number): Uint8Array;
  /** Server side: the bytes of a transport error frame. */
  encodeError(code: number): Uint8Array;
  /** Takes one complete frame off the queue, or returns null if more bytes are needed. Throws TransportError. */
  decode(queue: ByteQueue): Incoming | null;
}

export interface CodecOptions {
  side: Side;
  /** Largest payload accepted from the peer; a larger declared length closes the connection. */
  maxFrame?: number;
}

export const DEFAULT_MAX_FRAME = 16 * 1024 * 1024;

/** A 4-byte payload is never an MTProto message: it is a transport error code (signed LE int32). */
export function classifyPayload(payload: Uint8Array, quickAck?: boolean): Incoming {
  if (payload.length === 4) {
    const code = payload[0] | (payload[1] << 8) | (payload[2] << 16) | (payload[3] << 24);
    return { type: 'error', code };
  }
  return quickAck ? { type: 'packet', payload, quickAck } : { type: 'packet', payload };
}

export function int32le(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
}
