// AES-256-IGE and AES-256-CTR over the WASM core (assembly/ige.ts, assembly/ctr.ts).
import { checkBlocks, checkBytes, checkLength } from './checks.ts';
import { checkRegion } from './region.ts';
import { core, type Core } from './wasm.ts';

interface AesExports {
  aesIgeParams(): number;
  aesIgeEncrypt(ptr: number, length: number): void;
  aesIgeDecrypt(ptr: number, length: number): void;
  aesCtrParams(): number;
  aesCtrSlots(): number;
  aesCtrSlotSize(): number;
  aesCtrSlotCount(): number;
  aesCtrInit(slot: number): void;
  aesCtrProcess(slot: number, ptr: number, length: number): void;
}

type W = Core & AesExports;

function igeArgs(key: unknown, iv: unknown): void {
  checkLength('key', key, 32);
  checkLength('iv', iv, 32);
}

function ige(w: W, run: (ptr: number, length: number) => void, data: Uint8Array, key: Uint8Array, iv: Uint8Array) {
  const params = w.aesIgeParams();
  w.u8.set(key, params);
  w.u8.set(iv, params + 32);
  const n = data.length;
  if (n <= w.ioLen) {
    w.u8.set(data, w.io);
    run(w.io, n);
    return w.u8.slice(w.io, w.io + n);
  }
  // Larger than the IO buffer: the core leaves the chaining values in its iv slot between chunks.
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += w.ioLen) {
    const len = Math.min(w.ioLen, n - off);
    w.u8.set(data.subarray(off, off + len), w.io);
    run(w.io, len);
    out.set(w.u8.subarray(w.io, w.io + len), off);
  }
  return out;
}

/** AES-256-IGE encryption (MTProto 2.0). key: 32 bytes; iv: 32 bytes (iv[0:16] = c_0, iv[16:32] = p_0). */
export function aesIgeEncrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array<ArrayBuffer> {
  checkBlocks('data', data, 16);
  igeArgs(key, iv);
  const w = core<AesExports>();
  return ige(w, w.aesIgeEncrypt, data, key, iv);
}

/** AES-256-IGE decryption, the inverse of aesIgeEncrypt with the same key and iv. */
export function aesIgeDecrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array<ArrayBuffer> {
  checkBlocks('data', data, 16);
  igeArgs(key, iv);
  const w = core<AesExports>();
  return ige(w, w.aesIgeDecrypt, data, key, iv);
}

/** checkRegion (IO buffer or arena only), plus the cipher's block alignment. */
function checkAlignedRegion(w: Core, offset: unknown, length: unknown, block: number): asserts offset is number {
  checkRegion(w, offset, length);
  if ((length as number) % block !== 0) throw new RangeError(`length must be a multiple of ${block} bytes, got ${String(length)}`);
}

function igeInPlace(run: (w: W) => (ptr: number, length: number) => void, offset: number, length: number, key: Uint8Array, iv: Uint8Array): void {
  const w = core<AesExports>();
  checkAlignedRegion(w, offset, length, 16);
  igeArgs(key, iv);
  const params = w.aesIgeParams();
  w.u8.set(key, params);
  w.u8.set(iv, params + 32);
  run(w)(offset, length);
}

/** AES-256-IGE encryption of length bytes already in WASM memory at offset (IO buffer or arena), in place. */
export function aesIgeEncryptInPlace(offset: number, length: number, key: Uint8Array, iv: Uint8Array): void {
  igeInPlace((w) => w.aesIgeEncrypt, offset, length, key, iv);
}

/** AES-256-IGE decryption in place in WASM memory (see aesIgeEncryptInPlace). */
export function aesIgeDecryptInPlace(offset: number, length: number, key: Uint8Array, iv: Uint8Array): void {
  igeInPlace((w) => w.aesIgeDecrypt, offset, length, key, iv);
}

/** An AES-256-CTR keystream; encryption and decryption are the same operation. */
export interface AesCtr {
  /** XORs the next data.length keystream bytes into a copy of data. */
  process(data: Uint8Array): Uint8Array<ArrayBuffer>;
  /** The same, in place over bytes already in WASM memory (IO buffer or arena). */
  processInPlace(offset: number, length: number): void;
  /** Wipes the stream's key schedule; the stream cannot be used afterwards. */
  dispose(): void;
}

// Which stream currently occupies each core slot (see assembly/ctr.ts). Holding at most SLOT_COUNT
// streams strongly is the bound on what this cache keeps alive.
const owners: (CtrStream | undefined)[] = [];
let nextId = 0;

class CtrStream implements AesCtr {
  readonly #w: W;
  readonly #slot: number;
  readonly #base: number;
  /** The stream's state while another stream has its slot (valid only when not the owner). */
  #home: Uint8Array;
  #disposed = false;

  constructor(key: Uint8Array, iv: Uint8Array) {
    const w = core<AesExports>();
    this.#w = w;
    this.#slot = nextId++ % w.aesCtrSlotCount();
    this.#base = w.aesCtrSlots() + this.#slot * w.aesCtrSlotSize();
    this.#home = new Uint8Array(w.aesCtrSlotSize());
    this.#evict();
    const params = w.aesCtrParams();
    w.u8.set(key, params);
    w.u8.set(iv, params + 32);
    w.aesCtrInit(this.#slot);
    owners[this.#slot] = this;
  }

  /** Saves the current occupant of our slot to its home copy. */
  #evict(): void {
    const owner = owners[this.#slot];
    if (owner !== undefined && owner !== this) owner.#home.set(this.#w.u8.subarray(this.#base, this.#base + owner.#home.length));
  }

  #claim(): void {
    if (this.#disposed) throw new Error('AES-CTR stream used after dispose()');
    if (owners[this.#slot] === this) return;
    this.#evict();
    this.#w.u8.set(this.#home, this.#base);
    owners[this.#slot] = this;
  }

  process(data: Uint8Array): Uint8Array<ArrayBuffer> {
    checkBytes('data', data);
    this.#claim();
    const w = this.#w;
    const n = data.length;
    if (n <= w.ioLen) {
      w.u8.set(data, w.io);
      w.aesCtrProcess(this.#slot, w.io, n);
      return w.u8.slice(w.io, w.io + n);
    }
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += w.ioLen) {
      const len = Math.min(w.ioLen, n - off);
      w.u8.set(data.subarray(off, off + len), w.io);
      w.aesCtrProcess(this.#slot, w.io, len);
      out.set(w.u8.subarray(w.io, w.io + len), off);
    }
    return out;
  }

  processInPlace(offset: number, length: number): void {
    checkRegion(this.#w, offset, length);
    this.#claim();
    this.#w.aesCtrProcess(this.#slot, offset, length);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (owners[this.#slot] === this) {
      this.#w.u8.fill(0, this.#base, this.#base + this.#home.length);
      owners[this.#slot] = undefined;
    }
    this.#home.fill(0);
  }
}

/** Starts an AES-256-CTR stream. key: 32 bytes; iv: 16 bytes, the initial 128-bit big-endian counter. */
export function createAesCtr(key: Uint8Array, iv: Uint8Array): AesCtr {
  checkLength('key', key, 32);
  checkLength('iv', iv, 16);
  return new CtrStream(key, iv);
}
