// MTProto's key derivations (core.telegram.org/mtproto/description and /auth_key).
import { sha1, sha256 } from '../../bindings/sha.ts';
import { concatBytes, xorBytes } from './bytes.ts';

/** The handshake's temporary AES key and IV, from new_nonce and server_nonce (auth_key step 6). */
export function tmpAesKeyIv(newNonce: Uint8Array, serverNonce: Uint8Array): { key: Uint8Array; iv: Uint8Array } {
  const a = sha1(concatBytes(newNonce, serverNonce));
  const b = sha1(concatBytes(serverNonce, newNonce));
  const c = sha1(concatBytes(newNonce, newNonce));
  return {
    key: concatBytes(a, b.subarray(0, 12)),
    iv: concatBytes(b.subarray(12, 20), c, newNonce.subarray(0, 4)),
  };
}

/** auth_key_id: the low 64 bits of SHA1(auth_key), as the 8 bytes sent on the wire. */
export function authKeyId(authKey: Uint8Array): Uint8Array {
  return sha1(authKey).slice(12, 20);
}

/** auth_key_aux_hash: the high 64 bits of SHA1(auth_key). */
export function authKeyAuxHash(authKey: Uint8Array): Uint8Array {
  return sha1(authKey).slice(0, 8);
}

/** new_nonce_hash1/2/3 of dh_gen_ok/retry/fail: SHA1(new_nonce + [n] + aux_hash)[4:20]. */
export function newNonceHash(newNonce: Uint8Array, n: 1 | 2 | 3, authKey: Uint8Array): Uint8Array {
  return sha1(concatBytes(newNonce, Uint8Array.of(n), authKeyAuxHash(authKey))).slice(4, 20);
}

/** The first server salt: new_nonce[0:8] XOR server_nonce[0:8] (wire bytes, LE int64). */
export function initialServerSalt(newNonce: Uint8Array, serverNonce: Uint8Array): Uint8Array {
  return xorBytes(newNonce.subarray(0, 8), serverNonce.subarray(0, 8));
}

/** MTProto 2.0: msg_key = SHA256(auth_key[88+x : 120+x] + plaintext)[8:24]; x = 0 from client, 8 from server. */
export function messageKey(authKey: Uint8Array, plaintext: Uint8Array, x: 0 | 8): Uint8Array {
  return sha256(concatBytes(authKey.subarray(88 + x, 120 + x), plaintext)).slice(8, 24);
}

/** MTProto 2.0 KDF: the AES-256-IGE key and IV of one message from its msg_key. */
export function messageAesKeyIv(authKey: Uint8Array, msgKey: Uint8Array, x: 0 | 8): { key: Uint8Array; iv: Uint8Array } {
  const a = sha256(concatBytes(msgKey, authKey.subarray(x, x + 36)));
  const b = sha256(concatBytes(authKey.subarray(40 + x, 76 + x), msgKey));
  return {
    key: concatBytes(a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)),
    iv: concatBytes(b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)),
  };
}
