// Argument checks shared by the WASM bindings and their pure-TS twins, so both reject the same inputs
// with the same messages.

export function checkBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array, got ${describe(value)}`);
  }
}

export function checkLength(name: string, value: unknown, length: number): asserts value is Uint8Array {
  checkBytes(name, value);
  if (value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

export function checkBlocks(name: string, value: unknown, block: number): asserts value is Uint8Array {
  checkBytes(name, value);
  if (value.length % block !== 0) {
    throw new RangeError(`${name} length must be a multiple of ${block} bytes, got ${value.length}`);
  }
}

export function checkBigInt(name: string, value: unknown): asserts value is bigint {
  if (typeof value !== 'bigint') throw new TypeError(`${name} must be a bigint, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** A 64-bit wire value given as bigint: signed or unsigned form accepted, anything wider refused (never wrapped). */
export function checkInt64(name: string, value: unknown): asserts value is bigint {
  checkBigInt(name, value);
  if (value < -(1n << 63n) || value >= 1n << 64n) throw new RangeError(`${name} must fit in 64 bits, got ${value}`);
}
