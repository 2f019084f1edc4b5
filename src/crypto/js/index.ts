export { aesIgeEncrypt, aesIgeDecrypt, createAesCtr } from './aes.ts';
export type { AesCtr } from './aes.ts';
