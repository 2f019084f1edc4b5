// mtproto-wasm/js: the pure-TS twins of the WASM core's primitives (same names and signatures).
export { aesIgeEncrypt, aesIgeDecrypt, createAesCtr } from './aes.ts';
export type { AesCtr } from './aes.ts';
export { sha1 } from './sha1.ts';
export { sha256 } from './sha256.ts';
export { crc32 } from './crc32.ts';
export { modPow, factorizePQ } from './bigint.ts';
export {
  loadAuthKey, messageArena, encryptMessageInPlace, decryptMessageInPlace, encryptMessage, decryptMessage,
  sealMessage, openMessage, sealMessageInPlace, openMessageInPlace, paddingLength, messageAesKeyIv, MESSAGE_CHECKS,
  MESSAGE_HEADER_SIZE, PLAINTEXT_HEADER_SIZE,
} from './message.ts';
export type { LoadedAuthKey, MessageArena, MessageCheck, MessageRegion, MessageFields, OpenedMessage, OpenedRegion } from './message.ts';
