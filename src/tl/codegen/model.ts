// Merges the parsed schemas into one namespace the code generator can emit from, and says what it did.
//
// Decisions (documented in src/tl/codec.ts too):
// - MTProto and API share one namespace. An MTProto entry identical to an API entry (ipPort, ipPortSecret,
//   accessPointRule, help.configSimple) is taken once. An MTProto name that means something else in the API
//   is prefixed `mt_` (only `message`, the bare container item, and its type `Message`).
// - Entries without a written id (tdesktop's `tls*` blocks, tdlib's `test.*`) are tdesktop/tdlib-internal
//   and are dropped, unless they are used as a bare type (the container `message`).
// - When two entries share an id, the one whose id is its CRC wins (tdlib's internal `invokeWith*Prefix`
//   functions reuse the ids of the real `invokeWith*` methods).
import { parseSchema, type TlEntry, type TlIdMismatch, type TlType } from '../schema/parser.ts';

export interface SchemaSource {
  /** Short name for messages: 'api', 'mtproto'. */
  name: string;
  /** File name, for warnings. */
  file: string;
  text: string;
  /**
   * The MTProto service schema writes binary data as `string` (pq, dh_prime, g_a, encrypted_answer,
   * msgs_state_info.info…): with this set, its `string` fields are `bytes` (Uint8Array), except those in
   * TEXT_FIELDS. The wire form is the same and ids do not change (normalization spells bytes as string).
   */
  stringsAreBytes?: boolean;
}

/** MTProto service fields that really are text. */
const TEXT_FIELDS = new Set(['rpc_error.error_message']);

function stringToBytes(t: TlType): TlType {
  if (t.kind === 'primitive' && t.name === 'string') return { kind: 'primitive', name: 'bytes' };
  if (t.kind === 'vector') return { ...t, item: stringToBytes(t.item) };
  return t;
}

export interface Def extends TlEntry {
  schema: string;
  file: string;
  /** Has a wire id (false for bare-only constructors such as the container `message`). */
  boxable: boolean;
  /** Used somewhere as a bare type (needs a body-only writer). */
  usedBare: boolean;
}

export interface Model {
  defs: Def[];
  byName: Map<string, Def>;
  /** Boxed type name → its constructors (with ids). */
  types: Map<string, Def[]>;
  warnings: string[];
  mismatches: (TlIdMismatch & { file: string })[];
}

function renameType(t: TlType, from: string, to: string): TlType {
  if (t.kind === 'named' && t.name === from) return { ...t, name: to };
  if (t.kind === 'vector') return { ...t, item: renameType(t.item, from, to) };
  return t;
}

function typeKey(t: TlType): string | undefined {
  return t.kind === 'named' ? t.name : undefined;
}

