// The codec of one old API layer, derived from the model (the newest layer, whose objects the rest of the
// code handles) by constructor NAME, field by field:
//
// Writing a model object in layer N: the constructor of the same name in layer N; each of its fields taken
// from the model object's field of the same name; fields layer N does not have are dropped; fields it
// requires and the object lacks get the defaults of defaults.ts; flags words are computed for layer N's
// layout. Small type drifts are converted (int ↔ long, string ↔ bytes). A model object whose name layer N
// does not have is a TlError naming the constructor, its type and the layer.
//
// Reading (lifting) a layer-N object into the model: read with layer N's schema, then built in the model's
// shape (the model's fields in the model's order: fields only layer N has are dropped, fields the model
// requires and layer N lacks get the defaults of defaults.ts). A constructor whose name the model does not
// have is a TlError. invokeWithLayer(M, query) inside a request reads its query in layer M.
//
// Fast path: a constructor that is identical in both layers (same id, fields and types), and all of whose
// nested types can only hold such constructors, is read and written by the generated codec of the newest
// layer directly. For layer 227 that covers most objects; the plans below are for the rest. Plans are
// compiled once per constructor and layer, on first use.
import { TlError } from '../../errors.ts';
import { gunzip } from '../binary/gzip.ts';
import { TlReader } from '../binary/reader.ts';
import { TlWriter } from '../binary/writer.ts';
import type { Def, Model } from '../codegen/model.ts';
import { camel } from '../codegen/names.ts';
import '../codec.ts'; // fills the generated tables (WRITERS, readers) the fast path uses
import {
  GZIP_PACKED,
  MAX_GZIP_OUTPUT,
  VECTOR,
  WRITERS,
  badFlags,
  boxedVectorLength,
  getReader,
  notVector,
  readObject as readNewest,
  vectorLength,
  type Reader,
  type Writer,
} from '../codec/runtime.ts';
import type { TlType } from '../schema/parser.ts';
import { defaultConstructor, zeroValue } from './defaults.ts';
import { NEWEST_LAYER } from './schemas.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

const MAX_WRITE_DEPTH = 256;
/** Depth to which a model default object is filled in (cyclic types end in their `…Empty`/fewest-fields constructor anyway). */
const MAX_DEFAULT_DEPTH = 8;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** How a codec finds the codec of another layer (for invokeWithLayer inside a request); undefined: the newest. */
export type CodecLookup = (layer: number) => LayerCodec | undefined;

type FieldWriter = (w: TlWriter, v: any) => void;
type FieldReader = (r: TlReader) => any;

function typeName(d: Def): string {
  const t = d.result;
  return t.kind === 'named' ? t.name : d.name;
}

/** A comparable signature of an entry: equal signatures read and write the same bytes for the same object. */
function signature(d: Def): string {
  return `${d.kind} ${d.id} ${JSON.stringify(d.params)} = ${JSON.stringify(d.result)}`;
}

/** What a field type refers to, for the fast-path closure. */
function refsOf(t: TlType, out: { boxed: Set<string>; bare: Set<string>; any: boolean }): void {
  if (t.kind === 'vector') refsOf(t.item, out);
  else if (t.kind === 'named') (t.bare ? out.bare : out.boxed).add(t.name);
  else if (t.kind === 'object' || t.kind === 'generic') out.any = true;
}

/**
 * Names of the constructors and functions of `layer` whose bytes the newest layer's generated codec reads
 * and writes exactly: identical entries whose nested types can only hold identical constructors.
 */
function fastNames(layer: Model, newest: Model): Set<string> {
  const fast = new Set<string>();
  for (const d of layer.defs) {
    const n = newest.byName.get(d.name);
    if (n && signature(n) === signature(d)) fast.add(d.name);
  }
  const refs = new Map<string, { boxed: Set<string>; bare: Set<string>; any: boolean }>();
  for (const name of fast) {
    const r = { boxed: new Set<string>(), bare: new Set<string>(), any: false };
    for (const p of layer.byName.get(name)!.params) refsOf(p.type, r);
    refs.set(name, r);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of fast) {
      const r = refs.get(name)!;
      let ok = !r.any;
      for (const b of r.bare) if (ok && !fast.has(b)) ok = false;
      for (const t of r.boxed) {
        if (!ok) break;
        const inNewest = newest.types.get(t);
        const inLayer = layer.types.get(t);
        // Every constructor the model may put there, and every one a client of this layer may send, is fast.
        if (!inNewest || !inLayer || inNewest.some((c) => !fast.has(c.name)) || inLayer.some((c) => !fast.has(c.name))) ok = false;
      }
      if (!ok) {
        fast.delete(name);
        changed = true;
      }
    }
  }
  return fast;
}

