// gzip_packed#3072cfa1 packed_data:bytes — the payload is a gzip member (RFC 1952: 1f 8b 08 header,
// raw DEFLATE, CRC-32 and ISIZE trailer), which is what Telegram sends and what tdlib, mtcute and
// GramJS produce.
//
// Library: fflate. It is pure JS and synchronous, so it runs unchanged in Node, Deno, Bun and browsers
// and fits a synchronous deserialize(). The alternatives fail one of those: CompressionStream /
// DecompressionStream are async only, node:zlib is Node-only (Deno/Bun emulate it, browsers lack it),
// pako is larger and slower.
//
// gunzip is hardened against hostile input: every header field is bounds-checked, the trailer's ISIZE
// must be ≤ maxOutput (checked before any allocation — fflate's own gunzipSync would allocate whatever
// ISIZE claims), the inflated length must equal ISIZE and its CRC-32 must match. Output memory is
// bounded by ISIZE + 1 on the one-shot path (small inputs) and by ISIZE plus one chunk's worth on the
// streaming path (large inputs, fed in 16 KiB pieces and abandoned once the output passes ISIZE), so a
// zip bomb costs neither unbounded memory nor unbounded time. Every failure is a TlError.
import { gzipSync, inflateSync, Inflate } from 'fflate';
import { TlError } from '../../errors.ts';
import { crc32 } from '../../crypto/js/crc32.ts';

const TYPE = 'gzip_packed';
/** Inputs up to this size are inflated in one call; larger ones stream in chunks of this size. */
const CHUNK = 16 << 10;

/** Compresses `data` as a gzip member (level 6, mtime 0 so output is reproducible). */
export function gzip(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
  const out = gzipSync(data, { level: 6 });
  out[4] = out[5] = out[6] = out[7] = 0; // MTIME: fflate writes the current time
  return out;
}

/** Decompresses a gzip member; TlError if it is malformed, corrupt, or would exceed maxOutput bytes. */
export function gunzip(data: Uint8Array, maxOutput: number): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
  if (!Number.isInteger(maxOutput) || maxOutput < 0) throw new RangeError(`maxOutput must be a non-negative integer, got ${maxOutput}`);
  const n = data.length;
  if (n < 18) throw new TlError(`gzip data too short (${n} bytes)`, TYPE, 0);
  if (data[0] !== 0x1f || data[1] !== 0x8b) throw new TlError('not gzip data (bad magic)', TYPE, 0);
  if (data[2] !== 8) throw new TlError(`unsupported gzip compression method ${data[2]}`, TYPE, 2);
  const flags = data[3];
  if (flags & 0xe0) throw new TlError(`reserved gzip flag bits set (0x${flags.toString(16)})`, TYPE, 3);
  const trailer = n - 8;
  let p = 10;
  if (flags & 4) { // FEXTRA
    if (p + 2 > trailer) throw new TlError('truncated gzip extra field', TYPE, p);
    p += 2 + (data[p] | (data[p + 1] << 8));
  }
  for (const bit of [8, 16]) { // FNAME, FCOMMENT: zero-terminated
    if (!(flags & bit)) continue;
    while (p < trailer && data[p] !== 0) p++;
    p++;
  }
  if (flags & 2) p += 2; // FHCRC
  if (p > trailer) throw new TlError('truncated gzip header', TYPE, Math.min(p, n));
  const crc = (data[trailer] | (data[trailer + 1] << 8) | (data[trailer + 2] << 16) | (data[trailer + 3] << 24)) >>> 0;
  const size = (data[trailer + 4] | (data[trailer + 5] << 8) | (data[trailer + 6] << 16) | (data[trailer + 7] << 24)) >>> 0;
  if (size > maxOutput) throw new TlError(`gzip output of ${size} bytes exceeds the limit of ${maxOutput}`, TYPE, trailer + 4);

  const body = data.subarray(p, trailer);
  const out = body.length <= CHUNK ? inflateOnce(body, size, p) : inflateStream(body, size, maxOutput, p);
  if (out.length !== size) {
    throw new TlError(out.length > size
      ? `gzip data inflates to more than the ${size} bytes its trailer says (limit ${maxOutput})`
      : `gzip data inflates to ${out.length} bytes, its trailer says ${size}`, TYPE, p);
  }
  if (crc32(out) !== crc) throw new TlError('gzip CRC-32 mismatch', TYPE, trailer);
  return out;
}

/** One call into a buffer of size + 1: fflate drops writes past its end, so a length of size + 1 means "too long". */
function inflateOnce(body: Uint8Array, size: number, at: number): Uint8Array {
  try {
    return inflateSync(body, { out: new Uint8Array(size + 1) });
  } catch (e) {
    throw new TlError(`corrupt DEFLATE data: ${(e as Error).message}`, TYPE, at);
  }
}

/** Chunked streaming: stops as soon as the output passes `size`. */
function inflateStream(body: Uint8Array, size: number, maxOutput: number, at: number): Uint8Array {
  const out = new Uint8Array(size + 1);
  let written = 0;
  let tooLong = false;
  const inflater = new Inflate((chunk: Uint8Array) => {
    if (written + chunk.length > size) {
      tooLong = true;
      throw new TlError(`gzip data inflates to more than the ${size} bytes its trailer says (limit ${maxOutput})`, TYPE, at);
    }
    out.set(chunk, written);
    written += chunk.length;
  });
  try {
    for (let off = 0; off < body.length; off += CHUNK) {
      inflater.push(body.subarray(off, off + CHUNK), off + CHUNK >= body.length);
    }
  } catch (e) {
    if (tooLong || e instanceof TlError) throw e;
    throw new TlError(`corrupt DEFLATE data: ${(e as Error).message}`, TYPE, at);
  }
  return out.subarray(0, written);
}
