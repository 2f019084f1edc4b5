// Pure-TS twin of the core's AES-256-IGE and AES-256-CTR: classic T-table AES (FIPS-197) on
// big-endian 32-bit words. Same API, same argument checks as bindings/aes.ts. Not constant-time
// (table lookups indexed by secret bytes): the WASM build is the one to use where that matters.
import { checkBlocks, checkBytes, checkLength } from '../../../bindings/checks.ts';

const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);
const TE = [new Int32Array(256), new Int32Array(256), new Int32Array(256), new Int32Array(256)];
const TD = [new Int32Array(256), new Int32Array(256), new Int32Array(256), new Int32Array(256)];

function gmul(a: number, b: number): number {
  let r = 0;
  for (; b; b >>= 1) {
    if (b & 1) r ^= a;
    a = (a << 1) ^ (a & 0x80 ? 0x11b : 0);
  }
  return r;
}

{
  // S(x) = affine(x^-1), with x^-1 = x^254.
  for (let x = 0; x < 256; x++) {
    let inv = 1;
    for (let e = 0; e < 254; e++) inv = gmul(inv, x);
    if (x === 0) inv = 0;
    let s = inv;
    for (let i = 1; i < 5; i++) s ^= ((inv << i) | (inv >> (8 - i))) & 0xff;
    s ^= 0x63;
    SBOX[x] = s;
    INV_SBOX[s] = x;
  }
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x];
    const i = INV_SBOX[x];
    const te = (gmul(s, 2) << 24) | (s << 16) | (s << 8) | gmul(s, 3);
    const td = (gmul(i, 14) << 24) | (gmul(i, 9) << 16) | (gmul(i, 13) << 8) | gmul(i, 11);
    for (let k = 0; k < 4; k++) {
      TE[k][x] = (te >>> (8 * k)) | (te << (32 - 8 * k));
      TD[k][x] = (td >>> (8 * k)) | (td << (32 - 8 * k));
    }
  }
}
const [TE0, TE1, TE2, TE3] = TE;
const [TD0, TD1, TD2, TD3] = TD;

const ROUNDS = 14;

function subWord(w: number): number {
  return (SBOX[w >>> 24] << 24) | (SBOX[(w >>> 16) & 255] << 16) | (SBOX[(w >>> 8) & 255] << 8) | SBOX[w & 255];
}

function readWord(b: Uint8Array, o: number): number {
  return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}

function writeWord(b: Uint8Array, o: number, w: number): void {
  b[o] = w >>> 24;
  b[o + 1] = w >>> 16;
  b[o + 2] = w >>> 8;
  b[o + 3] = w;
}

/** FIPS-197 AES-256 key expansion: 60 words. */
function expandKey(key: Uint8Array): Int32Array {
  const w = new Int32Array(4 * (ROUNDS + 1));
  for (let i = 0; i < 8; i++) w[i] = readWord(key, 4 * i);
  let rcon = 1;
  for (let i = 8; i < w.length; i++) {
    let t = w[i - 1];
    if (i % 8 === 0) {
      t = subWord((t << 8) | (t >>> 24)) ^ (rcon << 24);
      rcon <<= 1;
    } else if (i % 8 === 4) {
      t = subWord(t);
    }
    w[i] = w[i - 8] ^ t;
  }
  return w;
}

/** The equivalent inverse cipher's schedule: rounds reversed, InvMixColumns on the middle ones. */
function decryptionKey(enc: Int32Array): Int32Array {
  const d = new Int32Array(enc.length);
  for (let r = 0; r <= ROUNDS; r++) {
    for (let c = 0; c < 4; c++) {
      const w = enc[4 * (ROUNDS - r) + c];
      d[4 * r + c] =
        r === 0 || r === ROUNDS
          ? w
          : TD0[SBOX[w >>> 24]] ^ TD1[SBOX[(w >>> 16) & 255]] ^ TD2[SBOX[(w >>> 8) & 255]] ^ TD3[SBOX[w & 255]];
    }
  }
  return d;
}

