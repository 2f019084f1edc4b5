// End-to-end (secret chat) crypto: message encryption, DH key exchange, encrypted files, key visualization.
export {
  encryptSecretMessage, decryptSecretMessage, secretKey, secretKeyFingerprint, peekKeyFingerprint,
  SECRET_KEY_LENGTH, SECRET_HEADER, MIN_PADDING, MAX_PADDING,
} from './message.ts';
export type { SecretKey } from './message.ts';
export { checkSecretDhConfig, createDhHalf, secretDhKey } from './dh.ts';
export type { DhParams, DhHalf } from './dh.ts';
export { secretFileFingerprint, createSecretFileKey, encryptSecretFile, decryptSecretFile } from './file.ts';
export type { SecretFileKey } from './file.ts';
export { keyVisualization } from './visualization.ts';
export { md5 } from '../md5.ts';
