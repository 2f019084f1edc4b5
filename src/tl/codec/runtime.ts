// The hand-written part of the codec that the generated readers and writers call: dispatch of boxed
// objects by id (reading) and by `_` name (writing), vector lengths, and the error paths. The tables are
// filled once by src/tl/codec.ts from the generated code.
import { TlError } from '../../errors.ts';
import { TlReader } from '../binary/reader.ts';
import type { TlWriter } from '../binary/writer.ts';
import { gunzip } from '../binary/gzip.ts';

export type Reader = (r: TlReader) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Writer = (w: TlWriter, o: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

export const VECTOR = 0x1cb5c415;
export const GZIP_PACKED = 0x3072cfa1;
/** Largest inflated gzip_packed payload we accept (Telegram's biggest responses are a few MiB). */
export const MAX_GZIP_OUTPUT = 16 << 20;
/** Bound on nested boxed objects while writing (a cyclic object would otherwise overflow the stack). */
const MAX_WRITE_DEPTH = 256;

// Readers by constructor id: an open-addressing table (linear probing, 8192 slots for ~2000 ids) instead of
// a Map: one multiply and usually one probe. Every boxed object read looks up here (~75 times for a
// 20-message response), and Map.get cost ~7 ns a lookup against ~2 ns here.
const TABLE_BITS = 13;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const tableIds = new Int32Array(1 << TABLE_BITS);
const tableReaders: (Reader | undefined)[] = new Array<Reader | undefined>(1 << TABLE_BITS).fill(undefined);

function slotOf(id: number): number {
  return Math.imul(id, 0x9e3779b1) >>> (32 - TABLE_BITS);
}

/** Registers the reader of a constructor id. Filled by codec.ts; gzip_packed is left out on purpose (readObject unpacks it). */
let tableCount = 0;
export function setReader(id: number, read: Reader): void {
  id |= 0;
  // Keep probes short (and the probe loops finite): the bundled schemas fill about a quarter of the table.
  if (++tableCount > (TABLE_MASK * 3) >> 2) throw new Error('reader table too full: raise TABLE_BITS');
  let slot = slotOf(id);
  while (tableReaders[slot] !== undefined && tableIds[slot] !== id) slot = (slot + 1) & TABLE_MASK;
  tableIds[slot] = id;
  tableReaders[slot] = read;
}

/** The reader of a constructor id (a signed int32), or undefined. */
export function getReader(id: number): Reader | undefined {
  let slot = slotOf(id);
  for (;;) {
    const read = tableReaders[slot];
    if (read === undefined || tableIds[slot] === id) return read;
    slot = (slot + 1) & TABLE_MASK;
  }
}
export const WRITERS = new Map<string, Writer>();

function idHex(id: number): string {
  return '0x' + id.toString(16).padStart(8, '0');
}

/** Reads one boxed object: id, then the constructor's fields. Vectors and gzip_packed are handled here. */
export function readObject(r: TlReader): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const at = r.pos;
  const id = r.int(); // signed: small integers (Smis) hash faster than the heap numbers ids ≥ 2^31 would be
  const read = getReader(id);
  if (read !== undefined) {
    if (++r.depth > r.maxDepth) tooDeep(r);
    const v = read(r);
    r.depth--;
    return v;
  }
  if (id === (GZIP_PACKED | 0)) return readGzipPacked(r);
  if (id === (VECTOR | 0)) {
    // A vector where any object may stand (Object, !X): its items can only be read as boxed objects.
    r.enter('Vector');
    const a = readObjects(r, vectorLength(r, 4));
    r.depth--;
    return a;
  }
  r.pos = at;
  return r.fail(`unknown constructor id ${idHex(id >>> 0)}`);
}

/**
 * Reads n boxed objects (a vector's items): one nesting level for the whole run, and the reader is looked up
 * again only when the id changes (vectors are mostly one constructor: messages, users). Anything that is not
 * a plain constructor (gzip_packed, a nested vector, an unknown id) goes through readObject.
 */
export function readObjects(r: TlReader, n: number): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const a = new Array(n);
  if (n === 0) return a; // no level entered, as when each item was read by readObject
  if (++r.depth > r.maxDepth) tooDeep(r);
  let lastId = 0;
  let lastRead: Reader | undefined;
  for (let i = 0; i < n; i++) {
    const id = r.int();
    const read = id === lastId && lastRead !== undefined ? lastRead : getReader(id);
    if (read === undefined) {
      r.pos -= 4;
      r.depth--; // readObject counts its own level
      a[i] = readObject(r);
      r.depth++;
      continue;
    }
    lastId = id;
    lastRead = read;
    a[i] = read(r);
  }
  r.depth--;
  return a;
}

