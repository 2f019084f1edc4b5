// The server listens once and tells transports apart by the first bytes a client sends:
// ef → abridged; ee ee ee ee → intermediate; dd dd dd dd → padded; "GET " → WebSocket upgrade;
// "POST" → HTTP; a length followed by seq_no 0 → full; anything else → a 64-byte obfuscated header
// (whose rules forbid all of the above as its first bytes).
import type { ByteQueue } from './byte-queue.ts';
import type { CodecName } from './codecs/index.ts';

export type Detected =
  | { kind: 'plain'; codec: CodecName; /** bytes of tag to skip */ tagLength: number }
  | { kind: 'obfuscated' }
  | { kind: 'websocket' }
  | { kind: 'http' };

const WORD = { intermediate: 0xeeeeeeee, padded: 0xdddddddd, get: 0x20544547, post: 0x54534f50, head: 0x44414548, options: 0x4954504f };

/** What the connection speaks, or null while too few bytes have arrived to tell. */
export function detectTransport(queue: ByteQueue): Detected | null {
  if (queue.length < 1) return null;
  if (queue.at(0) === 0xef) return { kind: 'plain', codec: 'abridged', tagLength: 1 };
  if (queue.length < 4) return null;
  const first = queue.uint32(0);
  if (first === WORD.intermediate) return { kind: 'plain', codec: 'intermediate', tagLength: 4 };
  if (first === WORD.padded) return { kind: 'plain', codec: 'padded', tagLength: 4 };
  if (first === WORD.get) return { kind: 'websocket' };
  if (first === WORD.post || first === WORD.head || first === WORD.options) return { kind: 'http' };
  if (queue.length < 8) return null;
  if (queue.uint32(4) === 0) return { kind: 'plain', codec: 'full', tagLength: 0 };
  return queue.length >= 64 ? { kind: 'obfuscated' } : null;
}