/** Converts a value read as layer type `from` into model type `to`; null when nothing needs doing. */
function coercion(from: TlType, to: TlType, where: string): ((v: any) => any) | null {
  if (from.kind === 'vector' && to.kind === 'vector') {
    const item = coercion(from.item, to.item, where);
    return item && ((a: any[]) => a.map(item));
  }
  if (from.kind === 'primitive' && to.kind === 'primitive') {
    if (from.name === to.name) return null;
    const pair = `${from.name}>${to.name}`;
    if (pair === 'int>long') return (v: number) => BigInt(v);
    if (pair === 'long>int') return (v: bigint) => Number(BigInt.asIntN(32, v));
    if (pair === 'string>bytes') return (v: string) => encoder.encode(v);
    if (pair === 'bytes>string') return (v: Uint8Array) => decoder.decode(v);
  }
  if ((from.kind === 'true' || (from.kind === 'primitive' && from.name === 'Bool')) && (to.kind === 'true' || (to.kind === 'primitive' && to.name === 'Bool'))) return null;
  const boxedLike = (t: TlType) => t.kind === 'object' || t.kind === 'generic' || (t.kind === 'named' && !t.bare);
  if (boxedLike(from) && boxedLike(to)) return null;
  if (from.kind === 'named' && to.kind === 'named' && from.bare && to.bare) return null;
  if (JSON.stringify(from) === JSON.stringify(to)) return null;
  return () => {
    throw new TlError(`${where} is ${JSON.stringify(from)} in this layer and ${JSON.stringify(to)} in the model: no conversion`, where);
  };
}

export class LayerCodec {
  /** Constructors/functions handled by the newest layer's generated codec (see fastNames). */
  readonly fast: Set<string>;
  private readonly byId = new Map<number, Def>();
  private readonly writers = new Map<string, Writer>();
  private readonly bodies = new Map<string, FieldWriter>();
  private readonly readers = new Map<number, Reader>();
  private readonly bareReaders = new Map<string, FieldReader>();
  private readonly modelDefaults = new Map<string, () => any>();
  private writeDepth = 0;
  private scratch = new TlWriter(4096);

  constructor(
    readonly layer: number,
    private readonly model: Model,
    private readonly newest: Model,
    private readonly lookup: CodecLookup,
  ) {
    for (const d of model.defs) if (d.boxable) this.byId.set(d.id, d);
    this.fast = fastNames(model, newest);
  }

  // ---- writing (model → layer) ----

  /** The TL encoding of a model object (constructor or method) in this layer. */
  serialize(obj: unknown): Uint8Array<ArrayBuffer> {
    const w = this.scratch;
    w.pos = 0;
    this.writeDepth = 0;
    try {
      this.writeObject(w, obj);
    } catch (e) {
      this.scratch = new TlWriter(4096);
      throw e;
    }
    const out = w.result().slice();
    if (w.pos > 1 << 20) this.scratch = new TlWriter(4096);
    return out;
  }

  /** Writes one boxed model object (an array: a Vector of boxed objects). */
  writeObject(w: TlWriter, o: any): void {
    if (++this.writeDepth > MAX_WRITE_DEPTH) {
      this.writeDepth = 0;
      throw new TlError(`nesting deeper than ${MAX_WRITE_DEPTH}`, 'TL object');
    }
    if (Array.isArray(o)) {
      w.uint(VECTOR);
      w.int(o.length);
      for (let i = 0; i < o.length; i++) this.writeObject(w, o[i]);
    } else {
      const name = o == null ? undefined : o._;
      const write = typeof name === 'string' ? (this.writers.get(name) ?? this.compileWriter(name)) : undefined;
      if (write === undefined) {
        const what = o == null ? String(o) : typeof o !== 'object' ? typeof o : `_ = ${JSON.stringify(name)}`;
        throw new TlError(`not a TL object of layer ${this.layer} (${what})`, 'TL object');
      }
      write(w, o);
    }
    this.writeDepth--;
  }

  private compileWriter(name: string): Writer | undefined {
    const d = this.model.byName.get(name);
    if (!d || !d.boxable) {
      const m = this.newest.byName.get(name);
      if (m) throw new TlError(`${name} (${typeName(m)}) has no counterpart in layer ${this.layer}`, typeName(m));
      return undefined;
    }
    let write: Writer | undefined = this.fast.has(name) ? WRITERS.get(name) : undefined;
    if (write === undefined) {
      const body = this.body(d);
      const id = d.id;
      write = (w, o) => {
        w.uint(id);
        body(w, o);
      };
    }
    this.writers.set(name, write);
    return write;
  }