function tooDeep(r: TlReader): never {
  r.depth--;
  return r.fail(`nesting deeper than ${r.maxDepth}`);
}

/** gzip_packed is transparent: the result is the object inside. */
function readGzipPacked(r: TlReader): unknown {
  r.enter('gzip_packed');
  const packed = r.bytesView(); // inflated right away: no copy needed
  const inflated = gunzip(packed, Math.min(r.inflateBudget, MAX_GZIP_OUTPUT));
  const inner = new TlReader(inflated);
  inner.depth = r.depth;
  inner.inflateBudget = r.inflateBudget - inflated.length;
  const v = readObject(inner);
  if (inner.pos !== inner.end) inner.fail('trailing bytes after the packed object', 'gzip_packed');
  r.inflateBudget = inner.inflateBudget;
  r.depth--;
  return v;
}

let writeDepth = 0;

/** Resets the write nesting counter (an exception may have left it raised). */
export function resetWriteDepth(): void {
  writeDepth = 0;
}

/** Writes one boxed object, dispatching on its `_` name. An array is written as a Vector of objects. */
export function writeObject(w: TlWriter, o: any): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const write = o == null ? undefined : WRITERS.get(o._);
  if (++writeDepth > MAX_WRITE_DEPTH) {
    writeDepth = 0;
    throw new TlError(`nesting deeper than ${MAX_WRITE_DEPTH}`, 'TL object');
  }
  if (write !== undefined) write(w, o);
  else if (Array.isArray(o)) {
    w.uint(VECTOR);
    w.int(o.length);
    for (let i = 0; i < o.length; i++) writeObject(w, o[i]);
  } else {
    writeDepth = 0;
    const what = o == null ? String(o) : typeof o !== 'object' ? typeof o : `_ = ${JSON.stringify(o._)}`;
    throw new TlError(`not a TL object of the bundled schemas (${what})`, 'TL object');
  }
  writeDepth--;
}

/** The count of a bare vector, checked against what is left (at least `min` bytes per item). */
export function vectorLength(r: TlReader, min: number): number {
  const at = r.pos;
  const n = r.int();
  if (n < 0 || n * min > r.end - r.pos) {
    r.pos = at;
    r.fail(`vector length ${n} does not fit in the ${r.end - at - 4} bytes left`, 'Vector');
  }
  return n;
}

/** The count of a boxed vector: the Vector id, then the count. */
export function boxedVectorLength(r: TlReader, min: number): number {
  const at = r.pos;
  const id = r.uint();
  if (id !== VECTOR) {
    r.pos = at;
    r.fail(`expected the Vector id 0x1cb5c415, got ${idHex(id)}`, 'Vector');
  }
  return vectorLength(r, min);
}

/**
 * A flags word with bits the schema does not define. Every reader rejects these: the server speaks our
 * layer, so an unknown bit means a field we cannot see, and everything read after it would be garbage.
 */
export function badFlags(r: TlReader, flags: number, mask: number, type: string): never {
  r.pos -= 4;
  return r.fail(`flags ${idHex(flags >>> 0)} has bits the schema does not define (known ${idHex(mask)})`, type);
}

/** The `bytes` field of a container message: the body length, a multiple of 4 inside the input. */
export function bodyLength(r: TlReader): number {
  const at = r.pos;
  const n = r.int();
  if (n < 0 || n % 4 !== 0 || n > r.end - r.pos) {
    r.pos = at;
    r.fail(`message body length ${n} is not a multiple of 4 that fits in the input`, 'message');
  }
  return n;
}

/** A value written where a boxed type of a typed-dispatch schema (the secret-chat one) stands, but not one of its constructors. */
export function notOfType(o: unknown, type: string): never {
  const what = o == null ? String(o) : typeof o !== 'object' ? typeof o : `_ = ${JSON.stringify((o as { _?: unknown })._)}`;
  throw new TlError(`not a constructor of ${type} (${what})`, type);
}

export function notVector(a: unknown): never {
  throw new TlError(`expected an array, got ${a === null ? 'null' : typeof a}`, 'Vector');
}
