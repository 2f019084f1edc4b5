// The end-to-end (secret chat) TL codec: the decryptedMessage* objects of the secret layers, from
// src/tl/schema/secret.tl (tdlib's secret_api.tl). A namespace of its own, apart from the API's:
// - its DocumentAttribute, MessageEntity, InputStickerSet, PhotoSize, FileLocation and SendMessageAction are
//   the secret layers' own constructors (messageEntityMentionName has an int user_id, documentAttributeSticker
//   has no flags…), some with the same ids as API constructors of a different shape, so one id table for
//   both would be ambiguous. Every boxed field is read by a switch over its type's constructors (generated,
//   'typed' dispatch), so an API object can never stand inside a secret message, nor the other way round.
// - tdlib names the historical constructors with a layer suffix (decryptedMessage8, decryptedMessage23,
//   decryptedMessage46; the current one is plain decryptedMessage); `_` uses those names, ids are the wire ids.
// Objects have the same form as the API codec's (camelCase fields, long → bigint, bytes → Uint8Array).
import { TlError } from '../errors.ts';
import { TlReader } from './binary/reader.ts';
import { TlWriter } from './binary/writer.ts';
import { readers, writers } from './generated/secret/codecs.ts';
import type { Reader, Writer } from './codec/runtime.ts';
import type { TlObject as SecretObject } from './generated/secret/types.ts';

export type * as Secret from './generated/secret/types.ts';
export type { SecretObject };
export { SECRET_LAYER } from './generated/secret/layer.ts';

const READERS = new Map<number, Reader>(readers.map(([id, r]) => [id | 0, r]));
const WRITERS = new Map<string, Writer>(writers);

/** The TL encoding of a secret-schema object (id first). TlError for anything else. */
export function serializeSecret(obj: SecretObject): Uint8Array<ArrayBuffer> {
  const write = obj == null ? undefined : WRITERS.get((obj as { _: string })._);
  if (write === undefined) {
    const what = obj == null ? String(obj) : `_ = ${JSON.stringify((obj as { _?: unknown })._)}`;
    throw new TlError(`not an object of the secret-chat schema (${what})`, 'secret TL object');
  }
  const w = new TlWriter(256);
  write(w, obj);
  return w.result().slice();
}

/** Reads one boxed secret-schema object; TlError on malformed input, an unknown id or trailing bytes. */
export function deserializeSecret(bytes: Uint8Array): SecretObject {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  const r = new TlReader(bytes);
  r.copyBytes = true;
  const id = r.int();
  const read = READERS.get(id);
  if (read === undefined) {
    r.pos = 0;
    return r.fail(`unknown constructor id 0x${(id >>> 0).toString(16).padStart(8, '0')}`, 'secret TL object');
  }
  const v = read(r) as SecretObject;
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} trailing bytes after the object`, 'secret TL object');
  return v;
}
