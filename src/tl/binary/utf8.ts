// UTF-8 for TL strings, tuned for what Telegram sends: mostly short, mostly ASCII.
// Short strings go through a hand loop (no TextEncoder/TextDecoder call overhead, no subarray);
// long ones through the built-in encodeInto / a native decoder, which win past the thresholds below.
// Measured on Node 20 (ops/s, hand loop vs built-in): encode ASCII 8 units 35M vs 12M, 16: 18M vs 12M,
// 32: 7.9M vs 12M; decode ASCII 8 B 17.6M vs 9.9M, 16: 9.5M vs 9.2M, 32: 5.1M vs 8.8M. Non-ASCII input
// always goes to a native decoder (a JS decode loop lost): Buffer#utf8Slice where it exists and behaves
// (Node, Bun: see decodeSlice), else the fatal TextDecoder.
// WASM for UTF-8 was measured and rejected: see assembly/experiments/tl.ts.
// Decoding also keeps a small cache of recent ASCII strings up to CACHE_MAX bytes (names, usernames, codes
// repeat across responses): a hit is a compare, no allocation (~25 ns vs ~45 ns for an 8-byte string by the
// hand loop and ~110 ns by TextDecoder, Node 20). Long strings (message texts) never go through it.
// Lone UTF-16 surrogates encode as U+FFFD (EF BF BD), exactly as TextEncoder does, so both paths agree.

/** At or below this many UTF-16 units, encode with the hand loop. */
export const ENCODE_LOOP_MAX = 24;
/** At or below this many bytes, try the hand-written ASCII decoder first. */
export const DECODE_LOOP_MAX = 16;

const encoder = new TextEncoder();
// fatal: invalid UTF-8 throws instead of becoming U+FFFD; ignoreBOM: keep a leading U+FEFF (it is data).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Exact UTF-8 length of `s` (lone surrogates count 3, as U+FFFD). */
export function utf8Length(s: string): number {
  const n = s.length;
  let len = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) len += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      len += 2; // the pair: 2 units → 4 bytes
      i++;
    } else len += 2;
  }
  return len;
}

/**
 * Encodes `s` into `dst` at `at`; returns the number of bytes written.
 * The caller guarantees room for 3 × s.length bytes (the UTF-8 worst case per UTF-16 unit).
 */
export function encodeUtf8Into(s: string, dst: Uint8Array, at: number): number {
  const n = s.length;
  if (n > ENCODE_LOOP_MAX) return encoder.encodeInto(s, dst.subarray(at, at + 3 * n)).written;
  let p = at;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      dst[p++] = c;
    } else if (c < 0x800) {
      dst[p++] = 0xc0 | (c >> 6);
      dst[p++] = 0x80 | (c & 63);
    } else if ((c & 0xf800) !== 0xd800) {
      dst[p++] = 0xe0 | (c >> 12);
      dst[p++] = 0x80 | ((c >> 6) & 63);
      dst[p++] = 0x80 | (c & 63);
    } else {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c < 0xdc00 && (d & 0xfc00) === 0xdc00) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        dst[p++] = 0xf0 | (cp >> 18);
        dst[p++] = 0x80 | ((cp >> 12) & 63);
        dst[p++] = 0x80 | ((cp >> 6) & 63);
        dst[p++] = 0x80 | (cp & 63);
        i++;
      } else {
        dst[p++] = 0xef; // lone surrogate → U+FFFD
        dst[p++] = 0xbf;
        dst[p++] = 0xbd;
      }
    }
  }
  return p - at;
}

/** ASCII strings of at most this many bytes go through the cache of recent short strings. */
export const CACHE_MAX = 32;
const CACHE_BITS = 10;
// Direct-mapped: slot → the last ASCII string decoded there. Names, usernames, language codes, emoji
// statuses… repeat across responses, and a hit is a byte compare with no allocation. Only ASCII strings
// go in, so equal char codes mean equal bytes; a miss just decodes and takes the slot.
const cache: string[] = new Array<string>(1 << CACHE_BITS).fill('');

