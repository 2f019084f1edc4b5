// Packets of the session layer: one message or a msg_container of several, serialized straight into
// the core's arena, sealed there in place (src/crypto/message.ts) and handed to the transport, which
// copies it into its frame. Received packets are copied into the arena once, opened in place, and their
// body copied out once for parsing.
//
// The arena is split: the first half for outgoing packets, the second for incoming ones, so that opening
// a packet while another is being built (or the reverse) never overwrites it. Both halves are used only
// synchronously (serialize → seal → send; copy in → open → copy out): nothing refers to them across an
// await.
import {
  MESSAGE_HEADER_SIZE, PLAINTEXT_HEADER_SIZE, messageArena, openMessageInPlace, sealMessageInPlace,
  type LoadedAuthKey, type MessageFields,
} from '../crypto/message.ts';
import { SecurityError, TlError } from '../errors.ts';
import { TlReader } from '../tl/binary/reader.ts';
import { TlWriter } from '../tl/binary/writer.ts';
import { gzip } from '../tl/binary/gzip.ts';
import '../tl/codec.ts'; // fills the writer tables writeObject uses
import type { TlSerializable } from '../tl/codec.ts';
import { resetWriteDepth, writeObject } from '../tl/codec/runtime.ts';
import { GZIP_PACKED, MAX_CONTAINER_MESSAGES, MSG_CONTAINER } from './ids.ts';

/** One message to send: its body is a TL object (serialized in place) or bytes already serialized. */
export interface OutgoingMessage {
  msgId: bigint;
  seqNo: number;
  body: TlSerializable | Uint8Array;
  /** Bodies at least this long are sent gzip_packed when that makes them shorter (default: never). */
  gzipMin?: number;
  /** Bytes at the start of the body left outside the gzip_packed (12 for rpc_result: id and req_msg_id). */
  gzipSkip?: number;
}

export interface SealOptions {
  key: LoadedAuthKey;
  /** 0: client → server; 8: server → client. */
  x: 0 | 8;
  salt: bigint;
  sessionId: bigint;
}

const BODY_AT = MESSAGE_HEADER_SIZE + PLAINTEXT_HEADER_SIZE;
/** Bytes of one container item's header: msg_id, seqno, bytes. */
const ITEM_HEADER = 16;

interface Halves {
  view: Uint8Array<ArrayBuffer>;
  sendAt: number;
  receiveAt: number;
  half: number;
}
let halves: Halves | undefined;
function arena(): Halves {
  if (!halves) {
    const { view, offset, length } = messageArena();
    const half = (length >> 1) & ~15;
    halves = { view, sendAt: offset, receiveAt: offset + half, half };
  }
  return halves;
}

/** The largest body one packet can carry. */
export function maxPacketBody(): number {
  return arena().half - BODY_AT - 1024;
}

function writeBody(w: TlWriter, view: Uint8Array<ArrayBuffer>, m: OutgoingMessage): void {
  const start = w.pos;
  if (m.body instanceof Uint8Array) w.raw(m.body);
  else {
    // Straight into this writer: no second writer per message.
    resetWriteDepth();
    writeObject(w, m.body);
  }
  const skip = m.gzipSkip ?? 0;
  const length = w.pos - start - skip;
  if (m.gzipMin !== undefined && length >= m.gzipMin) {
    const packed = gzip(view.subarray(start + skip, start + skip + length));
    if (packed.length + 8 < length) {
      w.pos = start + skip;
      w.uint(GZIP_PACKED);
      w.bytes(packed);
    }
  }
}

/**
 * Serializes `messages` (one: plain; several: a msg_container whose own msg_id and seq_no are `container`)
 * and seals the packet. Returns a view of the packet in the arena: send it before building the next one.
 */
