// Parser for the TL schema language as Telegram writes it (core.telegram.org/mtproto/TL, the .tl files of
// tdesktop and tdlib): one declaration per `;`, `---functions---`/`---types---` section switches, `//` comments.
// It returns plain data; the code generator decides what to emit.
import { crc32 } from '../../../bindings/crc32.ts';

/** The type of a field, resolved only syntactically (which constructors a boxed name means is up to the caller). */
export type TlType =
  | { kind: 'flags' } // `#`: a flags word, computed by the writer
  | { kind: 'true' } // `true` after a condition: presence is the value
  | { kind: 'generic'; name: string } // `!X`: any object (the inner query of invokeWithLayer…)
  | { kind: 'object' } // `Object`: any boxed object
  | { kind: 'primitive'; name: TlPrimitive }
  | { kind: 'vector'; boxed: boolean; item: TlType } // `Vector<T>` (boxed, with 0x1cb5c415) or `vector<T>` (bare)
  | { kind: 'named'; name: string; bare: boolean }; // `Peer` (boxed) or `%Message` / `future_salt` (bare)

export type TlPrimitive = 'int' | 'long' | 'double' | 'int128' | 'int256' | 'bytes' | 'string' | 'Bool';

export interface TlParam {
  /** The name as the schema writes it (snake_case). */
  name: string;
  type: TlType;
  /** For `flags.N?T`: the flags field and the bit. */
  condition?: { field: string; bit: number };
}

export interface TlEntry {
  kind: 'constructor' | 'function';
  /** The full name as written, namespace included: `messages.sendMessage`. */
  name: string;
  /** The id written after `#`, if any. */
  writtenId?: number;
  /** CRC32 of the normalized line. */
  computedId: number;
  /** The id to use on the wire: the written one always wins. */
  id: number;
  params: TlParam[];
  /** Type variables from `{X:Type}`. */
  generics: string[];
  /** The result type: the boxed type a constructor belongs to, or what a function returns. */
  result: TlType;
  /** 1-based line number of the declaration's first line. */
  line: number;
  /** The declaration text as written (without `;` and comments). */
  text: string;
}

export interface TlIdMismatch {
  line: number;
  name: string;
  writtenId: number;
  computedId: number;
}

export interface TlSchema {
  entries: TlEntry[];
  /** Lines whose written id differs from the CRC of the normalized line (the written id is used). */
  mismatches: TlIdMismatch[];
  /** Built-in declarations that were skipped (`int ? = Int`, `vector {t:Type} # [ t ] = Vector t`…), by line. */
  builtins: { line: number; text: string }[];
}

