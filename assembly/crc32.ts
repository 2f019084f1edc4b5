// CRC-32 (IEEE 802.3 / zlib: reflected polynomial 0xEDB88320), slicing-by-16, allocation-free.
//
//   crc32Update(crc, ptr, len): the CRC of (what `crc` covered) + bytes at ptr, zlib convention: start with 0,
//   chain results (crc32Update(crc32Update(0, a, n), b, m) == CRC of a + b). Runs over any memory, so the
//   transport's "full" framing can check len|seq|payload where it lies.
//
// Sixteen 256-entry tables (16 KiB, built by the start function): each step folds 16 input bytes with 16
// independent lookups (one table per byte position), so the loop is bound by loads, not by the serial
// byte-at-a-time dependency. Measured on 1 MiB (shared 2-core machine, noisy): slicing-by-16 1.3–2.3 GB/s,
// slicing-by-8 1.2–1.4 GB/s; at 1 KiB 1.5–2.4 vs 0.9–1.7 GB/s. The pure-TS byte-wise table does ~0.4 GB/s.

const TABLES: usize = memory.data(16 * 256 * 4, 64);

function buildTables(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    store<u32>(TABLES + (<usize>n << 2), c);
  }
  for (let n: usize = 0; n < 256; n++) {
    let c = load<u32>(TABLES + (n << 2));
    for (let t: usize = 1; t < 16; t++) {
      c = load<u32>(TABLES + (<usize>(c & 0xff) << 2)) ^ (c >>> 8);
      store<u32>(TABLES + (t << 10) + (n << 2), c);
    }
  }
}
buildTables();

// Lookup in table t (compile-time constant) at byte index i.
// @ts-ignore: decorator
@inline function T(t: usize, i: u32): u32 { return load<u32>(TABLES + (t << 10) + (<usize>i << 2)); }

export function crc32Update(crc: u32, ptr: usize, len: usize): u32 {
  let c = ~crc;
  const end = ptr + len;
  const fast = ptr + (len & ~<usize>15);
  while (ptr < fast) {
    const x0 = c ^ load<u32>(ptr, 0);
    const x1 = load<u32>(ptr, 4);
    const x2 = load<u32>(ptr, 8);
    const x3 = load<u32>(ptr, 12);
    c = T(15, x0 & 0xff) ^ T(14, (x0 >>> 8) & 0xff) ^ T(13, (x0 >>> 16) & 0xff) ^ T(12, x0 >>> 24) ^
        T(11, x1 & 0xff) ^ T(10, (x1 >>> 8) & 0xff) ^ T(9, (x1 >>> 16) & 0xff) ^ T(8, x1 >>> 24) ^
        T(7, x2 & 0xff) ^ T(6, (x2 >>> 8) & 0xff) ^ T(5, (x2 >>> 16) & 0xff) ^ T(4, x2 >>> 24) ^
        T(3, x3 & 0xff) ^ T(2, (x3 >>> 8) & 0xff) ^ T(1, (x3 >>> 16) & 0xff) ^ T(0, x3 >>> 24);
    ptr += 16;
  }
  while (ptr < end) {
    c = T(0, (c ^ <u32>load<u8>(ptr)) & 0xff) ^ (c >>> 8);
    ptr++;
  }
  return ~c;
}