export function sealPacket(options: SealOptions, messages: readonly OutgoingMessage[], container?: { msgId: bigint; seqNo: number }): Uint8Array<ArrayBuffer> {
  const { view, sendAt, half } = arena();
  if (messages.length === 0) throw new RangeError('sealPacket: no messages');
  if (messages.length > MAX_CONTAINER_MESSAGES) throw new RangeError(`sealPacket: at most ${MAX_CONTAINER_MESSAGES} messages per container`);
  // Room for the packet plus the largest padding (27 bytes) in this half of the arena.
  const bounded = view.subarray(0, sendAt + half - 64);
  const w = TlWriter.into(bounded, sendAt + BODY_AT);
  let fields: MessageFields;
  if (messages.length === 1 && container === undefined) {
    writeBody(w, bounded, messages[0]);
    fields = { salt: options.salt, sessionId: options.sessionId, msgId: messages[0].msgId, seqNo: messages[0].seqNo };
  } else {
    if (!container) throw new RangeError('sealPacket: several messages need a container msg_id and seq_no');
    w.uint(MSG_CONTAINER);
    w.int(messages.length);
    for (const m of messages) {
      w.long(m.msgId);
      w.int(m.seqNo);
      const lengthAt = w.pos;
      w.int(0);
      writeBody(w, bounded, m);
      const length = w.pos - lengthAt - 4;
      view[lengthAt] = length;
      view[lengthAt + 1] = length >>> 8;
      view[lengthAt + 2] = length >>> 16;
      view[lengthAt + 3] = length >>> 24;
    }
    fields = { salt: options.salt, sessionId: options.sessionId, msgId: container.msgId, seqNo: container.seqNo };
  }
  const bodyLength = w.pos - sendAt - BODY_AT;
  const packetLength = sealMessageInPlace(sendAt, bodyLength, options.key, options.x, fields);
  return view.subarray(sendAt, sendAt + packetLength);
}

/** Bytes `message` adds to a container (an estimate for objects: callers bound batches by count as well). */
export function containerItemSize(bodyLength: number): number {
  return ITEM_HEADER + bodyLength;
}

export interface OpenedPacket extends MessageFields {
  /** The message body, copied out of the arena. */
  body: Uint8Array;
}

function copyIn(payload: Uint8Array): number {
  const { view, receiveAt, half } = arena();
  if (payload.length > half) throw new SecurityError('length', `packet of ${payload.length} bytes exceeds the ${half}-byte receive buffer`);
  view.set(payload, receiveAt);
  return receiveAt;
}

/** Decrypts and checks a received packet (SecurityError naming the failed check); the body is a copy. */
export function openPacket(key: LoadedAuthKey, x: 0 | 8, sessionId: bigint | 'any', payload: Uint8Array): OpenedPacket {
  const at = copyIn(payload);
  const r = openMessageInPlace(at, payload.length, key, x, sessionId);
  return { salt: r.salt, sessionId: r.sessionId, msgId: r.msgId, seqNo: r.seqNo, body: arena().view.slice(r.bodyOffset, r.bodyOffset + r.bodyLength) };
}

/** Server side: the session_id is the client's to choose, so it is read from the packet; every other check still runs. */
export function openPacketAnySession(key: LoadedAuthKey, payload: Uint8Array): OpenedPacket {
  return openPacket(key, 0, 'any', payload);
}

/** One message inside a packet (the packet's own, or a container item). `body` is a view of the packet body. */
export interface InnerMessage {
  msgId: bigint;
  seqNo: number;
  body: Uint8Array;
}

/** The constructor id a body starts with (0 if shorter than 4 bytes). */
export function bodyId(body: Uint8Array): number {
  return body.length < 4 ? 0 : (body[0] | (body[1] << 8) | (body[2] << 16) | (body[3] << 24)) >>> 0;
}

/**
 * The items of a msg_container body, checked as a whole (TlError on any violation): at most 1024 items,
 * each length a multiple of 4 inside the container, no nested containers, each msg_id below the
 * container's own, no msg_id twice.
 */
export function unpackContainer(body: Uint8Array, containerMsgId: bigint): InnerMessage[] {
  const r = new TlReader(body);
  if (r.uint() !== MSG_CONTAINER) r.fail('not a msg_container', 'msg_container');
  const count = r.int();
  if (count < 0 || count > MAX_CONTAINER_MESSAGES) r.fail(`container of ${count} messages`, 'msg_container');
  const out: InnerMessage[] = [];
  const seen = new Set<bigint>();
  for (let i = 0; i < count; i++) {
    const msgId = r.long();
    const seqNo = r.int();
    const length = r.int();
    if (length < 0 || length % 4 !== 0 || length > r.remaining) r.fail(`item of ${length} bytes`, 'msg_container');
    const inner = r.raw(length);
    if (bodyId(inner) === MSG_CONTAINER) r.fail('nested container', 'msg_container');
    if (msgId >= containerMsgId) r.fail('an item msg_id is not below the container msg_id', 'msg_container');
    if (seen.has(msgId)) r.fail('the same msg_id twice', 'msg_container');
    seen.add(msgId);
    out.push({ msgId, seqNo, body: inner });
  }
  if (r.remaining !== 0) r.fail(`${r.remaining} trailing bytes`, 'msg_container');
  return out;
}

/** Is this TlError from a container check? */
export function isContainerError(error: unknown): boolean {
  return error instanceof TlError && error.message.includes('msg_container');
}
