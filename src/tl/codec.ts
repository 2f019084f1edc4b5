// The public TL codec: serialize/deserialize any boxed object or method of the bundled schemas
// (MTProto service schema + API layer 228) as plain data objects.
//
// Objects: `_` is the name as the schema writes it ('inputPeerSelf', 'messages.sendMessage'); fields are
// camelCase; long → bigint; int128/int256/bytes → Uint8Array; Bool and `flags.N?true` → boolean; absent
// optional fields → undefined; `flags` words are computed by the writer.
//
// Decisions:
// - One namespace for both schemas. Entries in both (ipPort, ipPortSecret, accessPointRule, help.configSimple)
//   are the same and taken once. The MTProto container item `message` (bare, no id) clashes with the API's
//   `message`, so it is `mt_message` here (fields msgId, seqno, body; its `bytes` length is computed).
// - The MTProto service schema writes binary data as `string` (resPQ.pq, server_DH_inner_data.dh_prime,
//   msgs_state_info.info…); there those fields are Uint8Array, except rpc_error.error_message (text).
// - gzip_packed is transparent on read: deserialize returns the object inside (inflated output is bounded by
//   MAX_GZIP_OUTPUT). It can be written explicitly as { _: 'gzip_packed', packedData }.
// - A Vector (0x1cb5c415) where any object may stand (top level, Object, !X) is read as boxed objects; a
//   vector of bare ints/longs (a method result) needs the method: see deserializeResult.
// - Flags words with bits the schema does not define are rejected on read (TlError), in every constructor:
//   an unknown bit may announce a field we cannot see, after which nothing read would be trustworthy.
// - The Uint8Array fields of a result never alias the caller's buffer: the reader copies each one
//   (copyBytes) instead of deserialize copying the whole input up front (that slice cost ~1 µs of ~15 µs on
//   a 20-message response). The input is only read during the call.
import { TlError } from '../errors.ts';
import { TlReader } from './binary/reader.ts';
import { TlWriter } from './binary/writer.ts';
import { genericMethods, readers, resultReaders, writers } from './generated/codecs.ts';
import type { TlObject, TlRequest } from './generated/types.ts';
import {
  GZIP_PACKED,
  type Reader,
  WRITERS,
  readObject,
  setReader,
  resetWriteDepth,
  writeObject,
} from './codec/runtime.ts';

export { TL_LAYER } from './generated/layer.ts';

for (const [id, read] of readers) if (id !== GZIP_PACKED) setReader(id, read);
for (const [name, write] of writers) WRITERS.set(name, write);
const RESULT_READERS = new Map<string, Reader>(resultReaders);
const GENERIC_METHODS = new Set(genericMethods);

/** Anything serialize() takes: a constructor or method object of the bundled schemas. */
export type TlSerializable = TlObject | TlRequest;

/** A reused writer: serialize() copies out exactly the bytes written. */
let scratch = new TlWriter(4096);

/** The TL encoding of a boxed object or method (id first). */
export function serialize(obj: TlSerializable): Uint8Array<ArrayBuffer> {
  const w = scratch;
  w.pos = 0;
  resetWriteDepth();
  try {
    writeObject(w, obj);
  } catch (e) {
    scratch = new TlWriter(4096); // do not keep a writer left half-way
    throw e;
  }
  const out = w.result().slice();
  if (w.pos > 1 << 20) scratch = new TlWriter(4096); // do not keep a huge buffer alive
  return out;
}

/**
 * Serializes into `target` at `offset` (e.g. a view of WASM memory, so encryption needs no further
 * copy). Returns the number of bytes written; TlError if the object does not fit.
 */
export function serializeInto(obj: TlSerializable, target: Uint8Array<ArrayBuffer>, offset = 0): number {
  const w = TlWriter.into(target, offset);
  resetWriteDepth();
  writeObject(w, obj);
  return w.pos - offset;
}

/**
 * Reads one boxed object or method; TlError on malformed input or trailing bytes. `ownsBuffer`: the input's
 * whole ArrayBuffer is the caller's to give away (see TlReader.ownsBuffer): a byte field that is most of it
 * is not copied.
 */
export function deserialize(bytes: Uint8Array, options?: { ownsBuffer?: boolean }): unknown {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  const r = new TlReader(bytes);
  r.copyBytes = true;
  r.ownsBuffer = options?.ownsBuffer === true;
  const v = readObject(r);
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} trailing bytes after the object`);
  return v;
}

/**
 * Reads the result of `method` (a request object, or its name), e.g. from rpc_result: knows the results
 * that are not boxed objects (Bool, Vector<long>, Vector<int>…) and follows invokeWithLayer-style wrappers.
 */
export function deserializeResult(method: TlRequest | string, bytes: Uint8Array): unknown {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  let req: { _: string; query?: unknown } | string = method;
  for (let i = 0; typeof req !== 'string' && GENERIC_METHODS.has(req._) && i < 256; i++) {
    req = req.query as { _: string; query?: unknown };
  }
  const name = typeof req === 'string' ? req : req?._;
  if (typeof name !== 'string' || (!WRITERS.has(name) && !GENERIC_METHODS.has(name))) {
    throw new TlError(`not a method of the bundled schemas: ${String(name)}`, 'rpc_result');
  }
  const r = new TlReader(bytes);
  r.copyBytes = true;
  const v = (RESULT_READERS.get(name) ?? readObject)(r);
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} trailing bytes after the result`);
  return v;
}
