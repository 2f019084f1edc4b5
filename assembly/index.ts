// The WASM core's public surface: raw exports over pointers into the module's own memory.
// Each primitive lives in its own file; this file only re-exports.
export { ioPtr, ioSize, arenaPtr, arenaSize } from './arena';
export { aesIgeParams, aesIgeEncrypt, aesIgeDecrypt } from './ige';
export { aesCtrParams, aesCtrSlots, aesCtrSlotSize, aesCtrSlotCount, aesCtrInit, aesCtrProcess } from './ctr';
export { sha1Into, sha1Concat2, sha1Init, sha1Update, sha1Final, sha1CtxPtr } from './sha1';
export { sha256Into, sha256Concat2, sha256Init, sha256Update, sha256Final, sha256CtxPtr, shaDigestPtr } from './sha256';
export { crc32Update } from './crc32';
export { factorizePQ64 } from './pq';
export { modPowHex } from './bigint';
export { messageKeySlots, messageKeySlotSize, messageKeySlotCount, messageKeySetup, messageSessionPtr, messageEncrypt, messageDecrypt, messageDeriveKeyIv } from './message';
