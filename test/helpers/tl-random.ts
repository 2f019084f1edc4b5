// Seeded random TL objects for any constructor of the bundled schemas, in the reader's canonical form:
// every field key present, `true` flags as booleans, absent optional fields as undefined. So
// deserialize(serialize(o)) must deepStrictEqual o.
import { loadModel } from '../../src/tl/codegen/generate.ts';
import type { Def, Model } from '../../src/tl/codegen/model.ts';
import { camel } from '../../src/tl/codegen/names.ts';
import type { TlType } from '../../src/tl/schema/parser.ts';

let model: Model | undefined;
export function tlModel(): Model {
  return (model ??= loadModel());
}

export type Rand = () => number; // uniform in [0, 1)

/** xorshift32 with a seed: reproducible across runs. */
export function rng(seed: number): Rand {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const STRINGS = ['', 'a', 'hello', 'Привет, мир', '😀 emoji', 'x'.repeat(253), 'y'.repeat(254), 'z'.repeat(300)];

function bytes(rand: Rand, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (rand() * 256) | 0;
  return b;
}

/** How many nested boxed/vector fields a constructor forces on us (to pick small ones when deep). */
function weight(d: Def): number {
  return d.params.filter((p) => !p.condition && (p.type.kind === 'named' || p.type.kind === 'vector' || p.type.kind === 'generic' || p.type.kind === 'object')).length;
}

export interface RandomOptions {
  /** Presence of each flag bit: 'random', 'all' or 'none'; or a function of (entry, flags field, bit). */
  flags?: 'random' | 'all' | 'none' | ((d: Def, field: string, bit: number) => boolean);
}

export function randomValue(t: TlType, rand: Rand, depth: number, opts: RandomOptions = {}): unknown {
  const m = tlModel();
  switch (t.kind) {
    case 'primitive':
      switch (t.name) {
        case 'int':
          return ((rand() * 2 ** 32) | 0);
        case 'long':
          return BigInt.asIntN(64, (BigInt((rand() * 2 ** 32) >>> 0) << 32n) | BigInt((rand() * 2 ** 32) >>> 0));
        case 'double':
          return (rand() - 0.5) * 1e6;
        case 'int128':
          return bytes(rand, 16);
        case 'int256':
          return bytes(rand, 32);
        case 'bytes':
          return bytes(rand, [0, 1, 3, 4, 253, 254, 300][(rand() * 7) | 0]);
        case 'string':
          return STRINGS[(rand() * STRINGS.length) | 0];
        case 'Bool':
          return rand() < 0.5;
      }
      break;
    case 'vector': {
      const n = depth > 3 ? 0 : (rand() * 3) | 0;
      return Array.from({ length: n }, () => randomValue(t.item, rand, depth + 1, opts));
    }
    case 'named': {
      if (t.bare) return randomObject(m.byName.get(t.name)!, rand, depth + 1, opts);
      const ctors = m.types.get(t.name)!;
      let pick = ctors[(rand() * ctors.length) | 0];
      if (depth > 4) pick = ctors.reduce((a, b) => (weight(b) < weight(a) ? b : a));
      return randomObject(pick, rand, depth + 1, opts);
    }
    case 'generic':
      return { _: 'help.getConfig' };
    case 'object':
      return { _: 'inputPeerSelf' };
  }
  throw new Error(`no random value for ${t.kind}`);
}

/** A random object of constructor `d` (flags per opts; nested fields random). */
export function randomObject(d: Def, rand: Rand, depth = 0, opts: RandomOptions = {}): Record<string, unknown> {
  const deep = depth > 4;
  const on = (field: string, bit: number) => {
    const f = opts.flags ?? 'random';
    if (depth > 0 && typeof f !== 'function') return deep ? false : rand() < 0.5;
    if (typeof f === 'function') return depth === 0 ? f(d, field, bit) : !deep && rand() < 0.5;
    return f === 'all' ? true : f === 'none' ? false : rand() < 0.5;
  };
  const bits = new Map<string, boolean>();
  const o: Record<string, unknown> = { _: d.name };
  for (const p of d.params) {
    if (p.type.kind === 'flags') continue;
    if (d.name === 'mt_message' && p.name === 'bytes') continue;
    if (p.condition) {
      const key = `${p.condition.field}.${p.condition.bit}`;
      if (!bits.has(key)) bits.set(key, on(p.condition.field, p.condition.bit));
      const present = bits.get(key)!;
      o[camel(p.name)] = p.type.kind === 'true' ? present : present ? randomValue(p.type, rand, depth, opts) : undefined;
    } else {
      o[camel(p.name)] = randomValue(p.type, rand, depth, opts);
    }
  }
  return o;
}
