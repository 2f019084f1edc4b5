// What users compare to rule out a man in the middle (core.telegram.org/api/end-to-end/pfs, "Key
// Visualization"): the first 128 bits of SHA-1 of the chat's original key followed by the first 160 bits of
// SHA-256 of the key in use when the chat reached layer 46 (the same key for chats created at layer ≥ 46).
// Not the key_fingerprint, which is only a sanity check of the exchange.
import { sha1, sha256 } from '../../../bindings/sha.ts';
import { concatBytes } from '../bytes.ts';

/** 36 bytes: SHA1(originalKey)[0:16] + SHA256(layer46Key)[0:20]; shown as hex or as a 12×12 picture. */
export function keyVisualization(originalKey: Uint8Array, layer46Key: Uint8Array = originalKey): Uint8Array<ArrayBuffer> {
  return concatBytes(sha1(originalKey).subarray(0, 16), sha256(layer46Key).subarray(0, 20));
}
