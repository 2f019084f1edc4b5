// Drives the server's session layer (SessionManager) in process with hand-made packets, as a client of any
// layer would send them, and hands back what the server sent: rpc_result bodies by request, and the other
// messages (pushes, pong, future_salts…). No network: the layer tests read every answer's bytes.
import assert from 'node:assert/strict';
import { loadAuthKey, type LoadedAuthKey } from '../../src/crypto/message.ts';
import { authKeyId } from '../../src/crypto/kdf.ts';
import { bodyId, openPacket, sealPacket, unpackContainer } from '../../src/session/envelope.ts';
import { GZIP_PACKED, MSG_CONTAINER, RPC_RESULT } from '../../src/session/ids.ts';
import type { CreatedAuthKey } from '../../src/session/exchange/server.ts';
import { FakeConnection } from './fake-connection.ts';
import type { SessionManager } from '../../src/server/sessions.ts';
import { gunzip } from '../../src/tl/binary/gzip.ts';
import { TlReader } from '../../src/tl/binary/reader.ts';
import { seededBytes } from './random.ts';


/** What the server sent: rpc_result bodies by req_msg_id (gzip_packed undone), and the other messages. */
export interface Out {
  results: Map<bigint, Uint8Array>;
  others: Uint8Array[];
}

let seed = 1000;

/** A new auth key registered with the manager (hex id as the server names it, and the loaded key). */
export function addTestKey(manager: SessionManager): { id: string; key: LoadedAuthKey } {
  const authKey = seededBytes(seed++, 256);
  const id = authKeyId(authKey);
  manager.addKey({ authKey, authKeyId: id, serverSalt: new Uint8Array(8), temp: false } as CreatedAuthKey);
  return { id: Buffer.from(id).toString('hex'), key: loadAuthKey(authKey) };
}

/** One client session over a fake connection: send bodies (already serialized), get what came back. */
export function testSession(manager: SessionManager, key: LoadedAuthKey, sessionId: bigint, now: () => number) {
  const connection = new FakeConnection();
  let n = 1;
  let seq = 0;
  const nextId = () => (BigInt(Math.floor(now() / 1000)) << 32n) | BigInt(n++ * 4);
  function collect(): Out {
    const out: Out = { results: new Map(), others: [] };
    for (const p of connection.packets) {
      const opened = openPacket(key, 8, sessionId, p);
      const items = bodyId(opened.body) === MSG_CONTAINER ? unpackContainer(opened.body, opened.msgId) : [opened];
      for (const m of items) {
        if (bodyId(m.body) === RPC_RESULT) {
          let result = m.body.subarray(12);
          if (bodyId(result) === GZIP_PACKED) result = gunzip(new TlReader(result, 4).bytes(), 1 << 24);
          out.results.set(new TlReader(m.body, 4).long(), result);
        } else out.others.push(m.body);
      }
    }
    connection.packets.length = 0;
    return out;
  }
  return {
    /** Sends one message (content-related unless told); its msg_id and everything the server sent in reply. */
    send(body: Uint8Array, content = true): { msgId: bigint; out: Out } {
      const msgId = nextId();
      const seqNo = content ? seq++ * 2 + 1 : seq * 2;
      manager.handle(sealPacket({ key, x: 0, salt: manager.salts.current, sessionId }, [{ msgId, seqNo, body }]).slice(), connection);
      return { msgId, out: collect() };
    },
    /** The result of a call (its rpc_result), asserting it came at once. */
    call(body: Uint8Array): Uint8Array {
      const { msgId, out } = this.send(body);
      const r = out.results.get(msgId);
      assert.ok(r, `an rpc_result for ${Buffer.from(body.subarray(0, 4)).toString('hex')}`);
      return r;
    },
    collect,
  };
}

/** invokeWithLayer(layer, query bytes). */
export function withLayer(layer: number, query: Uint8Array): Uint8Array {
  const b = new Uint8Array(8 + query.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xda9b0d0d, true);
  v.setInt32(4, layer, true);
  b.set(query, 8);
  return b;
}
