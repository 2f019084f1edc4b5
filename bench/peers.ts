// The peer implementations we measure ourselves against (and cross-check bytes with in tests).
// All are devDependencies; versions are pinned in package.json.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as mtcuteWasm from '@mtcute/wasm';

const require = createRequire(import.meta.url);

let mtcuteReady = false;
/** @mtcute/wasm 0.30.3, SIMD build, initialised synchronously. */
export function mtcute(): typeof mtcuteWasm {
  if (!mtcuteReady) {
    mtcuteWasm.initSync(readFileSync(require.resolve('@mtcute/wasm/mtcute-simd.wasm')));
    mtcuteReady = true;
  }
  return mtcuteWasm;
}

/** GramJS (`telegram` 2.26, CommonJS). */
export const gramjs = {
  IGE: require('telegram/crypto/IGE').IGE as new (key: Buffer, iv: Buffer) => {
    encryptIge(data: Buffer): Buffer;
    decryptIge(data: Buffer): Buffer;
  },
  CTR: require('telegram/crypto/CTR').CTR as new (key: Buffer, iv: Buffer) => { encrypt(data: Buffer): Buffer },
  Factorizator: require('telegram/crypto/Factorizator').Factorizator,
  Helpers: require('telegram/Helpers'),
  bigInt: require('big-integer'),
};