export class TlSchemaError extends Error {
  override name = 'TlSchemaError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const PRIMITIVES = new Set<string>(['int', 'long', 'double', 'int128', 'int256', 'bytes', 'string', 'Bool']);
const NAME = /^[a-zA-Z][\w]*(\.[a-zA-Z][\w]*)?$/;

/**
 * The line a constructor id is the CRC32 of, as Telethon (`infer_id`) and grammers compute it: no `#id`,
 * `bytes` spelled `string`, `<`/`>` and `{`/`}` removed (`Vector<long>` → `Vector long`, `{X:Type}` → `X:Type`),
 * `name:flags.N?true` fields dropped, whitespace collapsed.
 */
export function normalizeForId(text: string): string {
  return text
    .replace(/;\s*$/, '')
    .replace(/^([\w.]+)#[0-9a-fA-F]+/, '$1')
    .replace(/([:?])bytes\b/g, '$1string')
    .replace(/</g, ' ')
    .replace(/[>{}]/g, '')
    .replace(/\s+\w+:flags\d*\.\d+\?true\b/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const encoder = new TextEncoder();

/** CRC32 of the normalized declaration: the id TL assigns when none is written. */
export function computeId(text: string): number {
  return crc32(encoder.encode(normalizeForId(text)));
}

export function parseType(text: string, line: number): TlType {
  if (text === '#') return { kind: 'flags' };
  if (text === 'true') return { kind: 'true' };
  if (text === 'Object') return { kind: 'object' };
  if (text.startsWith('!')) {
    const name = text.slice(1);
    if (!/^\w+$/.test(name)) throw new TlSchemaError(`bad generic reference '${text}'`, line);
    return { kind: 'generic', name };
  }
  let m = /^(Vector|vector)\s*<\s*(.+)\s*>$/.exec(text) ?? /^(Vector|vector)\s+(\S+)$/.exec(text);
  if (m) return { kind: 'vector', boxed: m[1] === 'Vector', item: parseType(m[2].trim(), line) };
  if (PRIMITIVES.has(text)) return { kind: 'primitive', name: text as TlPrimitive };
  m = /^(%?)([\w.]+)$/.exec(text);
  if (!m || !NAME.test(m[2])) throw new TlSchemaError(`bad type '${text}'`, line);
  const name = m[2];
  // A type whose (last) part starts in lower case names one constructor: it is bare.
  const last = name.slice(name.lastIndexOf('.') + 1);
  return { kind: 'named', name, bare: m[1] === '%' || /^[a-z]/.test(last) };
}

function parseParam(token: string, line: number, flagFields: Set<string>): TlParam {
  const colon = token.indexOf(':');
  if (colon <= 0) throw new TlSchemaError(`bad field '${token}'`, line);
  const name = token.slice(0, colon);
  if (!/^\w+$/.test(name)) throw new TlSchemaError(`bad field name '${name}'`, line);
  let typeText = token.slice(colon + 1);
  let condition: TlParam['condition'];
  const cond = /^(\w+)\.(\d+)\?(.+)$/.exec(typeText);
  if (cond) {
    const bit = Number(cond[2]);
    if (!flagFields.has(cond[1])) throw new TlSchemaError(`condition on unknown flags field '${cond[1]}'`, line);
    if (bit > 31) throw new TlSchemaError(`flag bit ${bit} out of range`, line);
    condition = { field: cond[1], bit };
    typeText = cond[3];
  }
  const type = parseType(typeText, line);
  if (type.kind === 'true' && !condition) throw new TlSchemaError(`'true' field '${name}' without a condition`, line);
  if (type.kind === 'flags') {
    if (condition) throw new TlSchemaError(`conditional flags field '${name}'`, line);
    flagFields.add(name);
  }
  return condition ? { name, type, condition } : { name, type };
}

/** Splits the field list, keeping `Vector<A<B>>`-style brackets together with their spaces removed. */
function tokenize(text: string): string[] {
  return text
    .replace(/\s*<\s*/g, '<')
    .replace(/\s*>/g, '>')
    .split(/\s+/)
    .filter((t) => t.length > 0);
}

function isBuiltin(text: string): boolean {
  // `int ? = Int`, `bytes = Bytes`, `int128 4*[ int ] = Int128`, `vector {t:Type} # [ t ] = Vector t`
  return /\s\?\s*=/.test(text) || /\[/.test(text) || /^(int|long|double|string|bytes|int128|int256)\s*=/.test(text);
}

function parseDeclaration(text: string, line: number, kind: TlEntry['kind']): TlEntry {
  const eq = text.lastIndexOf('=');
  if (eq < 0) throw new TlSchemaError(`no '=' in declaration`, line);
  const left = tokenize(text.slice(0, eq));
  const right = text.slice(eq + 1).trim();
  if (left.length === 0 || right.length === 0) throw new TlSchemaError('empty declaration side', line);
  const head = /^([\w.]+)(?:#([0-9a-fA-F]{1,8}))?$/.exec(left[0]);
  if (!head || !NAME.test(head[1])) throw new TlSchemaError(`bad constructor name '${left[0]}'`, line);
  const generics: string[] = [];
  const params: TlParam[] = [];
  const flagFields = new Set<string>();
  for (const token of left.slice(1)) {
    const generic = /^\{(\w+):Type\}$/.exec(token);
    if (generic) {
      if (params.length > 0) throw new TlSchemaError('type parameter after fields', line);
      generics.push(generic[1]);
      continue;
    }
    const param = parseParam(token, line, flagFields);
    if (param.type.kind === 'generic' && !generics.includes(param.type.name)) {
      throw new TlSchemaError(`unknown type variable '${param.type.name}'`, line);
    }
    if (params.some((p) => p.name === param.name)) throw new TlSchemaError(`duplicate field '${param.name}'`, line);
    params.push(param);
  }
  const resultText = right.replace(/\s+/g, ' ');
  const result: TlType = generics.includes(resultText)
    ? { kind: 'generic', name: resultText }
    : parseType(resultText.replace(/^(Vector) (\S+)$/, '$1<$2>'), line);
  const writtenId = head[2] === undefined ? undefined : parseInt(head[2], 16) >>> 0;
  const computedId = computeId(text);
  const entry: TlEntry = {
    kind,
    name: head[1],
    computedId,
    id: writtenId ?? computedId,
    params,
    generics,
    result,
    line,
    text,
  };
  if (writtenId !== undefined) entry.writtenId = writtenId;
  return entry;
}

/** Parses a whole schema. Throws TlSchemaError (with the line number) on text it cannot understand. */
export function parseSchema(source: string): TlSchema {
  const entries: TlEntry[] = [];
  const mismatches: TlIdMismatch[] = [];
  const builtins: TlSchema['builtins'] = [];
  let kind: TlEntry['kind'] = 'constructor';
  let pending = '';
  let pendingLine = 0;
  const lines = source.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const comment = lines[i].indexOf('//');
    const code = (comment >= 0 ? lines[i].slice(0, comment) : lines[i]).trim();
    if (code.length === 0) continue;
    if (pending.length === 0) {
      const section = /^---(\w+)---$/.exec(code);
      if (section) {
        if (section[1] === 'functions') kind = 'function';
        else if (section[1] === 'types') kind = 'constructor';
        else throw new TlSchemaError(`unknown section '${code}'`, lineNo);
        continue;
      }
      pendingLine = lineNo;
    }
    pending += (pending ? ' ' : '') + code;
    // A declaration may span several lines; it ends at ';'.
    let semi: number;
    while ((semi = pending.indexOf(';')) >= 0) {
      const text = pending.slice(0, semi).trim();
      pending = pending.slice(semi + 1).trim();
      if (text.length > 0) {
        if (isBuiltin(text)) builtins.push({ line: pendingLine, text });
        else {
          const entry = parseDeclaration(text, pendingLine, kind);
          entries.push(entry);
          if (entry.writtenId !== undefined && entry.writtenId !== entry.computedId) {
            mismatches.push({ line: entry.line, name: entry.name, writtenId: entry.writtenId, computedId: entry.computedId });
          }
        }
      }
      pendingLine = lineNo;
    }
  }
  if (pending.length > 0) throw new TlSchemaError(`declaration without ';'`, pendingLine);
  return { entries, mismatches, builtins };
}
