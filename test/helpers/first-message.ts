// What a server does with a client's first encrypted packet: find the auth key by auth_key_id,
// decrypt it with the fused message crypto (x = 0, client → server; sessionId 'any', since the client
// chose the session_id of its new session), and read the body with our TL codec (msg_container and
// gzip_packed included). Used by the tests that point real clients at our server.
import { loadAuthKey, openMessage, type LoadedAuthKey, type OpenedMessage } from '../../src/crypto/message.ts';
import { deserialize } from '../../src/tl/codec.ts';
import type { CreatedAuthKey } from '../../src/session/exchange/server.ts';
import { toHex } from './vectors.ts';

export interface FirstMessage extends Omit<OpenedMessage, 'body'> {
  authKeyId: string;
  /** The decoded body (a plain TL object: `_` names the constructor or method). */
  body: TlValue;
}

/** A decoded TL object, loosely typed for assertions. */
export type TlValue = { _: string; [field: string]: unknown };

/** Keeps the auth keys the server created, loaded for the message crypto, by auth_key_id (hex). */
export class AuthKeyStore {
  readonly created = new Map<string, CreatedAuthKey>();
  private readonly loaded = new Map<string, LoadedAuthKey>();

  add(key: CreatedAuthKey): void {
    this.created.set(toHex(key.authKeyId), key);
  }

  /** Decrypts and parses `packet`; throws (SecurityError, TlError, or Error for an unknown key). */
  open(packet: Uint8Array): FirstMessage {
    const authKeyId = toHex(packet.subarray(0, 8));
    const created = this.created.get(authKeyId);
    if (!created) throw new Error(`no auth key ${authKeyId}`);
    let key = this.loaded.get(authKeyId);
    if (!key) this.loaded.set(authKeyId, (key = loadAuthKey(created.authKey)));
    const { body, ...fields } = openMessage(key, packet, 0, 'any');
    return { authKeyId, ...fields, body: deserialize(body) as TlValue };
  }

  dispose(): void {
    for (const key of this.loaded.values()) key.dispose();
    this.loaded.clear();
  }
}

/** The messages a body carries: the items of a msg_container, or the body itself. */
export function messagesOf(body: TlValue): TlValue[] {
  if (body._ !== 'msg_container') return [body];
  return (body.messages as { body: TlValue }[]).map((m) => m.body);
}

/** The chain of wrapped queries: invokeWithLayer → initConnection → help.getConfig … */
export function queryChain(body: TlValue): TlValue[] {
  const chain = [body];
  for (let q = body.query as TlValue | undefined; q && typeof q === 'object' && '_' in q; q = q.query as TlValue | undefined) chain.push(q);
  return chain;
}