/**
 * Decodes src[start, end) as strict UTF-8. Returns undefined when the bytes are not valid UTF-8
 * (the caller turns that into a TlError with its own offset).
 */
export function decodeUtf8(src: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start;
  if (n <= CACHE_MAX) {
    if (n === 0) return '';
    // Slot from the length and three bytes: cheaper than hashing every byte, and the compare below checks all.
    const slot = Math.imul(n ^ (src[start] << 8) ^ (src[start + (n >> 1)] << 16) ^ (src[end - 1] << 24), 0x9e3779b1) >>> (32 - CACHE_BITS);
    const c = cache[slot];
    if (c.length === n) {
      let i = 0;
      while (i < n && c.charCodeAt(i) === src[start + i]) i++;
      if (i === n) return c;
    }
    if (n <= DECODE_LOOP_MAX) {
      let out = '';
      let i = start;
      for (; i < end; i++) {
        const b = src[i];
        if (b >= 0x80) break;
        out += String.fromCharCode(b);
      }
      if (i === end) {
        cache[slot] = out;
        return out;
      }
    }
    const s = decodeSlice(src, start, end);
    if (s !== undefined && s.length === n) cache[slot] = s; // as many units as bytes: ASCII
    return s;
  }
  return decodeSlice(src, start, end);
}

// Node's (and Bun's) Buffer#utf8Slice, the native under Buffer#toString, called on the input itself: it decodes a
// range with no subarray, no TextDecoder wrapper and no Buffer view (msgpackr and cbor-x use it the same way).
type Slice = (this: Uint8Array, start: number, end: number) => string;
const utf8Slice = (globalThis as { Buffer?: { prototype: { utf8Slice?: Slice } } }).Buffer?.prototype.utf8Slice;

/**
 * Whether utf8Slice works on a plain Uint8Array and behaves as decodeSlice needs: exact for valid UTF-8, U+FFFD
 * for invalid bytes. Checked once on sample bytes; anywhere else (Deno, browsers, a polyfill) TextDecoder is used.
 */
export const FAST_SLICE: boolean = (() => {
  if (typeof utf8Slice !== 'function') return false;
  try {
    const b = new Uint8Array([0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0x62]);
    // Overlong, surrogate, above U+10FFFF, 3-byte overlong, bytes never in UTF-8, truncated, lone continuation.
    const invalid = ['c080', 'eda080', 'f4908080', 'e08080', 'f5808080', 'ff', 'f09f98', 'c3', '80'];
    return (
      utf8Slice.call(b, 0, 7) === 'a\u00e9\u{1f600}' &&
      utf8Slice.call(b, 12, 13) === 'b' &&
      invalid.every((h) => utf8Slice.call(new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16))), 0, h.length / 2).includes('\ufffd'))
    );
  } catch {
    return false;
  }
})();

/**
 * What the cache and the hand loop do not cover: utf8Slice where FAST_SLICE (a 66-byte text ~120 vs ~160 ns
 * a call in isolation on Node 20; in a 20-message response, where TextDecoder's wrapper and a subarray per
 * call add up, deserialize got ~19% faster). It replaces invalid bytes with U+FFFD instead of failing, so a
 * result without U+FFFD is exact, and one with it (invalid input, or a real U+FFFD) goes to the strict decoder.
 */
function decodeSlice(src: Uint8Array, start: number, end: number): string | undefined {
  if (FAST_SLICE) {
    const s = utf8Slice!.call(src, start, end);
    if (s.indexOf('\ufffd') < 0) return s;
  }
  return decodeNative(src, start, end);
}

function decodeNative(src: Uint8Array, start: number, end: number): string | undefined {
  try {
    return decoder.decode(src.subarray(start, end));
  } catch {
    return undefined;
  }
}
