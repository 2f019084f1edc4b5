// Emits src/tl/generated/codecs.ts: one straight-line writer and one reader per constructor and method,
// specialised vector helpers, and the id → reader / name → writer tables. No interpretation at run time:
// each field becomes one primitive call, each flags word is computed from field presence.
import type { TlType } from '../schema/parser.ts';
import type { Def, Model } from './model.ts';
import { camel, hex, ident } from './names.ts';
import { interfaceName, tsType, unionName } from './emit-types.ts';

/** Constructor whose `bytes` field is the length of its `body` (the container item): computed, not written by hand. */
const CONTAINER_ITEM = 'mt_message';

export interface CodecOptions {
  /** Path from the generated file to src/tl/ (imports of binary/ and codec/). Default '../'. */
  tlDir?: string;
  /**
   * How boxed fields are read and written. 'global' (the API): through readObject/writeObject and the
   * process-wide id tables. 'typed' (the secret-chat schema, a namespace of its own whose ids partly
   * coincide with the API's): a switch over the constructors of the field's type, no shared tables.
   */
  dispatch?: 'global' | 'typed';
}

class Emitter {
  private vectors = new Map<string, string[]>();
  private readonly typed: boolean;

  constructor(
    private readonly model: Model,
    options: CodecOptions = {},
  ) {
    this.typed = options.dispatch === 'typed';
  }

  /** A short key naming a type, used for vector helper names. */
  private key(t: TlType): string {
    switch (t.kind) {
      case 'primitive':
        return t.name;
      case 'vector':
        return `${t.boxed ? 'V' : 'v'}_${this.key(t.item)}`;
      case 'named':
        return t.bare ? `b_${ident(t.name)}` : this.typed ? `t_${ident(t.name)}` : 'obj';
      default:
        return 'obj';
    }
  }

  /** Smallest encoding of a value of this type, to bound vector lengths before allocating. */
  private minSize(t: TlType, seen = new Set<string>()): number {
    switch (t.kind) {
      case 'primitive':
        return t.name === 'long' || t.name === 'double' ? 8 : t.name === 'int128' ? 16 : t.name === 'int256' ? 32 : 4;
      case 'vector':
        return t.boxed ? 8 : 4;
      case 'true':
        return 0;
      case 'named': {
        if (!t.bare) return 4;
        if (seen.has(t.name)) return 0;
        seen.add(t.name);
        const d = this.model.byName.get(t.name)!;
        return d.params.reduce((s, p) => s + (p.condition ? 0 : this.minSize(p.type, seen)), 0);
      }
      default:
        return 4;
    }
  }

  private tsOf(t: TlType): string {
    return tsType(t, this.model, () => 'T.TlRequest').replace(/\b(Raw|Type)(\w+)/g, 'T.$1$2');
  }

  readExpr(t: TlType): string {
    switch (t.kind) {
      case 'primitive':
        return t.name === 'Bool' ? 'r.bool()' : `r.${t.name}()`;
      case 'vector':
        return `${this.vector(t)}(r)`;
      case 'named':
        return t.bare ? `r_${ident(t.name)}(r)` : this.typed ? `rt_${ident(t.name)}(r)` : 'readObject(r)';
      case 'generic':
      case 'object':
        return 'readObject(r)';
      default:
        throw new Error(`cannot read ${t.kind}`);
    }
  }

  writeStmt(t: TlType, v: string): string {
    switch (t.kind) {
      case 'primitive':
        return t.name === 'Bool' ? `w.bool(${v});` : `w.${t.name}(${v});`;
      case 'vector':
        return `w${this.vector(t).slice(1)}(w, ${v});`;
      case 'named':
        return t.bare ? `wb_${ident(t.name)}(w, ${v});` : this.typed ? `wt_${ident(t.name)}(w, ${v});` : `writeObject(w, ${v});`;
      case 'generic':
      case 'object':
        return `writeObject(w, ${v});`;
      default:
        throw new Error(`cannot write ${t.kind}`);
    }
  }

