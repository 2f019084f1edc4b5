// The WASM core's public surface: raw exports over pointers into the module's own memory.
// Each primitive lives in its own file; this file only re-exports.
export { ioPtr, ioSize, arenaPtr, arenaSize } from './arena';
export { aesIgeParams, aesIgeEncrypt, aesIgeDecrypt } from './ige';
export { aesCtrParams, aesCtrSlots, aesCtrSlotSize, aesCtrSlotCount, aesCtrInit, aesCtrProcess } from './ctr';
