// MD5 (RFC 1321), only for what Telegram still uses it for: the 32-bit fingerprint of a secret chat's
// encrypted file key and iv, and the md5_checksum of small uploads. Not a security primitive here.
// Pure TS (cold paths, and it must run where node:crypto does not: browsers); incremental so an upload can
// hash its parts as they stream by.

const S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
/** K[i] = floor(|sin(i + 1)| · 2^32). */
const K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);

export class Md5 {
  private readonly h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476);
  private readonly block = new Uint8Array(64);
  private readonly view = new DataView(this.block.buffer);
  private readonly m = new Int32Array(16);
  private used = 0;
  private length = 0;
  private finished = false;

  update(data: Uint8Array): this {
    if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
    if (this.finished) throw new Error('md5: update after digest');
    this.length += data.length;
    let i = 0;
    while (i < data.length) {
      const take = Math.min(64 - this.used, data.length - i);
      this.block.set(data.subarray(i, i + take), this.used);
      this.used += take;
      i += take;
      if (this.used === 64) {
        this.compress();
        this.used = 0;
      }
    }
    return this;
  }

  /** The 16-byte digest; the hash cannot be updated afterwards. */
  digest(): Uint8Array<ArrayBuffer> {
    if (this.finished) throw new Error('md5: digest called twice');
    this.finished = true;
    const bits = this.length * 8;
    this.block[this.used++] = 0x80;
    if (this.used > 56) {
      this.block.fill(0, this.used);
      this.compress();
      this.used = 0;
    }
    this.block.fill(0, this.used, 56);
    this.view.setUint32(56, bits >>> 0, true);
    this.view.setUint32(60, Math.floor(bits / 2 ** 32) >>> 0, true);
    this.compress();
    const out = new Uint8Array(16);
    const ov = new DataView(out.buffer);
    for (let i = 0; i < 4; i++) ov.setInt32(i * 4, this.h[i], true);
    return out;
  }

  private compress(): void {
    const { m, view, h } = this;
    for (let i = 0; i < 16; i++) m[i] = view.getInt32(i * 4, true);
    let a = h[0], b = h[1], c = h[2], d = h[3];
    for (let i = 0; i < 64; i++) {
      let f: number, g: number;
      if (i < 16) { f = (b & c) | (~b & d); g = i; }
      else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
      else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
      else { f = c ^ (b | ~d); g = (7 * i) & 15; }
      const t = (a + f + K[i] + m[g]) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((t << S[i]) | (t >>> (32 - S[i])))) | 0;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + b) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
  }
}

/** MD5 digest (16 bytes) of data. */
export function md5(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Md5().update(data).digest();
}