  /** Name of the reader helper for a vector type (emitting reader and writer once). */
  private vector(t: TlType & { kind: 'vector' }): string {
    const key = this.key(t);
    if (!this.vectors.has(key)) {
      this.vectors.set(key, []); // reserve first: item helpers may recurse
      // Items dispatched by `_` (boxed objects) share one helper whatever their type, so it takes any.
      const ts = this.key(t.item) === 'obj' ? 'any' : this.tsOf(t.item);
      const min = Math.max(1, this.minSize(t.item));
      const len = t.boxed ? `boxedVectorLength(r, ${min})` : `vectorLength(r, ${min})`;
      const item = this.readExpr(t.item);
      const write = this.writeStmt(t.item, 'a[i]');
      // Boxed items go through readObjects (one depth level for the run, the reader looked up once per id change).
      const read =
        item === 'readObject(r)'
          ? [`  return readObjects(r, ${len});`]
          : [`  const n = ${len};`, `  const a = new Array(n);`, `  for (let i = 0; i < n; i++) a[i] = ${item};`, `  return a;`];
      this.vectors.set(key, [
        `function rv_${key}(r: TlReader): ${ts.includes(' ') ? `(${ts})` : ts}[] {`,
        ...read,
        `}`,
        `function wv_${key}(w: TlWriter, a: readonly ${ts.includes(' ') ? `(${ts})` : ts}[]): void {`,
        `  if (!Array.isArray(a)) notVector(a);`,
        `  const n = a.length;`,
        ...(t.boxed ? [`  w.uint(VECTOR);`] : []),
        `  w.int(n);`,
        `  for (let i = 0; i < n; i++) ${write}`,
        `}`,
        '',
      ]);
    }
    return `rv_${key}`;
  }

  vectorCode(): string[] {
    return [...this.vectors.values()].flat();
  }

  /** Typed dispatch: a reader and a writer per boxed type used in `code`, switching over its constructors. */
  typeDispatch(code: string): string[] {
    const out: string[] = [];
    for (const [type, ctors] of this.model.types) {
      const name = ident(type);
      const ts = `T.${unionName(type)}`;
      if (!code.includes(`rt_${name}(`)) continue; // no field of this type (top-level only: DecryptedMessageLayer)
      out.push(
        `function rt_${name}(r: TlReader): ${ts} {`,
        '  const at = r.pos;',
        '  const id = r.int();',
        `  r.enter('${type}');`,
        `  let v: ${ts};`,
        '  switch (id) {',
        ...ctors.map((d) => `    case ${d.id | 0}: v = r_${ident(d.name)}(r); break; // ${hex(d.id)}`),
        '    default:',
        '      r.leave();',
        '      r.pos = at;',
        `      return r.fail(\`unknown constructor id 0x\${(id >>> 0).toString(16).padStart(8, '0')}\`, '${type}');`,
        '  }',
        '  r.leave();',
        '  return v;',
        '}',
        `function wt_${name}(w: TlWriter, o: ${ts}): void {`,
        '  switch (o?._) {',
        ...ctors.map((d) => `    case '${d.name}': w_${ident(d.name)}(w, o as T.${interfaceName(d)}); return;`),
        '  }',
        `  notOfType(o, '${type}');`,
        '}',
        '',
      );
    }
    return out;
  }

  /** Statements writing the fields (everything after the id). */
  private body(d: Def): string[] {
    const out: string[] = [];
    const flagVar = (field: string) => `f_${field}`;
    for (const p of d.params) {
      const v = `o.${camel(p.name)}`;
      if (p.type.kind === 'flags') {
        const f = flagVar(p.name);
        out.push(`  let ${f} = 0;`);
        for (const q of d.params) {
          if (q.condition?.field !== p.name) continue;
          const test = q.type.kind === 'true' ? `o.${camel(q.name)}` : `o.${camel(q.name)} !== undefined`;
          out.push(`  if (${test}) ${f} |= ${hex(2 ** q.condition.bit)};`);
        }
        out.push(`  w.int(${f} | 0);`);
        continue;
      }
      if (d.name === CONTAINER_ITEM && p.name === 'bytes') {
        out.push('  const at = w.pos;', '  w.int(0);');
        continue;
      }
      if (p.type.kind === 'true') continue;
      const stmt = this.writeStmt(p.type, p.condition ? `${v}!` : v);
      out.push(p.condition ? `  if ((${flagVar(p.condition.field)} & ${hex(2 ** p.condition.bit)}) !== 0) ${stmt}` : `  ${stmt}`);
    }
    if (d.name === CONTAINER_ITEM) {
      out.push('  const end = w.pos;', '  w.pos = at;', '  w.int(end - at - 4);', '  w.pos = end;');
    }
    return out;
  }

  writer(d: Def): string[] {
    const type = `T.${interfaceName(d)}${d.generics.length ? '<T.TlRequest>' : ''}`;
    const out: string[] = [];
    const name = ident(d.name);
    const body = this.body(d);
    const oUsed = body.some((l) => l.includes('o.'));
    const param = oUsed ? 'o' : '_o';
    if (d.boxable) {
      out.push(`function w_${name}(w: TlWriter, ${param}: ${type}): void {`, `  w.uint(${hex(d.id)});`, ...body, '}');
    }
    if (d.usedBare) out.push(`function wb_${name}(w: TlWriter, ${param}: ${type}): void {`, ...body, '}');
    return out;
  }