/** Encrypts the block in s (4 words) in place. */
function encryptWords(rk: Int32Array, s: Int32Array): void {
  let s0 = s[0] ^ rk[0], s1 = s[1] ^ rk[1], s2 = s[2] ^ rk[2], s3 = s[3] ^ rk[3];
  let k = 4;
  for (let r = 1; r < ROUNDS; r++, k += 4) {
    const t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 255] ^ TE2[(s2 >>> 8) & 255] ^ TE3[s3 & 255] ^ rk[k];
    const t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 255] ^ TE2[(s3 >>> 8) & 255] ^ TE3[s0 & 255] ^ rk[k + 1];
    const t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 255] ^ TE2[(s0 >>> 8) & 255] ^ TE3[s1 & 255] ^ rk[k + 2];
    const t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 255] ^ TE2[(s1 >>> 8) & 255] ^ TE3[s2 & 255] ^ rk[k + 3];
    s0 = t0; s1 = t1; s2 = t2; s3 = t3;
  }
  const S = SBOX;
  s[0] = ((S[s0 >>> 24] << 24) | (S[(s1 >>> 16) & 255] << 16) | (S[(s2 >>> 8) & 255] << 8) | S[s3 & 255]) ^ rk[k];
  s[1] = ((S[s1 >>> 24] << 24) | (S[(s2 >>> 16) & 255] << 16) | (S[(s3 >>> 8) & 255] << 8) | S[s0 & 255]) ^ rk[k + 1];
  s[2] = ((S[s2 >>> 24] << 24) | (S[(s3 >>> 16) & 255] << 16) | (S[(s0 >>> 8) & 255] << 8) | S[s1 & 255]) ^ rk[k + 2];
  s[3] = ((S[s3 >>> 24] << 24) | (S[(s0 >>> 16) & 255] << 16) | (S[(s1 >>> 8) & 255] << 8) | S[s2 & 255]) ^ rk[k + 3];
}

/** Decrypts the block in s (4 words) in place, with a schedule from decryptionKey. */
function decryptWords(dk: Int32Array, s: Int32Array): void {
  let s0 = s[0] ^ dk[0], s1 = s[1] ^ dk[1], s2 = s[2] ^ dk[2], s3 = s[3] ^ dk[3];
  let k = 4;
  for (let r = 1; r < ROUNDS; r++, k += 4) {
    const t0 = TD0[s0 >>> 24] ^ TD1[(s3 >>> 16) & 255] ^ TD2[(s2 >>> 8) & 255] ^ TD3[s1 & 255] ^ dk[k];
    const t1 = TD0[s1 >>> 24] ^ TD1[(s0 >>> 16) & 255] ^ TD2[(s3 >>> 8) & 255] ^ TD3[s2 & 255] ^ dk[k + 1];
    const t2 = TD0[s2 >>> 24] ^ TD1[(s1 >>> 16) & 255] ^ TD2[(s0 >>> 8) & 255] ^ TD3[s3 & 255] ^ dk[k + 2];
    const t3 = TD0[s3 >>> 24] ^ TD1[(s2 >>> 16) & 255] ^ TD2[(s1 >>> 8) & 255] ^ TD3[s0 & 255] ^ dk[k + 3];
    s0 = t0; s1 = t1; s2 = t2; s3 = t3;
  }
  const S = INV_SBOX;
  s[0] = ((S[s0 >>> 24] << 24) | (S[(s3 >>> 16) & 255] << 16) | (S[(s2 >>> 8) & 255] << 8) | S[s1 & 255]) ^ dk[k];
  s[1] = ((S[s1 >>> 24] << 24) | (S[(s0 >>> 16) & 255] << 16) | (S[(s3 >>> 8) & 255] << 8) | S[s2 & 255]) ^ dk[k + 1];
  s[2] = ((S[s2 >>> 24] << 24) | (S[(s1 >>> 16) & 255] << 16) | (S[(s0 >>> 8) & 255] << 8) | S[s3 & 255]) ^ dk[k + 2];
  s[3] = ((S[s3 >>> 24] << 24) | (S[(s2 >>> 16) & 255] << 16) | (S[(s1 >>> 8) & 255] << 8) | S[s0 & 255]) ^ dk[k + 3];
}

/** AES-256-IGE encryption (MTProto 2.0). key: 32 bytes; iv: 32 bytes (iv[0:16] = c_0, iv[16:32] = p_0). */
export function aesIgeEncrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array<ArrayBuffer> {
  checkBlocks('data', data, 16);
  checkLength('key', key, 32);
  checkLength('iv', iv, 32);
  const rk = expandKey(key);
  const out = new Uint8Array(data.length);
  const s = new Int32Array(4);
  let y0 = readWord(iv, 0), y1 = readWord(iv, 4), y2 = readWord(iv, 8), y3 = readWord(iv, 12);
  let x0 = readWord(iv, 16), x1 = readWord(iv, 20), x2 = readWord(iv, 24), x3 = readWord(iv, 28);
  for (let o = 0; o < data.length; o += 16) {
    const m0 = readWord(data, o), m1 = readWord(data, o + 4), m2 = readWord(data, o + 8), m3 = readWord(data, o + 12);
    s[0] = m0 ^ y0; s[1] = m1 ^ y1; s[2] = m2 ^ y2; s[3] = m3 ^ y3;
    encryptWords(rk, s);
    y0 = s[0] ^ x0; y1 = s[1] ^ x1; y2 = s[2] ^ x2; y3 = s[3] ^ x3;
    x0 = m0; x1 = m1; x2 = m2; x3 = m3;
    writeWord(out, o, y0); writeWord(out, o + 4, y1); writeWord(out, o + 8, y2); writeWord(out, o + 12, y3);
  }
  return out;
}

