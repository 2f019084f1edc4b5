// Argument check for the *InPlace bindings: the region must lie inside the module's working memory
// (the IO buffer and the arena, which are contiguous), never over a primitive's own state or tables.
import type { Core } from './wasm.ts';

export function checkRegion(w: Core, offset: unknown, length: unknown): asserts offset is number {
  const lo = w.io, hi = w.arena + w.arenaLen;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < lo || offset > hi) {
    throw new RangeError(`offset must be an integer in ${lo}..${hi}, inside the IO buffer or the arena, got ${String(offset)}`);
  }
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0 || offset + length > hi) {
    throw new RangeError(`length must be a non-negative integer keeping the region inside the IO buffer or the arena (offset + length <= ${hi}), got ${String(length)}`);
  }
}
