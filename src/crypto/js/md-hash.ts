// The Merkle–Damgård frame SHA-1 and SHA-256 share (FIPS 180-4 §5.1.1): whole 64-byte blocks, then the
// tail padded with 0x80, zeros and the message length in bits (64-bit big-endian), then the state words
// written out big-endian. Each twin supplies its compression function over its own state array.
const TAIL = new Uint8Array(128);

export function mdHash(data: Uint8Array, state: Int32Array, compress: (bytes: Uint8Array, offset: number, end: number) => void): Uint8Array<ArrayBuffer> {
  const n = data.length;
  const full = n - (n % 64);
  compress(data, 0, full);
  const rest = n - full;
  const tailLen = rest < 56 ? 64 : 128;
  TAIL.fill(0);
  TAIL.set(data.subarray(full), 0);
  TAIL[rest] = 0x80;
  // Bit length as a 64-bit big-endian integer (n < 2^53, so split into high and low words).
  const bitsHigh = Math.floor(n / 0x20000000), bitsLow = (n * 8) >>> 0;
  for (let i = 0; i < 4; i++) {
    TAIL[tailLen - 8 + i] = bitsHigh >>> (24 - 8 * i);
    TAIL[tailLen - 4 + i] = bitsLow >>> (24 - 8 * i);
  }
  compress(TAIL, 0, tailLen);
  const out = new Uint8Array(state.length * 4);
  for (let i = 0; i < state.length; i++) {
    const v = state[i];
    out[i * 4] = v >>> 24; out[i * 4 + 1] = v >>> 16; out[i * 4 + 2] = v >>> 8; out[i * 4 + 3] = v;
  }
  return out;
}
