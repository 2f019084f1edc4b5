// Encrypted files of secret chats (core.telegram.org/api/end-to-end, "Sending Encrypted Files"): each file
// has its own random 32-byte AES key and 32-byte iv, unrelated to the chat key (they travel inside the
// encrypted message's media), AES-256-IGE over the file padded to a multiple of 16, and a 32-bit
// key_fingerprint = digest[0:4] XOR digest[4:8] with digest = md5(key + iv), both halves read as
// little-endian int32 (the TL `key_fingerprint:int`). The fingerprint travels outside (InputEncryptedFile /
// EncryptedFile), so the receiver checks it against the key and iv it got end-to-end before decrypting.
import { aesIgeDecrypt, aesIgeEncrypt } from '../../../bindings/aes.ts';
import { SecurityError } from '../../errors.ts';
import { concatBytes, randomBytes } from '../bytes.ts';
import { md5 } from '../md5.ts';

export interface SecretFileKey {
  key: Uint8Array;
  iv: Uint8Array;
}

/** The 32-bit fingerprint of a file key and iv (signed int32). */
export function secretFileFingerprint(key: Uint8Array, iv: Uint8Array): number {
  checkFileKey(key, iv);
  const d = new DataView(md5(concatBytes(key, iv)).buffer);
  return d.getInt32(0, true) ^ d.getInt32(4, true);
}

function checkFileKey(key: Uint8Array, iv: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new TypeError('key must be 32 bytes');
  if (!(iv instanceof Uint8Array) || iv.length !== 32) throw new TypeError('iv must be 32 bytes');
}

/** A fresh random key and iv for one file. */
export function createSecretFileKey(): SecretFileKey {
  return { key: randomBytes(32), iv: randomBytes(32) };
}

/** Encrypts a whole file (zero-padded to a multiple of 16; the real size travels in the media). */
export function encryptSecretFile(data: Uint8Array, k: SecretFileKey): Uint8Array<ArrayBuffer> {
  checkFileKey(k.key, k.iv);
  const padded = new Uint8Array(Math.ceil(data.length / 16) * 16 || 16);
  padded.set(data);
  return aesIgeEncrypt(padded, k.key, k.iv);
}

/**
 * Decrypts a downloaded file: first the fingerprint announced outside (EncryptedFile.key_fingerprint) must be
 * that of the key and iv from the message (SecurityError 'file_key_fingerprint'), then the size must fit
 * (SecurityError 'file_size'). Returns the first `size` bytes.
 */
export function decryptSecretFile(encrypted: Uint8Array, k: SecretFileKey, size: number, keyFingerprint: number): Uint8Array<ArrayBuffer> {
  if (secretFileFingerprint(k.key, k.iv) !== (keyFingerprint | 0)) {
    throw new SecurityError('file_key_fingerprint', 'the file was not encrypted with the key and iv of the message');
  }
  const expected = Number.isSafeInteger(size) && size >= 0 ? Math.ceil(size / 16) * 16 || 16 : -1;
  if (encrypted.length !== expected) {
    throw new SecurityError('file_size', `${encrypted.length} encrypted bytes do not hold a file of ${size} bytes`);
  }
  return aesIgeDecrypt(encrypted, k.key, k.iv).slice(0, size);
}
