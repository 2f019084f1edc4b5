// Reads the published test vectors in test/vectors/VECTORS.md (sources are named inside, per set).
import { readFileSync } from 'node:fs';

export type VectorValue = Uint8Array | bigint | string;
export type VectorSet = Map<string, VectorValue>;

let cache: Map<string, VectorSet> | undefined;

export function vectorSets(): Map<string, VectorSet> {
  if (cache) return cache;
  const text = readFileSync(new URL('../vectors/VECTORS.md', import.meta.url), 'utf8');
  const sets = new Map<string, VectorSet>();
  for (const block of text.matchAll(/^```vectors\n([\s\S]*?)^```$/gm)) {
    let current: VectorSet | undefined;
    for (const line of block[1].split('\n')) {
      const header = /^\[(.+)\]$/.exec(line);
      if (header) {
        current = new Map();
        sets.set(header[1], current);
        continue;
      }
      const entry = /^(\w+) = (int:|str:)?(.*)$/.exec(line);
      if (!entry || !current) continue;
      const [, name, kind, raw] = entry;
      current.set(name, kind === 'int:' ? BigInt(raw) : kind === 'str:' ? raw : hex(raw));
    }
  }
  cache = sets;
  return sets;
}

export function vectorSet(name: string): VectorSet {
  const set = vectorSets().get(name);
  if (!set) throw new Error(`no vector set [${name}] in test/vectors/VECTORS.md`);
  return set;
}

export function bytesOf(set: VectorSet, key: string): Uint8Array {
  const v = set.get(key);
  if (!(v instanceof Uint8Array)) throw new Error(`vector ${key} is not hex bytes`);
  return v;
}

export function intOf(set: VectorSet, key: string): bigint {
  const v = set.get(key);
  if (typeof v !== 'bigint') throw new Error(`vector ${key} is not an int`);
  return v;
}

export function hex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || /[^0-9a-f]/i.test(text)) throw new Error(`bad hex: ${text.slice(0, 40)}`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
