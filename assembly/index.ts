// The WASM core's public surface: raw exports over pointers into the module's own memory.
// Each primitive lives in its own file; this file only re-exports.
export { ioPtr, ioSize, arenaPtr, arenaSize } from './arena';
export { factorizePQ64 } from './pq';
export { modPowHex } from './bigint';