  reader(d: Def): string[] {
    const type = `T.${interfaceName(d)}${d.generics.length ? '<T.TlRequest>' : ''}`;
    const out = [`function r_${ident(d.name)}(r: TlReader): ${type} {`];
    const fields: string[] = [];
    d.params.forEach((p, i) => {
      const v = `v${i}`;
      if (p.type.kind === 'flags') {
        let mask = 0;
        for (const q of d.params) if (q.condition?.field === p.name) mask |= 2 ** q.condition.bit;
        out.push(`  const ${v} = r.int();`);
        out.push(`  if ((${v} & ${hex(~mask >>> 0)}) !== 0) badFlags(r, ${v}, ${hex(mask >>> 0)}, '${d.name}');`);
        return;
      }
      const flagsIndex = p.condition ? d.params.findIndex((q) => q.name === p.condition!.field) : -1;
      const test = p.condition ? `(v${flagsIndex} & ${hex(2 ** p.condition.bit)}) !== 0` : '';
      if (d.name === CONTAINER_ITEM && p.name === 'bytes') {
        out.push(`  const ${v} = bodyLength(r);`, `  const end = r.pos + ${v};`);
        return;
      }
      if (p.type.kind === 'true') out.push(`  const ${v} = ${test};`);
      else if (p.condition) out.push(`  const ${v} = ${test} ? ${this.readExpr(p.type)} : undefined;`);
      else out.push(`  const ${v} = ${this.readExpr(p.type)};`);
      fields.push(`${camel(p.name)}: ${v}`);
    });
    if (d.name === CONTAINER_ITEM) out.push(`  if (r.pos !== end) r.fail('message body length does not match its bytes field', 'message');`);
    out.push(`  return { _: '${d.name}'${fields.map((f) => `, ${f}`).join('')} };`, '}');
    return out;
  }

  /** How to read a method's result, when readObject is not enough (Bool, vectors, primitives). */
  resultReader(d: Def): string | undefined {
    const t = d.result;
    if (t.kind === 'named' && !t.bare) return undefined;
    if (t.kind === 'generic') return undefined;
    if (t.kind === 'vector') return this.vector(t);
    if (t.kind === 'primitive') return `(r: TlReader) => ${this.readExpr(t)}`;
    if (t.kind === 'named') return `r_${ident(t.name)}`;
    return undefined;
  }
}

export function emitCodecs(model: Model, header: string, options: CodecOptions = {}): string {
  const e = new Emitter(model, options);
  const tl = options.tlDir ?? '../';
  const functions: string[] = [];
  for (const d of model.defs) functions.push(...e.writer(d), ...e.reader(d), '');
  const results: string[] = [];
  for (const d of model.defs) {
    if (d.kind !== 'function') continue;
    const rr = e.resultReader(d);
    if (rr) results.push(`  ['${d.name}', ${rr}],`);
  }
  let dispatch: string[] = [];
  let runtime = `import { VECTOR, badFlags, bodyLength, boxedVectorLength, notVector, readObject, readObjects, vectorLength, writeObject } from '${tl}codec/runtime.ts';`;
  if (options.dispatch === 'typed') {
    dispatch = e.typeDispatch([...e.vectorCode(), ...functions].join('\n'));
    const code = [...e.vectorCode(), ...dispatch, ...functions].join('\n');
    const used = ['VECTOR', 'badFlags', 'boxedVectorLength', 'notOfType', 'notVector', 'vectorLength'].filter((n) => new RegExp(`\\b${n}\\(|\\b${n}\\)`).test(code));
    runtime = `import { ${used.join(', ')} } from '${tl}codec/runtime.ts';`;
  }
  const out = [
    header,
    `import type { TlReader } from '${tl}binary/reader.ts';`,
    `import type { TlWriter } from '${tl}binary/writer.ts';`,
    runtime,
    `import type { Reader, Writer } from '${tl}codec/runtime.ts';`,
    "import type * as T from './types.ts';",
    '',
    ...e.vectorCode(),
    ...dispatch,
    ...functions,
    '/** Reader of each constructor and method with an id (called after the id was read). */',
    'export const readers: [number, Reader][] = [',
    ...model.defs.filter((d) => d.boxable).map((d) => `  [${hex(d.id)}, r_${ident(d.name)} as Reader],`),
    '];',
    '',
    '/** Boxed writer (id included) of each constructor and method, by `_` name. */',
    'export const writers: [string, Writer][] = [',
    ...model.defs.filter((d) => d.boxable).map((d) => `  ['${d.name}', w_${ident(d.name)} as Writer],`),
    '];',
    '',
    '/** Result readers of the methods whose result is not a boxed object (Bool, vectors, bare types). */',
    'export const resultReaders: [string, Reader][] = [',
    ...results,
    '];',
    '',
    '/** Methods that wrap an inner query and return its result. */',
    `export const genericMethods: string[] = [${model.defs
      .filter((d) => d.kind === 'function' && d.generics.length)
      .map((d) => `'${d.name}'`)
      .join(', ')}];`,
    '',
  ];
  return out.join('\n');
}
