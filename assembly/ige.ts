// AES-256-IGE (Telegram's MTProto mode; OpenSSL AES_ige_encrypt convention):
//   c_i = E(p_i ^ c_{i-1}) ^ p_{i-1},  p_i = D(c_i ^ p_{i-1}) ^ c_{i-1},
// with iv[0:16] = c_0 ("previous ciphertext") and iv[16:32] = p_0 ("previous plaintext").
// The key and iv are passed in IGE_PARAMS; after a call the iv there holds the chaining values for
// the next chunk, so the bindings can run inputs larger than the IO buffer in pieces.
import { KEY_SCHEDULE_SIZE, decryptBlock, encryptBlock, expandDecKey, expandEncKey } from './aes';

/** key (32 bytes) then iv (32 bytes), written by the bindings. */
const IGE_PARAMS: usize = memory.data(64, 16);
const IGE_SCHEDULE: usize = memory.data(KEY_SCHEDULE_SIZE, 16);

export function aesIgeParams(): usize { return IGE_PARAMS; }

/** Encrypts length bytes (a multiple of 16) at ptr in place; key and iv come from aesIgeParams(). */
export function aesIgeEncrypt(ptr: usize, length: i32): void {
  igeEncrypt(IGE_PARAMS, ptr, length);
}

/** Decrypts length bytes (a multiple of 16) at ptr in place; key and iv come from aesIgeParams(). */
export function aesIgeDecrypt(ptr: usize, length: i32): void {
  igeDecrypt(IGE_PARAMS, ptr, length);
}

/**
 * AS-level entry for other core files (the fused MTProto message encryption): key and iv at `params`
 * (64 bytes, same layout as IGE_PARAMS, chaining values written back). Shares the key-schedule scratch.
 */
export function igeEncrypt(params: usize, ptr: usize, length: i32): void {
  const rk = IGE_SCHEDULE;
  expandEncKey(params, rk);
  let y = v128.load(params, 32); // previous ciphertext
  let x = v128.load(params, 48); // previous plaintext
  const end = ptr + <usize>(length & ~15);
  for (let p = ptr; p < end; p += 16) {
    const m = v128.load(p);
    y = v128.xor(encryptBlock(v128.xor(m, y), rk), x);
    x = m;
    v128.store(p, y);
  }
  v128.store(params, y, 32);
  v128.store(params, x, 48);
}

/** The inverse of igeEncrypt (see there). */
export function igeDecrypt(params: usize, ptr: usize, length: i32): void {
  const rk = IGE_SCHEDULE;
  expandDecKey(params, rk);
  let y = v128.load(params, 32); // previous ciphertext
  let x = v128.load(params, 48); // previous plaintext
  const end = ptr + <usize>(length & ~15);
  for (let p = ptr; p < end; p += 16) {
    const c = v128.load(p);
    x = v128.xor(decryptBlock(v128.xor(c, x), rk), y);
    y = c;
    v128.store(p, x);
  }
  v128.store(params, y, 32);
  v128.store(params, x, 48);
}
