// SHA-1 and SHA-256 over the WASM core. Per call: one copy into the IO buffer, one call, one slice out
// (the digest is written over the start of IO once the input has been read). Inputs larger than IO are fed
// in IO-sized chunks through the core's incremental API, its context carried in WASM memory.
import { checkBytes } from './checks.ts';
import { checkRegion } from './region.ts';
import { core, type Core } from './wasm.ts';

interface ShaExports {
  sha1Into(ptr: number, len: number, out: number): void;
  sha1Init(ctx: number): void;
  sha1Update(ctx: number, ptr: number, len: number): void;
  sha1Final(ctx: number, out: number): void;
  sha1CtxPtr(): number;
  sha256Into(ptr: number, len: number, out: number): void;
  sha256Init(ctx: number): void;
  sha256Update(ctx: number, ptr: number, len: number): void;
  sha256Final(ctx: number, out: number): void;
  sha256CtxPtr(): number;
  shaDigestPtr(): number;
}

type Into = (ptr: number, len: number, out: number) => void;
type Init = (ctx: number) => void;
type Update = (ctx: number, ptr: number, len: number) => void;
type Final = (ctx: number, out: number) => void;

/** Everything one hash needs, resolved once: the hot path reads only these fields. */
interface Hash {
  w: Core;
  u8: Uint8Array<ArrayBuffer>;
  io: number;
  ioLen: number;
  /** Where in-place calls put the digest (never inside IO or the arena). */
  digest: number;
  size: number;
  into: Into;
  init: Init;
  update: Update;
  final: Final;
  ctx: number;
}

let sha1Kit: Hash | undefined;
let sha256Kit: Hash | undefined;

function kit(which: 1 | 256): Hash {
  const w = core<ShaExports>();
  const base = { w, u8: w.u8, io: w.io, ioLen: w.ioLen, digest: w.shaDigestPtr() };
  return which === 1
    ? { ...base, size: 20, into: w.sha1Into, init: w.sha1Init, update: w.sha1Update, final: w.sha1Final, ctx: w.sha1CtxPtr() }
    : { ...base, size: 32, into: w.sha256Into, init: w.sha256Init, update: w.sha256Update, final: w.sha256Final, ctx: w.sha256CtxPtr() };
}

function hash(k: Hash, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const { u8, io } = k;
  const n = data.length;
  if (n <= k.ioLen) {
    u8.set(data, io);
    k.into(io, n, io);
    return u8.slice(io, io + k.size);
  }
  const { ctx, ioLen } = k;
  k.init(ctx);
  for (let at = 0; at < n; at += ioLen) {
    const chunk = data.subarray(at, Math.min(at + ioLen, n));
    u8.set(chunk, io);
    k.update(ctx, io, chunk.length);
  }
  k.final(ctx, io);
  return u8.slice(io, io + k.size);
}

function hashInPlace(k: Hash, offset: number, length: number): Uint8Array<ArrayBuffer> {
  checkRegion(k.w, offset, length);
  k.into(offset, length, k.digest);
  return k.u8.slice(k.digest, k.digest + k.size);
}

/** SHA-1 of `data` (20 bytes). */
export function sha1(data: Uint8Array): Uint8Array<ArrayBuffer> {
  checkBytes('data', data);
  return hash(sha1Kit ??= kit(1), data);
}

/** SHA-256 of `data` (32 bytes). */
export function sha256(data: Uint8Array): Uint8Array<ArrayBuffer> {
  checkBytes('data', data);
  return hash(sha256Kit ??= kit(256), data);
}

/** SHA-1 of `length` bytes already in WASM memory at `offset` (inside the IO buffer or the arena). */
export function sha1InPlace(offset: number, length: number): Uint8Array<ArrayBuffer> {
  return hashInPlace(sha1Kit ??= kit(1), offset, length);
}

/** SHA-256 of `length` bytes already in WASM memory at `offset` (inside the IO buffer or the arena). */
export function sha256InPlace(offset: number, length: number): Uint8Array<ArrayBuffer> {
  return hashInPlace(sha256Kit ??= kit(256), offset, length);
}
