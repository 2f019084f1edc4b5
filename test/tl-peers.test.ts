// Byte-exact cross-checks against two independent TL implementations: mtcute 0.30.3 (layer 227) and
// GramJS 2.26 (layer 198). For every constructor and method whose id is the same in their layer and
// ours (the id is the CRC of the whole line, so same id = same fields), random objects — all of whose
// nested constructors also share ids — are serialized by them and by us; the bytes must be equal, and
// our reader must decode their bytes back to our object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { TlBinaryWriter, __tlWriterMap } from '@mtcute/core/utils.js';
import { deserialize, serialize, type TlSerializable } from '../src/index.ts';
import { gramClass, mtcuteFields, mtcuteId, toGram, toMtcute } from '../bench/tl-samples.ts';
import { toHex } from './helpers/vectors.ts';
import { randomObject, rng, tlModel } from './helpers/tl-random.ts';

const require = createRequire(import.meta.url);
const mtcuteSchema = require('@mtcute/core/tl/api-schema.json') as { e: { name: string; arguments: { name: string; type: string }[] }[] };
const camel = (n: string) => n.replace(/_([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
/** Fields mtcute writes as JS numbers (int53): our values must fit. */
const INT53 = new Map(mtcuteSchema.e.map((e) => [e.name, new Set(e.arguments.filter((a) => a.type.includes('int53')).map((a) => camel(a.name)))]));

function gramId(name: string): number | undefined {
  try {
    return gramClass(name).CONSTRUCTOR_ID >>> 0;
  } catch {
    return undefined;
  }
}

/** Every `_` name inside v. */
function names(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) names(x, out);
  else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const o = v as Record<string, unknown>;
    if (typeof o._ === 'string') out.add(o._);
    for (const x of Object.values(o)) names(x, out);
  }
  return out;
}

/** Clamps longs that mtcute keeps as int53 into the safe-integer range (in our object, so both sides agree). */
function fitInt53(v: unknown): void {
  if (Array.isArray(v)) return v.forEach(fitInt53);
  if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
  const o = v as Record<string, unknown>;
  const small = INT53.get(o._ as string);
  for (const [k, x] of Object.entries(o)) {
    if (small?.has(k)) o[k] = Array.isArray(x) ? x.map((y) => BigInt.asIntN(50, y as bigint)) : typeof x === 'bigint' ? BigInt.asIntN(50, x) : x;
    else fitInt53(x);
  }
}

/**
 * Adapts our object to what the peer's layer can express, in place: `flags.N?true` fields are not part of
 * the id's CRC, so a constructor with the same id may have gained true-flags since the peer's layer — those
 * become false. mtcute also treats an empty optional vector as absent: those become undefined.
 */
function adapt(v: unknown, known: (name: string) => Set<string> | undefined, emptyVectorsAbsent: boolean): void {
  if (Array.isArray(v)) return v.forEach((x) => adapt(x, known, emptyVectorsAbsent));
  if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
  const o = v as Record<string, unknown>;
  const def = tlModel().byName.get(o._ as string);
  const fields = known(o._ as string);
  for (const p of def?.params ?? []) {
    const k = camel(p.name);
    if (p.type.kind === 'true' && fields && !fields.has(k)) o[k] = false;
    const alone = def!.params.filter((q) => q.condition?.field === p.condition?.field && q.condition?.bit === p.condition?.bit).length === 1;
    if (emptyVectorsAbsent && alone && p.condition && p.type.kind === 'vector' && Array.isArray(o[k]) && (o[k] as unknown[]).length === 0) o[k] = undefined;
  }
  for (const x of Object.values(o)) adapt(x, known, emptyVectorsAbsent);
}

function gramFields(name: string): Set<string> | undefined {
  try {
    return new Set(Object.keys(new (gramClass(name))({})));
  } catch {
    return undefined;
  }
}

function hasWide(v: unknown): boolean {
  // GramJS keeps int128/int256 as big integers; skip those (MTProto handshake objects) for it.
  return [...names(v)].some((n) => tlModel().byName.get(n)?.params.some((p) => p.type.kind === 'primitive' && (p.type.name === 'int128' || p.type.name === 'int256')));
}

test('mtcute 0.30.3: same bytes for every shared constructor and method, and we decode theirs', () => {
  const m = tlModel();
  const same = new Set(m.defs.filter((d) => d.boxable && mtcuteId(d.name) === d.id).map((d) => d.name));
  let compared = 0;
  for (const d of m.defs) {
    if (!same.has(d.name) || d.name === 'gzip_packed') continue;
    for (const seed of [1, 2]) {
      const o = randomObject(d, rng(seed * 31 + d.id));
      if (![...names(o)].every((n) => same.has(n))) continue;
      fitInt53(o);
      adapt(o, mtcuteFields, true);
      const ours = serialize(o as unknown as TlSerializable);
      const theirs = TlBinaryWriter.serializeObject(__tlWriterMap, toMtcute(o) as { _: string });
      assert.equal(toHex(theirs), toHex(ours), d.name);
      assert.deepStrictEqual(deserialize(theirs), o, d.name);
      compared++;
    }
  }
  assert.ok(compared > 1500, `${compared} objects compared`);
});

test('GramJS 2.26: same bytes for every shared constructor and method, and we decode theirs', () => {
  const m = tlModel();
  const same = new Set(m.defs.filter((d) => d.boxable && gramId(d.name) === d.id).map((d) => d.name));
  let compared = 0;
  for (const d of m.defs) {
    if (!same.has(d.name) || d.name === 'gzip_packed') continue;
    for (const seed of [1, 2]) {
      const o = randomObject(d, rng(seed * 37 + d.id));
      if (![...names(o)].every((n) => same.has(n)) || hasWide(o)) continue;
      adapt(o, gramFields, false);
      const ours = serialize(o as unknown as TlSerializable);
      const theirs = new Uint8Array((toGram(o) as { getBytes(): Buffer }).getBytes());
      assert.equal(toHex(theirs), toHex(ours), d.name);
      assert.deepStrictEqual(deserialize(theirs), o, d.name);
      compared++;
    }
  }
  assert.ok(compared > 800, `${compared} objects compared`);
});
