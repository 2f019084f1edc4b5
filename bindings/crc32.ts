// CRC-32 (zlib) over the WASM core: one copy into IO per IO-sized chunk, the CRC chained across chunks.
import { checkBytes } from './checks.ts';
import { checkRegion } from './region.ts';
import { core, type Core } from './wasm.ts';

interface Crc32Exports {
  crc32Update(crc: number, ptr: number, len: number): number;
}

let kit: { w: Core; u8: Uint8Array<ArrayBuffer>; io: number; ioLen: number; update: Crc32Exports['crc32Update'] } | undefined;

function load(): NonNullable<typeof kit> {
  const w = core<Crc32Exports>();
  return (kit = { w, u8: w.u8, io: w.io, ioLen: w.ioLen, update: w.crc32Update });
}

/** CRC-32 of `data`, as an unsigned 32-bit number (zlib's crc32). */
export function crc32(data: Uint8Array): number {
  checkBytes('data', data);
  const { u8, io, ioLen, update } = kit ?? load();
  let crc = 0;
  for (let at = 0; at < data.length || at === 0; at += ioLen) {
    const chunk = at === 0 && data.length <= ioLen ? data : data.subarray(at, Math.min(at + ioLen, data.length));
    u8.set(chunk, io);
    crc = update(crc, io, chunk.length);
  }
  return crc >>> 0;
}

/** CRC-32 of `length` bytes in WASM memory at `offset` (IO buffer or arena), continuing from `crc` (0 to start). */
export function crc32InPlace(offset: number, length: number, crc = 0): number {
  const { w, update } = kit ?? load();
  checkRegion(w, offset, length);
  if (!Number.isInteger(crc) || crc < 0 || crc > 0xffffffff) {
    throw new RangeError(`crc must be an unsigned 32-bit integer, got ${String(crc)}`);
  }
  return update(crc, offset, length) >>> 0;
}
