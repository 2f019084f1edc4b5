// Byte helpers the protocol's crypto needs: big-endian bigint conversion, concatenation, xor,
// and constant-time comparison of secrets.

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Big-endian unsigned bytes → bigint. */
export function bigintFromBytes(bytes: Uint8Array): bigint {
  let hex = '';
  for (const b of bytes) hex += (b < 16 ? '0' : '') + b.toString(16);
  return hex === '' ? 0n : BigInt('0x' + hex);
}

/** bigint → big-endian bytes, left-padded to `length` (or minimal when length is omitted). */
export function bigintToBytes(value: bigint, length?: number): Uint8Array<ArrayBuffer> {
  if (value < 0n) throw new RangeError('value must not be negative');
  let hex = value === 0n ? '' : value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const minimal = hex.length / 2;
  const size = length ?? Math.max(minimal, 1);
  if (minimal > size) throw new RangeError(`value needs ${minimal} bytes, more than ${size}`);
  const out = new Uint8Array(size);
  for (let i = 0; i < minimal; i++) out[size - minimal + i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  if (a.length !== b.length) throw new RangeError(`xor of ${a.length} and ${b.length} bytes`);
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** Compares two secrets without an early exit, so timing reveals nothing but their lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Cryptographically secure random bytes (Web Crypto, present in every supported runtime). */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65536)));
  return out;
}