export function buildModel(sources: SchemaSource[]): Model {
  const warnings: string[] = [];
  const mismatches: Model['mismatches'] = [];
  // Files of one schema form one group; the last group is the primary namespace (the API) and wins clashes.
  const groups = new Map<string, (TlEntry & { file: string })[]>();
  for (const s of sources) {
    const schema = parseSchema(s.text);
    for (const m of schema.mismatches) {
      mismatches.push({ ...m, file: s.file });
      warnings.push(
        `${s.file}:${m.line}: ${m.name}: written id ${m.writtenId.toString(16)} != crc ${m.computedId.toString(16)} (written id used)`,
      );
    }
    if (s.stringsAreBytes) {
      for (const e of schema.entries) {
        e.params = e.params.map((p) => (TEXT_FIELDS.has(`${e.name}.${p.name}`) ? p : { ...p, type: stringToBytes(p.type) }));
      }
    }
    if (!groups.has(s.name)) groups.set(s.name, []);
    groups.get(s.name)!.push(...schema.entries.map((e) => ({ ...e, file: s.file })));
  }
  const order = [...groups.keys()].reverse();
  const primary = new Map<string, TlEntry>();
  const primaryTypes = new Set<string>();
  const all: Def[] = [];
  for (const schemaName of order) {
    const entries = groups.get(schemaName)!;
    const renamed = new Map<string, string>();
    const typeRenames = new Map<string, string>();
    const kept: (TlEntry & { file: string })[] = [];
    for (const e of entries) {
      const other = primary.get(e.name);
      if (other && other.text.replace(/\s+/g, ' ') === e.text.replace(/\s+/g, ' ')) continue; // the same entry
      if (other) renamed.set(e.name, `mt_${e.name}`);
      kept.push(e);
    }
    for (const e of kept) {
      const r = typeKey(e.result);
      // A type of this schema whose name the primary schema uses for its own constructors.
      if (r && e.kind === 'constructor' && primaryTypes.has(r)) typeRenames.set(r, `mt_${r}`);
    }
    for (const e of kept) {
      let params = e.params;
      let result = e.result;
      for (const [from, to] of typeRenames) {
        params = params.map((p) => ({ ...p, type: renameType(p.type, from, to) }));
        result = renameType(result, from, to);
      }
      // Bare references by constructor name follow the constructor's rename.
      for (const [from, to] of renamed) params = params.map((p) => ({ ...p, type: renameType(p.type, from, to) }));
      const name = renamed.get(e.name) ?? e.name;
      if (name !== e.name) warnings.push(`${e.file}:${e.line}: ${e.name} renamed ${name} (the API uses that name)`);
      all.push({ ...e, name, params, result, schema: schemaName, boxable: e.writtenId !== undefined, usedBare: false });
    }
    for (const e of entries) {
      if (!primary.has(e.name)) primary.set(e.name, e);
      const r = typeKey(e.result);
      if (r && e.kind === 'constructor') primaryTypes.add(r);
    }
  }

  // Constructors by name and boxed types, for resolving bare references.
  const byName = new Map<string, Def>();
  for (const d of all) {
    if (byName.has(d.name)) throw new Error(`duplicate name ${d.name} (${d.schema}:${d.line})`);
    byName.set(d.name, d);
  }
  const ctorsOfType = new Map<string, Def[]>();
  for (const d of all) {
    if (d.kind !== 'constructor') continue;
    const r = typeKey(d.result);
    if (!r) continue;
    if (!ctorsOfType.has(r)) ctorsOfType.set(r, []);
    ctorsOfType.get(r)!.push(d);
  }

  // Resolve bare references `%T` and `name` to the one constructor they mean.
  const resolveBare = (t: TlType, where: Def): TlType => {
    if (t.kind === 'vector') return { ...t, item: resolveBare(t.item, where) };
    if (t.kind !== 'named' || !t.bare) return t;
    let target = byName.get(t.name);
    if (!target || target.kind !== 'constructor') {
      const ctors = ctorsOfType.get(t.name) ?? [];
      if (ctors.length !== 1) throw new Error(`${where.file}:${where.line}: bare type %${t.name} must have exactly one constructor`);
      target = ctors[0];
    }
    target.usedBare = true;
    return { kind: 'named', name: target.name, bare: true };
  };
  for (const d of all) d.params = d.params.map((p) => ({ ...p, type: resolveBare(p.type, d) }));

  // Keep id-less entries only where used bare; settle shared ids.
  const defs: Def[] = [];
  const byId = new Map<number, Def>();
  for (const d of all) {
    if (!d.boxable) {
      if (!d.usedBare) {
        warnings.push(`${d.file}:${d.line}: ${d.name} has no id and is not used bare: skipped`);
        continue;
      }
      defs.push(d);
      continue;
    }
    const other = byId.get(d.id);
    if (other) {
      const keepNew = d.computedId === d.id && other.computedId !== other.id;
      const loser = keepNew ? other : d;
      warnings.push(`${loser.file}:${loser.line}: ${loser.name} shares id ${d.id.toString(16)} with ${(keepNew ? d : other).name}: skipped`);
      if (!keepNew) continue;
      defs.splice(defs.indexOf(other), 1);
    }
    byId.set(d.id, d);
    defs.push(d);
  }
  // Stable: MTProto first, each schema in file order.
  defs.sort((a, b) => (a.schema === b.schema ? 0 : a.schema === 'mtproto' ? -1 : 1));

  const finalByName = new Map(defs.map((d) => [d.name, d]));
  const types = new Map<string, Def[]>();
  for (const d of defs) {
    if (d.kind !== 'constructor' || !d.boxable) continue;
    const r = typeKey(d.result);
    if (!r) continue;
    if (!types.has(r)) types.set(r, []);
    types.get(r)!.push(d);
  }
  // Every boxed reference must name a type we have.
  const check = (t: TlType, d: Def) => {
    if (t.kind === 'vector') check(t.item, d);
    else if (t.kind === 'named' && !t.bare && !types.has(t.name)) {
      throw new Error(`${d.file}:${d.line}: ${d.name} uses unknown type ${t.name}`);
    }
  };
  for (const d of defs) {
    for (const p of d.params) check(p.type, d);
    if (d.kind === 'function') check(d.result, d);
  }
  return { defs, byName: finalByName, types, warnings, mismatches };
}