  /** The writer of a constructor's fields (no id), compiled once. */
  private body(d: Def): FieldWriter {
    const cached = this.bodies.get(d.name);
    if (cached) return cached;
    // Flags words: which fields set which bits (a `true` field by its truth, any other by its presence).
    const flagIndex = new Map<string, number>();
    const bits: { key: string; isTrue: boolean; bit: number }[][] = [];
    for (const p of d.params) {
      if (p.type.kind === 'flags') {
        flagIndex.set(p.name, bits.length);
        bits.push([]);
      } else if (p.condition) {
        bits[flagIndex.get(p.condition.field)!].push({ key: camel(p.name), isTrue: p.type.kind === 'true', bit: 2 ** p.condition.bit });
      }
    }
    const steps: ((w: TlWriter, o: any, f: number[]) => void)[] = [];
    for (const p of d.params) {
      const key = camel(p.name);
      if (p.type.kind === 'flags') {
        const k = flagIndex.get(p.name)!;
        steps.push((w, _o, f) => w.int(f[k] | 0));
      } else if (p.type.kind === 'true') {
        continue;
      } else if (p.condition) {
        const k = flagIndex.get(p.condition.field)!;
        const bit = 2 ** p.condition.bit;
        const write = this.fieldWriter(p.type);
        steps.push((w, o, f) => {
          if ((f[k] & bit) !== 0) write(w, o[key]);
        });
      } else {
        const write = this.fieldWriter(p.type);
        const fallback = this.layerDefault(p.type, `${d.name}.${p.name}`);
        steps.push((w, o) => {
          const v = o[key];
          write(w, v === undefined || v === null ? fallback() : v);
        });
      }
    }
    const words = bits.length;
    const body: FieldWriter = (w, o) => {
      const f = words === 0 ? EMPTY_FLAGS : new Array<number>(words);
      for (let k = 0; k < words; k++) {
        let v = 0;
        for (const b of bits[k]) {
          const x = o[b.key];
          if (b.isTrue ? x : x !== undefined && x !== null) v |= b.bit;
        }
        f[k] = v;
      }
      for (let i = 0; i < steps.length; i++) steps[i](w, o, f);
    };
    this.bodies.set(d.name, body);
    return body;
  }

  private fieldWriter(t: TlType): FieldWriter {
    switch (t.kind) {
      case 'primitive':
        switch (t.name) {
          case 'int':
            return (w, v) => w.int(typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : v);
          case 'long':
            return (w, v) => w.long(typeof v === 'number' ? BigInt(v) : v);
          case 'double':
            return (w, v) => w.double(v);
          case 'Bool':
            return (w, v) => w.bool(v);
          case 'string':
            return (w, v) => w.string(typeof v === 'string' ? v : decoder.decode(v));
          case 'bytes':
            return (w, v) => w.bytes(v instanceof Uint8Array ? v : encoder.encode(String(v)));
          case 'int128':
            return (w, v) => w.int128(v);
          case 'int256':
            return (w, v) => w.int256(v);
        }
        break;
      case 'vector': {
        const item = this.fieldWriter(t.item);
        const boxed = t.boxed;
        return (w, a) => {
          if (!Array.isArray(a)) notVector(a);
          if (boxed) w.uint(VECTOR);
          w.int(a.length);
          for (let i = 0; i < a.length; i++) item(w, a[i]);
        };
      }
      case 'named':
        if (t.bare) {
          const name = t.name;
          let body: FieldWriter | undefined; // compiled on first use: bare types may refer to themselves
          return (w, v) => (body ??= this.body(this.model.byName.get(name)!))(w, v);
        }
        return (w, v) => this.writeObject(w, v);
      case 'object':
      case 'generic':
        return (w, v) => this.writeObject(w, v);
    }
    throw new TlError(`cannot write a field of type ${JSON.stringify(t)}`, 'TL object');
  }

  /** The value written for a required field the model object lacks (defaults.ts). */
  private layerDefault(t: TlType, where: string): () => unknown {
    const zero = zeroValue(t);
    if (zero !== undefined) return () => zero;
    if (t.kind === 'named') {
      const name = t.bare ? t.name : defaultConstructor(this.model, t.name)?.name;
      if (name !== undefined) {
        const obj = { _: name }; // written through this layer's plan, which defaults its own fields
        return () => obj;
      }
    }
    return () => {
      throw new TlError(`${where} is required in layer ${this.layer} and has no default`, where);
    };
  }