/** AES-256-IGE decryption, the inverse of aesIgeEncrypt with the same key and iv. */
export function aesIgeDecrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array<ArrayBuffer> {
  checkBlocks('data', data, 16);
  checkLength('key', key, 32);
  checkLength('iv', iv, 32);
  const dk = decryptionKey(expandKey(key));
  const out = new Uint8Array(data.length);
  const s = new Int32Array(4);
  let y0 = readWord(iv, 0), y1 = readWord(iv, 4), y2 = readWord(iv, 8), y3 = readWord(iv, 12);
  let x0 = readWord(iv, 16), x1 = readWord(iv, 20), x2 = readWord(iv, 24), x3 = readWord(iv, 28);
  for (let o = 0; o < data.length; o += 16) {
    const c0 = readWord(data, o), c1 = readWord(data, o + 4), c2 = readWord(data, o + 8), c3 = readWord(data, o + 12);
    s[0] = c0 ^ x0; s[1] = c1 ^ x1; s[2] = c2 ^ x2; s[3] = c3 ^ x3;
    decryptWords(dk, s);
    x0 = s[0] ^ y0; x1 = s[1] ^ y1; x2 = s[2] ^ y2; x3 = s[3] ^ y3;
    y0 = c0; y1 = c1; y2 = c2; y3 = c3;
    writeWord(out, o, x0); writeWord(out, o + 4, x1); writeWord(out, o + 8, x2); writeWord(out, o + 12, x3);
  }
  return out;
}

/** An AES-256-CTR keystream; encryption and decryption are the same operation. */
export interface AesCtr {
  /** XORs the next data.length keystream bytes into a copy of data. */
  process(data: Uint8Array): Uint8Array<ArrayBuffer>;
  /** Wipes the key schedule; the stream cannot be used afterwards. */
  dispose(): void;
}

class CtrStream implements AesCtr {
  #rk: Int32Array | undefined;
  readonly #counter: Int32Array;
  readonly #keystream = new Uint8Array(16);
  readonly #block = new Int32Array(4);
  #used = 16;

  constructor(key: Uint8Array, iv: Uint8Array) {
    this.#rk = expandKey(key);
    this.#counter = Int32Array.of(readWord(iv, 0), readWord(iv, 4), readWord(iv, 8), readWord(iv, 12));
  }

  #next(rk: Int32Array): void {
    const c = this.#counter;
    const b = this.#block;
    b.set(c);
    encryptWords(rk, b);
    for (let i = 0; i < 4; i++) writeWord(this.#keystream, 4 * i, b[i]);
    // 128-bit big-endian increment, wrapping.
    for (let i = 3; i >= 0; i--) {
      c[i] = (c[i] + 1) | 0;
      if (c[i] !== 0) break;
    }
    this.#used = 0;
  }

  process(data: Uint8Array): Uint8Array<ArrayBuffer> {
    checkBytes('data', data);
    const rk = this.#rk;
    if (rk === undefined) throw new Error('AES-CTR stream used after dispose()');
    const out = new Uint8Array(data.length);
    const ks = this.#keystream;
    for (let i = 0; i < data.length; i++) {
      if (this.#used === 16) this.#next(rk);
      out[i] = data[i] ^ ks[this.#used++];
    }
    return out;
  }

  dispose(): void {
    this.#rk?.fill(0);
    this.#rk = undefined;
    this.#keystream.fill(0);
  }
}

/** Starts an AES-256-CTR stream. key: 32 bytes; iv: 16 bytes, the initial 128-bit big-endian counter. */
export function createAesCtr(key: Uint8Array, iv: Uint8Array): AesCtr {
  checkLength('key', key, 32);
  checkLength('iv', iv, 16);
  return new CtrStream(key, iv);
}
