// JSON for TL model values: bigint as {"$n":"…"}, Uint8Array as {"$b":"<base64>"} (ids and access hashes
// are longs, file references and keys are bytes). The server's cloud journal and the client's FileStorage
// (secret chats' state) both write it. Node only (Buffer), as they are.
export function toJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return { $n: v.toString() };
    if (v instanceof Uint8Array) return { $b: Buffer.from(v.buffer, v.byteOffset, v.length).toString('base64') };
    return v;
  }, space);
}

export function fromJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.$n === 'string' && Object.keys(o).length === 1) return BigInt(o.$n);
      if (typeof o.$b === 'string' && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(o.$b, 'base64'));
    }
    return v;
  });
}