  // ---- reading (layer → model) ----

  /** Reads one boxed object or method of this layer, lifted into the model; TlError on malformed input or trailing bytes. */
  deserialize(bytes: Uint8Array): unknown {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
    const r = new TlReader(bytes);
    r.copyBytes = true;
    const v = this.readObject(r);
    if (r.pos !== r.end) r.fail(`${r.end - r.pos} trailing bytes after the object`);
    return v;
  }

  readObject(r: TlReader): any {
    const at = r.pos;
    const id = r.int();
    const read = this.readers.get(id) ?? this.compileReader(id);
    if (read !== undefined) {
      r.enter();
      const v = read(r);
      r.depth--;
      return v;
    }
    if (id === (GZIP_PACKED | 0)) {
      r.enter('gzip_packed');
      const inflated = gunzip(r.bytesView(), Math.min(r.inflateBudget, MAX_GZIP_OUTPUT));
      const inner = new TlReader(inflated);
      inner.copyBytes = r.copyBytes;
      inner.depth = r.depth;
      inner.inflateBudget = r.inflateBudget - inflated.length;
      const v = this.readObject(inner);
      if (inner.pos !== inner.end) inner.fail('trailing bytes after the packed object', 'gzip_packed');
      r.inflateBudget = inner.inflateBudget;
      r.depth--;
      return v;
    }
    if (id === (VECTOR | 0)) {
      r.enter('Vector');
      const n = vectorLength(r, 4);
      const a = new Array(n);
      for (let i = 0; i < n; i++) a[i] = this.readObject(r);
      r.depth--;
      return a;
    }
    r.pos = at;
    return r.fail(`unknown constructor id 0x${(id >>> 0).toString(16).padStart(8, '0')} in layer ${this.layer}`);
  }

  private compileReader(id: number): Reader | undefined {
    const d = this.byId.get(id | 0) ?? this.byId.get(id >>> 0);
    if (!d) return undefined;
    let read: Reader | undefined = this.fast.has(d.name) ? getReader(id) : undefined;
    if (read === undefined) {
      const m = this.newest.byName.get(d.name);
      if (!m || m.kind !== d.kind) {
        const what = `${d.name} (${typeName(d)}) of layer ${this.layer} has no counterpart in the model (layer ${NEWEST_LAYER})`;
        read = (r) => r.fail(what, typeName(d));
      } else if (d.name === 'invokeWithLayer') {
        // The query is read in the layer it names.
        read = (r) => {
          const layer = r.int();
          const codec = this.lookup(layer);
          return { _: 'invokeWithLayer', layer, query: codec ? codec.readObject(r) : readNewest(r) };
        };
      } else read = this.lift(d, m);
    }
    this.readers.set(id | 0, read);
    return read;
  }

  /** Reads constructor `d` of this layer and builds the model's `m` from it (by field name). */
  private lift(d: Def, m: Def): Reader {
    const fields = this.fieldsReader(d);
    const layerIndex = new Map<string, number>();
    d.params.forEach((p, i) => layerIndex.set(p.name, i));
    const steps: { key: string; index: number; convert: ((v: any) => any) | null; fallback?: () => any; isTrue: boolean }[] = [];
    for (const p of m.params) {
      if (p.type.kind === 'flags') continue;
      const i = layerIndex.get(p.name);
      const lp = i === undefined ? undefined : d.params[i];
      const usable = lp !== undefined && lp.type.kind !== 'flags';
      const where = `${m.name}.${p.name}`;
      steps.push({
        key: camel(p.name),
        index: usable ? i! : -1,
        convert: usable ? coercion(lp.type, p.type, where) : null,
        fallback: p.condition ? undefined : this.modelDefault(p.type, where),
        isTrue: p.type.kind === 'true',
      });
    }
    const name = m.name;
    return (r) => {
      const values = fields(r);
      const o: any = { _: name };
      for (const s of steps) {
        let v = s.index >= 0 ? values[s.index] : undefined;
        if (v !== undefined && s.convert !== null) v = s.convert(v);
        if (s.isTrue) v = v === true;
        else if (v === undefined && s.fallback !== undefined) v = s.fallback();
        o[s.key] = v;
      }
      return o;
    };
  }

