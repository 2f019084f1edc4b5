// Emits src/tl/generated/types.ts: an interface per constructor and method, a union per boxed type,
// and the method → result map that types `invoke(req)` end to end.
import type { TlType } from '../schema/parser.ts';
import type { Def, Model } from './model.ts';
import { camel, pascal } from './names.ts';

export function interfaceName(d: Def): string {
  return `Raw${pascal(d.name)}${d.kind === 'function' ? 'Request' : ''}`;
}

export function unionName(type: string): string {
  return `Type${pascal(type)}`;
}

/** The TypeScript type of a field or result. `generic` maps type variables to TS type parameters. */
export function tsType(t: TlType, model: Model, generic: (name: string) => string): string {
  switch (t.kind) {
    case 'flags':
      return 'number';
    case 'true':
      return 'boolean';
    case 'generic':
      return generic(t.name);
    case 'object':
      return 'unknown';
    case 'primitive':
      switch (t.name) {
        case 'int':
        case 'double':
          return 'number';
        case 'long':
          return 'bigint';
        case 'int128':
        case 'int256':
        case 'bytes':
          return 'Uint8Array';
        case 'string':
          return 'string';
        case 'Bool':
          return 'boolean';
      }
      break;
    case 'vector': {
      const item = tsType(t.item, model, generic);
      return /^[\w.]+$/.test(item) ? `${item}[]` : `(${item})[]`;
    }
    case 'named':
      return t.bare ? interfaceName(model.byName.get(t.name)!) : unionName(t.name);
  }
  throw new Error('unreachable');
}

export function emitTypes(model: Model, header: string): string {
  const out: string[] = [header, ''];
  const generic = () => 'Q';
  const names = new Set<string>();
  const claim = (n: string) => {
    if (names.has(n)) throw new Error(`generated type name clash: ${n}`);
    names.add(n);
  };
  for (const d of model.defs) {
    const name = interfaceName(d);
    claim(name);
    const typeParams = d.generics.length ? '<Q extends TlRequest = TlRequest>' : '';
    out.push(`/** ${d.text.replace(/\*\//g, '*\\/')} */`);
    out.push(`export interface ${name}${typeParams} {`);
    out.push(`  _: '${d.name}';`);
    for (const p of d.params) {
      if (p.type.kind === 'flags') continue; // computed by the writer
      if (d.name === 'mt_message' && p.name === 'bytes') continue; // the body length, computed by the writer
      out.push(`  ${camel(p.name)}${p.condition ? '?' : ''}: ${tsType(p.type, model, generic)};`);
    }
    out.push('}', '');
  }
  for (const [type, ctors] of model.types) {
    const name = unionName(type);
    claim(name);
    out.push(`export type ${name} = ${ctors.map(interfaceName).join(' | ')};`);
  }
  out.push('');
  const objects = model.defs.filter((d) => d.kind === 'constructor' && d.boxable);
  const functions = model.defs.filter((d) => d.kind === 'function');
  out.push('/** Every constructor that has an id. */');
  out.push(`export type TlObject =\n  | ${objects.map(interfaceName).join('\n  | ')};`, '');
  if (functions.length === 0) {
    // A schema without methods (the secret-chat one): no request types to describe.
    out.push('/** Constructor interface by its `_` name. */');
    out.push('export interface TlByName {');
    for (const d of model.defs) out.push(`  '${d.name}': ${interfaceName(d)};`);
    out.push('}', '');
    return out.join('\n');
  }
  out.push('/** Every method. */');
  out.push(`export type TlRequest =\n  | ${functions.map(interfaceName).join('\n  | ')};`, '');
  out.push('/** Constructor or method interface by its `_` name. */');
  out.push('export interface TlByName {');
  for (const d of model.defs) out.push(`  '${d.name}': ${interfaceName(d)};`);
  out.push('}', '');
  out.push('/** What each method returns (generic methods: see ResultOf). */');
  out.push('export interface Results {');
  for (const d of functions) {
    out.push(`  '${d.name}': ${d.generics.length ? 'never' : tsType(d.result, model, generic)};`);
  }
  out.push('}', '');
  const generics = functions.filter((d) => d.generics.length > 0);
  out.push('/** Methods that wrap another query (`{X:Type} … query:!X = X`) and return its result. */');
  out.push(`export type GenericMethodName = ${generics.map((d) => `'${d.name}'`).join(' | ')};`, '');
  out.push('/** The result type of a request, following wrappers such as invokeWithLayer down to the inner query. */');
  out.push('export type ResultOf<R extends { _: keyof Results }> = R extends { _: GenericMethodName; query: infer Q extends { _: keyof Results } }');
  out.push("  ? ResultOf<Q>\n  : Results[R['_']];", '');
  return out.join('\n');
}
