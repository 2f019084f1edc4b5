// The calling-convention experiment behind the core's bindings (README, design notes): the same 16-byte
// XOR called two ways. Compiled in memory by bench/suites/loader.ts; not part of the core.
export const Uint8Array_ID = idof<Uint8Array>();
export function xorManaged(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ^ 0x5a;
  return out;
}

const BUF = memory.data(64, 16);

export function bufPtr(): usize {
  return BUF;
}

export function xorInPlace(ptr: usize, len: i32): void {
  for (let i = 0; i < len; i++) store<u8>(ptr + i, load<u8>(ptr + i) ^ 0x5a);
}
