// mtproto-wasm/js: the pure-TS twins of the WASM core's primitives (same names and signatures).
export { crc32 } from './crc32.ts';
export { modPow, factorizePQ } from './bigint.ts';
