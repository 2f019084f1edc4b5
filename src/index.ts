export { aesIgeEncrypt, aesIgeDecrypt, aesIgeEncryptInPlace, aesIgeDecryptInPlace, createAesCtr } from '../bindings/aes.ts';
export type { AesCtr } from '../bindings/aes.ts';
