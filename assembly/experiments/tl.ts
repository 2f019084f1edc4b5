// EXPERIMENT, NOT PART OF THE CORE (assembly/index.ts does not export it): TL byte packing in WASM.
// Kept so bench/suites/tl-binary.ts can re-measure it (it compiles this file in memory). Verdict on
// Node 20, 2 shared cores, one run of that suite (medians; ratios are TS ÷ WASM throughput):
//   bytes field 64 KiB      TS 37.3 GB/s   WASM 2.1 GB/s (copy in + tlBytes)       TS 17.7× faster
//   bytes field 1 KiB       TS 5.1 GB/s    WASM 15.1 GB/s — but TS there includes creating the writer
//                           (~90 ns, a DataView); the copy itself is a native memcpy either way, and WASM
//                           needs one more copy (into its memory) whenever the data starts in JS.
//   UTF-8 encode            TS (hand loop ≤ 24 units, else TextEncoder.encodeInto) 4–70× faster: JS must
//                           first copy the UTF-16 units into WASM memory, which costs as much as encoding.
//   UTF-8 decode ASCII      TS (TextDecoder, fatal) 3–6× faster: V8's ASCII fast path beats transcoding
//                           to UTF-16 and building the string with a utf-16le TextDecoder.
//   UTF-8 decode non-ASCII  WASM 1.1–1.6× faster at ≥ 40 bytes (e.g. 980 B mixed: 350k/s vs 284k/s;
//                           62 KB: 347 vs 307 MB/s), slower below; noisy on this machine.
//   Vector<long>            no WASM role: the cost is bigint ⇄ 64-bit conversion, which only JS can do.
// Only non-ASCII decoding gains, modestly, and only if ASCII text could be routed elsewhere without a
// scan; that did not pay for the extra copy and the branch, so TL stays in TS (src/tl/binary).

/** Writes a TL `bytes` field (length prefix, data, zero padding to 4) at dst from src; returns bytes written. */
export function tlBytes(dst: usize, src: usize, len: i32): i32 {
  let head: i32 = 1;
  if (len <= 253) {
    store<u8>(dst, <u8>len);
  } else {
    store<u32>(dst, 254 | (<u32>len << 8));
    head = 4;
  }
  memory.copy(dst + head, src, len);
  const total = (head + len + 3) & ~3;
  for (let i = head + len; i < total; i++) store<u8>(dst + i, 0);
  return total;
}

/**
 * Strict UTF-8 → UTF-16LE. Returns the number of UTF-16 units written at dst, or -1 for invalid UTF-8
 * (overlong forms, surrogates, > U+10FFFF, truncated or stray continuation bytes).
 */
export function tlUtf8ToUtf16(src: usize, len: i32, dst: usize): i32 {
  let i: i32 = 0;
  let o: usize = dst;
  const mask = i8x16.splat(<i8>0x80);
  while (i < len) {
    // ASCII runs, 16 bytes at a time.
    while (i + 16 <= len) {
      const v = v128.load(src + i);
      if (v128.any_true(v128.and(v, mask))) break;
      v128.store(o, i16x8.extend_low_i8x16_u(v));
      v128.store(o, i16x8.extend_high_i8x16_u(v), 16);
      i += 16;
      o += 32;
    }
    if (i >= len) break;
    const b0 = <u32>load<u8>(src + i);
    if (b0 < 0x80) {
      store<u16>(o, <u16>b0);
      o += 2;
      i++;
    } else if (b0 < 0xc2) {
      return -1; // continuation byte or overlong 2-byte lead
    } else if (b0 < 0xe0) {
      if (i + 1 >= len) return -1;
      const b1 = <u32>load<u8>(src + i + 1);
      if ((b1 & 0xc0) != 0x80) return -1;
      store<u16>(o, <u16>(((b0 & 0x1f) << 6) | (b1 & 0x3f)));
      o += 2;
      i += 2;
    } else if (b0 < 0xf0) {
      if (i + 2 >= len) return -1;
      const b1 = <u32>load<u8>(src + i + 1);
      const b2 = <u32>load<u8>(src + i + 2);
      if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80) return -1;
      const c = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
      if (c < 0x800 || (c >= 0xd800 && c < 0xe000)) return -1;
      store<u16>(o, <u16>c);
      o += 2;
      i += 3;
    } else if (b0 < 0xf5) {
      if (i + 3 >= len) return -1;
      const b1 = <u32>load<u8>(src + i + 1);
      const b2 = <u32>load<u8>(src + i + 2);
      const b3 = <u32>load<u8>(src + i + 3);
      if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80 || (b3 & 0xc0) != 0x80) return -1;
      const c = ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      if (c < 0x10000 || c > 0x10ffff) return -1;
      const d = c - 0x10000;
      store<u16>(o, <u16>(0xd800 | (d >> 10)));
      store<u16>(o, <u16>(0xdc00 | (d & 0x3ff)), 2);
      o += 4;
      i += 4;
    } else {
      return -1;
    }
  }
  return <i32>((o - dst) >> 1);
}

/** UTF-16LE → UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). Returns bytes written at dst. */
export function tlUtf16ToUtf8(src: usize, units: i32, dst: usize): i32 {
  let i: i32 = 0;
  let o: usize = dst;
  const hi = i16x8.splat(<i16>0xff80);
  while (i < units) {
    while (i + 16 <= units) {
      const a = v128.load(src + (<usize>i << 1));
      const b = v128.load(src + (<usize>i << 1), 16);
      if (v128.any_true(v128.and(v128.or(a, b), hi))) break;
      v128.store(o, i8x16.narrow_i16x8_u(a, b));
      i += 16;
      o += 16;
    }
    if (i >= units) break;
    const c = <u32>load<u16>(src + (<usize>i << 1));
    if (c < 0x80) {
      store<u8>(o++, <u8>c);
      i++;
    } else if (c < 0x800) {
      store<u8>(o, <u8>(0xc0 | (c >> 6)));
      store<u8>(o, <u8>(0x80 | (c & 63)), 1);
      o += 2;
      i++;
    } else if ((c & 0xf800) != 0xd800) {
      store<u8>(o, <u8>(0xe0 | (c >> 12)));
      store<u8>(o, <u8>(0x80 | ((c >> 6) & 63)), 1);
      store<u8>(o, <u8>(0x80 | (c & 63)), 2);
      o += 3;
      i++;
    } else {
      const d = i + 1 < units ? <u32>load<u16>(src + (<usize>(i + 1) << 1)) : 0;
      if (c < 0xdc00 && (d & 0xfc00) == 0xdc00) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        store<u8>(o, <u8>(0xf0 | (cp >> 18)));
        store<u8>(o, <u8>(0x80 | ((cp >> 12) & 63)), 1);
        store<u8>(o, <u8>(0x80 | ((cp >> 6) & 63)), 2);
        store<u8>(o, <u8>(0x80 | (cp & 63)), 3);
        o += 4;
        i += 2;
      } else {
        store<u8>(o, 0xef);
        store<u8>(o, 0xbf, 1);
        store<u8>(o, 0xbd, 2);
        o += 3;
        i++;
      }
    }
  }
  return <i32>(o - dst);
}
