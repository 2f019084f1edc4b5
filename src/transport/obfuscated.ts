// obfuscated2 (core.telegram.org/mtproto/mtproto-transports#transport-obfuscation): a 64-byte random
// header carries the protocol tag and the keys of two AES-256-CTR streams, one per direction; every
// later byte of the connection goes through them. With an MTProxy secret each key is SHA256(key + secret).
import { createAesCtr } from '../../bindings/aes.ts';
import { sha256 } from '../../bindings/sha.ts';
import { TransportError } from '../errors.ts';
import type { CodecName } from './codecs/index.ts';
import type { MtproxySecret } from './mtproxy.ts';

/** The byte transform both sides apply once the header is exchanged. */
export interface Obfuscation {
  encrypt(data: Uint8Array): Uint8Array;
  decrypt(data: Uint8Array): Uint8Array;
}

export const OBFUSCATED_HEADER_LENGTH = 64;

const TAGS: Record<number, Exclude<CodecName, 'full'>> = {
  0xefefefef: 'abridged',
  0xeeeeeeee: 'intermediate',
  0xdddddddd: 'padded',
};

const TAG_OF: Record<Exclude<CodecName, 'full'>, number> = { abridged: 0xefefefef, intermediate: 0xeeeeeeee, padded: 0xdddddddd };

/** First words a header must not start with: they would look like another protocol to middleboxes. */
const FORBIDDEN_FIRST_WORDS = new Set([
  0x44414548, // "HEAD"
  0x54534f50, // "POST"
  0x20544547, // "GET "
  0x4954504f, // "OPTI"
  0x02010316, // TLS record 16 03 01 02
  0xdddddddd, // padded intermediate tag
  0xeeeeeeee, // intermediate tag
]);

const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

function streams(keyIvForward: Uint8Array, keyIvBackward: Uint8Array, secret: Uint8Array | undefined) {
  const key = (k: Uint8Array) => (secret ? sha256(concat(k, secret)) : k);
  return {
    forward: createAesCtr(key(keyIvForward.subarray(0, 32)), keyIvForward.subarray(32, 48)),
    backward: createAesCtr(key(keyIvBackward.subarray(0, 32)), keyIvBackward.subarray(32, 48)),
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function isForbidden(init: Uint8Array): boolean {
  return init[0] === 0xef || FORBIDDEN_FIRST_WORDS.has(u32(init, 0)) || u32(init, 4) === 0;
}

export interface ClientHeaderOptions {
  /** Written into the header only when given (MTProxy needs it): +10000 for test DCs, negative for media. */
  dcId?: number;
  secret?: MtproxySecret;
  /** Injectable randomness, for known-answer tests. */
  random?: (length: number) => Uint8Array;
}

/** Client side: a fresh header for `codec` and the streams that follow it. */
export function createObfuscatedHeader(codec: Exclude<CodecName, 'full'>, options: ClientHeaderOptions = {}): { header: Uint8Array; obfuscation: Obfuscation } {
  if (options.secret?.paddedOnly && codec !== 'padded') throw new TransportError(`a dd-secret requires the padded intermediate codec, not ${codec}`);
  const random = options.random ?? ((n: number) => crypto.getRandomValues(new Uint8Array(n)));
  let init: Uint8Array;
  do init = random(OBFUSCATED_HEADER_LENGTH).slice();
  while (isForbidden(init));
  new DataView(init.buffer, init.byteOffset).setUint32(56, TAG_OF[codec], true);
  if (options.dcId !== undefined) new DataView(init.buffer, init.byteOffset).setInt16(60, options.dcId, true);

  const reversed = init.slice().reverse();
  const { forward, backward } = streams(init.subarray(8, 56), reversed.subarray(8, 56), options.secret?.secret);
  const encrypted = forward.process(init);
  const header = concat(init.subarray(0, 56), encrypted.subarray(56, 64));
  return { header, obfuscation: { encrypt: (d) => forward.process(d), decrypt: (d) => backward.process(d) } };
}

export interface AcceptedHeader {
  codec: Exclude<CodecName, 'full'>;
  /** The dc id field (meaningful only when the client wrote one). */
  dcId: number;
  /** The MTProxy secret that opened the header, if any. */
  secret?: MtproxySecret;
  obfuscation: Obfuscation;
}

/**
 * Server side: opens a client's 64-byte header, trying each accepted secret (`undefined` = plain
 * obfuscation). A header no candidate opens is a TransportError.
 */
export function acceptObfuscatedHeader(header: Uint8Array, candidates: ReadonlyArray<MtproxySecret | undefined> = [undefined]): AcceptedHeader {
  if (header.length !== OBFUSCATED_HEADER_LENGTH) throw new TransportError(`obfuscation header must be 64 bytes, got ${header.length}`);
  const reversed = header.slice().reverse();
  for (const candidate of candidates) {
    const { forward: fromClient, backward: toClient } = streams(header.subarray(8, 56), reversed.subarray(8, 56), candidate?.secret);
    const plain = fromClient.process(header);
    const codec = TAGS[u32(plain, 56)];
    if (!codec) continue;
    if (candidate?.paddedOnly && codec !== 'padded') throw new TransportError(`the dd-secret requires padded intermediate, the client sent ${codec}`);
    const dcId = new DataView(plain.buffer, plain.byteOffset).getInt16(60, true);
    return { codec, dcId, secret: candidate, obfuscation: { encrypt: (d) => toClient.process(d), decrypt: (d) => fromClient.process(d) } };
  }
  throw new TransportError('bad obfuscation header: no known protocol tag under any accepted key');
}