  /** Reads the fields of a layer constructor into an array (by field position; absent optional fields undefined). */
  private fieldsReader(d: Def): (r: TlReader) => any[] {
    const flagIndex = new Map<string, number>();
    const masks: number[] = [];
    d.params.forEach((p, i) => {
      if (p.type.kind === 'flags') {
        flagIndex.set(p.name, i);
        let mask = 0;
        for (const q of d.params) if (q.condition?.field === p.name) mask |= 2 ** q.condition.bit;
        masks[i] = mask | 0;
      }
    });
    const steps: ((r: TlReader, v: any[]) => any)[] = d.params.map((p, i) => {
      if (p.type.kind === 'flags') {
        const mask = masks[i];
        return (r) => {
          const f = r.int();
          if ((f & ~mask) !== 0) badFlags(r, f, mask >>> 0, d.name);
          return f;
        };
      }
      if (!p.condition) return this.fieldReader(p.type);
      const k = flagIndex.get(p.condition.field)!;
      const bit = 2 ** p.condition.bit;
      if (p.type.kind === 'true') return (_r, v) => (v[k] & bit) !== 0;
      const read = this.fieldReader(p.type);
      return (r, v) => ((v[k] & bit) !== 0 ? read(r) : undefined);
    });
    const n = steps.length;
    return (r) => {
      const v = new Array(n);
      for (let i = 0; i < n; i++) v[i] = steps[i](r, v);
      return v;
    };
  }

  private fieldReader(t: TlType): FieldReader {
    switch (t.kind) {
      case 'primitive':
        switch (t.name) {
          case 'int':
            return (r) => r.int();
          case 'long':
            return (r) => r.long();
          case 'double':
            return (r) => r.double();
          case 'Bool':
            return (r) => r.bool();
          case 'string':
            return (r) => r.string();
          case 'bytes':
            return (r) => r.bytes();
          case 'int128':
            return (r) => r.int128();
          case 'int256':
            return (r) => r.int256();
        }
        break;
      case 'vector': {
        const item = this.fieldReader(t.item);
        const min = t.item.kind === 'primitive' ? ({ long: 8, double: 8, int128: 16, int256: 32 } as Record<string, number>)[t.item.name] ?? 4 : t.item.kind === 'named' && t.item.bare ? 1 : 4;
        const boxed = t.boxed;
        return (r) => {
          const n = boxed ? boxedVectorLength(r, min) : vectorLength(r, min);
          const a = new Array(n);
          for (let i = 0; i < n; i++) a[i] = item(r);
          return a;
        };
      }
      case 'named':
        if (t.bare) {
          const name = t.name;
          return (r) => {
            let read = this.bareReaders.get(name);
            if (read === undefined) {
              const d = this.model.byName.get(name)!;
              const m = this.newest.byName.get(name);
              if (!m) throw new TlError(`${name} of layer ${this.layer} has no counterpart in the model`, name);
              read = this.lift(d, m);
              this.bareReaders.set(name, read);
            }
            return read(r);
          };
        }
        return (r) => this.readObject(r);
      case 'object':
      case 'generic':
        return (r) => this.readObject(r);
    }
    throw new TlError(`cannot read a field of type ${JSON.stringify(t)}`, 'TL object');
  }

  /** A factory of the model value for a required model field the layer object lacks (defaults.ts). */
  private modelDefault(t: TlType, where: string, depth = 0): () => any {
    const zero = zeroValue(t);
    if (zero !== undefined) return t.kind === 'vector' ? () => [] : t.kind === 'primitive' && zero instanceof Uint8Array ? () => new Uint8Array(zero.length) : () => zero;
    if (t.kind === 'named' && depth < MAX_DEFAULT_DEPTH) {
      const d = t.bare ? this.newest.byName.get(t.name) : defaultConstructor(this.newest, t.name);
      if (d) {
        const key = `${d.name}@${depth}`;
        const cached = this.modelDefaults.get(key);
        if (cached) return cached;
        const fields = d.params
          .filter((p) => p.type.kind !== 'flags')
          .map((p) => ({ key: camel(p.name), make: p.condition ? (p.type.kind === 'true' ? () => false : () => undefined) : this.modelDefault(p.type, `${d.name}.${p.name}`, depth + 1) }));
        const make = () => {
          const o: any = { _: d.name };
          for (const f of fields) o[f.key] = f.make();
          return o;
        };
        this.modelDefaults.set(key, make);
        return make;
      }
    }
    return () => {
      throw new TlError(`${where} is required by the model and has no default`, where);
    };
  }
}

const EMPTY_FLAGS: number[] = [];
