// Issue 9's tampering proof through our real server: two TelegramClients over loopback talk in a secret
// chat (client.secretChats) relayed by MtprotoServer's SecretRelay, and the relay path is tampered with by
// wrapping the default messages.sendEncrypted* handlers (MtprotoServer.listen({ methods })):
//   - one bit of a relayed ciphertext flipped,
//   - a delivered ciphertext relayed again (fresh outer random_id, so the server relays it),
//   - a correctly encrypted message whose out_seq_no jumps far ahead (crafted with the chat's key), and a
//     message swallowed by the relay so that the next one comes from the future (held, resend asked),
//   - a ciphertext of before the re-key relayed after the re-key completed, and a new message under the old key.
// Each one reaches the receiving application as an 'error' event carrying a SecurityError that names the
// check; nothing is delivered twice or corrupted; and the chat goes on both ways, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MtprotoServer } from '../src/server/mtproto-server.ts';
import { TelegramClient } from '../src/client/telegram-client.ts';
import type { SecretChatsEvent } from '../src/client/secret/manager.ts';
import type { SecretChat } from '../src/client/secret/secret-chat.ts';
import { encryptSecretMessage, secretKey } from '../src/crypto/secret/index.ts';
import { serializeSecret, type Secret } from '../src/tl/secret.ts';
import { SecurityError } from '../src/errors.ts';
import type { MethodContext, MethodHandler } from '../src/server/methods.ts';
import type { TlObject, TlRequest } from '../src/tl/generated/types.ts';
import { serverKey } from './helpers/exchange.ts';
import { until } from './helpers/cloud.ts';
import { signInAndOpenSecretChat } from './helpers/secret-pair.ts';

interface SendRequest { _: 'messages.sendEncrypted' | 'messages.sendEncryptedService' | 'messages.sendEncryptedFile'; peer: { _: 'inputEncryptedChat'; chatId: number; accessHash: bigint }; randomId: bigint; data: Uint8Array }

/** Wraps the relay's send methods: every ciphertext it relays passes `tamper` (by default untouched). */
class TamperingRelay {
  server!: MtprotoServer;
  /** Applied to each send before the default handler relays it (other bytes; undefined: answered, never relayed). */
  tamper: ((r: SendRequest, ctx: MethodContext) => Uint8Array | undefined) | undefined;
  /** Every ciphertext relayed, with who sent it (the last context and peer of each sender, for injections). */
  readonly relayed: Array<{ from: string; name: string; data: Uint8Array }> = [];
  private readonly last = new Map<string, { ctx: MethodContext; peer: SendRequest['peer'] }>();
  private nextRandom = 0x7a3e_0000_0000n;

  methods(): Record<string, MethodHandler> {
    const m: Record<string, MethodHandler> = {};
    for (const name of ['messages.sendEncrypted', 'messages.sendEncryptedService', 'messages.sendEncryptedFile'] as const) {
      m[name] = (r: TlRequest, ctx: MethodContext): ReturnType<MethodHandler> => {
        const req = r as unknown as SendRequest;
        this.last.set(ctx.authKeyId, { ctx, peer: req.peer });
        const data = this.tamper ? this.tamper(req, ctx) : req.data;
        if (data === undefined) return { _: 'messages.sentEncryptedMessage', date: ctx.now } as unknown as TlObject;
        this.relayed.push({ from: ctx.authKeyId, name, data });
        return this.defaults()[name](data === req.data ? r : ({ ...req, data } as unknown as TlRequest), ctx);
      };
    }
    return m;
  }

  private defaults(): Record<string, MethodHandler> {
    return this.server.secretChats.methods();
  }

  /** Relays `data` as a new messages.sendEncrypted of the sender with auth key `from` (fresh random_id). */
  async inject(from: string, data: Uint8Array): Promise<void> {
    const last = this.last.get(from);
    assert.ok(last, 'the sender has sent through the relay before');
    const r = { _: 'messages.sendEncrypted', peer: last.peer, randomId: this.nextRandom++, data } as TlRequest;
    await this.defaults()['messages.sendEncrypted'](r, last.ctx);
  }
}

interface Side {
  tg: TelegramClient;
  events: SecretChatsEvent[];
  authKeyId: string;
}

const texts = (s: Side) => s.events.flatMap((e) => (e.type === 'message' ? [e.message.message] : []));
/** The errors the application got: the check each SecurityError names. */
const checks = (s: Side) => s.events.flatMap((e) => (e.type === 'error' ? [e.error instanceof SecurityError ? e.error.check : `${e.error.name}: ${e.error.message}`] : []));

/** A well-formed decryptedMessageLayer from `from`'s side of the chat, encrypted with `key` (as only a key holder can). */
function craft(from: SecretChat, key: Uint8Array, text: string, seq: { out?: number } = {}): Uint8Array {
  const s = from.exportState();
  const xOut = s.originator ? 1 : 0;
  const layer: Secret.RawDecryptedMessageLayer = {
    _: 'decryptedMessageLayer', randomBytes: new Uint8Array(16).fill(7), layer: s.layer,
    inSeqNo: 2 * s.inSeq + (1 - xOut), outSeqNo: 2 * (seq.out ?? s.outSeq) + xOut,
    message: { _: 'decryptedMessage', silent: false, randomId: 0x5eedn, ttl: 0, message: text, media: undefined, entities: undefined, viaBotName: undefined, replyToRandomId: undefined, groupedId: undefined },
  };
  return encryptSecretMessage(secretKey(key), serializeSecret(layer), s.originator ? 0 : 8);
}

test('tampering on the server relay path: flipped bit, replay, seq_no from the future, old key after re-key — typed errors, the chat goes on', { timeout: 60_000 }, async () => {
  const relay = new TamperingRelay();
  const server = await MtprotoServer.listen({ port: 0, privateKey: serverKey(), methods: relay.methods() });
  relay.server = server;
  const open = (): Side => {
    // Re-keying only when the test asks for it.
    const tg = new TelegramClient({ host: server.host, port: server.port, publicKeys: [server.publicKey], pingIntervalMs: 0, timeoutMs: 10_000, updatesGapMs: 100, secretChats: { chat: { rekeyAfterMessages: 100_000 } } });
    const side: Side = { tg, events: [], authKeyId: '' };
    tg.secretChats.on((e) => side.events.push(e));
    return side;
  };
  const alice = open();
  const bob = open();
  try {
    const chatA = await signInAndOpenSecretChat(alice.tg, bob.tg);
    const id = chatA.id;
    const chatB = bob.tg.secretChats.chat(id);
    // Both NotifyLayer messages through; the auth key ids of the two senders as the relay sees them.
    await until(() => chatA.counters.in === 1 && chatB.counters.in === 1, 5000, 'layers announced');
    alice.authKeyId = relay.relayed.find((r) => r.name === 'messages.sendEncryptedService')!.from;
    const fromAlice = () => relay.relayed.filter((r) => r.from === alice.authKeyId);

    let sent = { a: 0, b: 0 };
    /** Normal messages both ways; waits until both sides have all of them. */
    const converse = async (tag: string, n = 3) => {
      for (let i = 0; i < n; i++) {
        alice.tg.secretChats.send(id, `${tag} a${i}`);
        bob.tg.secretChats.send(id, `${tag} b${i}`);
      }
      sent = { a: sent.a + n, b: sent.b + n };
      await until(() => texts(bob).length === sent.a && texts(alice).length === sent.b, 10_000, `${tag}: all messages both ways`);
    };
    const expected: { a: string[]; b: string[] } = { a: [], b: [] };
    const expectConverse = async (tag: string, n = 3) => {
      await converse(tag, n);
      for (let i = 0; i < n; i++) {
        expected.a.push(`${tag} a${i}`);
        expected.b.push(`${tag} b${i}`);
      }
      assert.deepEqual(texts(bob), expected.a, `${tag}: alice's messages at bob, in order, once each`);
      assert.deepEqual(texts(alice), expected.b, `${tag}: bob's messages at alice, in order, once each`);
    };
    await expectConverse('start');

    // 1. One flipped bit in the encrypted part of alice's next message.
    relay.tamper = (r, ctx) => {
      if (ctx.authKeyId !== alice.authKeyId || r._ !== 'messages.sendEncrypted') return r.data;
      relay.tamper = undefined;
      const t = r.data.slice();
      t[40] ^= 0x10;
      return t;
    };
    alice.tg.secretChats.send(id, 'flipped');
    alice.tg.secretChats.send(id, 'after flipped');
    expected.a.push('flipped', 'after flipped');
    sent.a += 2;
    // Refused as msg_key; the next one reveals the hole, bob asks for a resend, alice resends: both arrive.
    await until(() => texts(bob).length === sent.a, 10_000, 'the flipped message re-requested and delivered');
    assert.deepEqual(checks(bob), ['msg_key']);
    assert.deepEqual(texts(bob), expected.a);
    assert.equal(chatB.counters.held, 0);
    await expectConverse('after-flip');

    // 1b. The same for a message with an encrypted file: its resend names the file already relayed.
    relay.tamper = (r, ctx) => {
      if (ctx.authKeyId !== alice.authKeyId || r._ !== 'messages.sendEncryptedFile') return r.data;
      relay.tamper = undefined;
      const t = r.data.slice();
      t[40] ^= 0x01;
      return t;
    };
    const fileBytes = new Uint8Array(70_000).map((_, i) => (i * 131 + 7) & 0xff);
    await alice.tg.secretChats.sendFile(id, fileBytes, { fileName: 'f.bin', caption: 'file' });
    alice.tg.secretChats.send(id, 'after file');
    expected.a.push('', 'after file');
    sent.a += 2;
    await until(() => texts(bob).length === sent.a, 10_000, 'the flipped file message re-requested and delivered');
    assert.deepEqual(checks(bob), ['msg_key', 'msg_key']);
    assert.deepEqual(texts(bob), expected.a);
    const fileEvent = bob.events.filter((e) => e.type === 'message').at(-2);
    assert.ok(fileEvent?.type === 'message' && fileEvent.file);
    assert.deepEqual(await bob.tg.secretChats.downloadFile(fileEvent), fileBytes);
    await expectConverse('after-file-flip');

    // 2. A delivered ciphertext relayed again (a fresh outer random_id: the server's own dedup does not see it).
    const last = fromAlice().at(-1)!;
    await relay.inject(alice.authKeyId, last.data);
    await until(() => checks(bob).length === 3, 5000, 'replay reported');
    assert.equal(checks(bob)[2], 'duplicate');
    await expectConverse('after-replay');

    // 3. A correctly encrypted message of alice whose out_seq_no is far ahead (beyond maxGap, default 1000).
    const key = chatA.exportState().current.key;
    await relay.inject(alice.authKeyId, craft(chatA, key, 'from the future', { out: chatA.counters.out + 5000 }));
    await until(() => checks(bob).length === 4, 5000, 'future seq_no reported');
    assert.equal(checks(bob)[3], 'out_seq_no');
    assert.equal(chatB.counters.held, 0, 'nothing held behind a gap');
    await expectConverse('after-future');

    // 3b. The same seen from the relay: it swallows one of alice's messages (answers the send, never relays
    // it). The next one is from the future for bob: held, a Resend asked, alice resends it (a fresh outer
    // random_id, so the server relays it this time), both delivered in order — no error, nothing lost.
    relay.tamper = (r, ctx) => {
      if (ctx.authKeyId !== alice.authKeyId || r._ !== 'messages.sendEncrypted') return r.data;
      relay.tamper = undefined;
      return undefined;
    };
    alice.tg.secretChats.send(id, 'swallowed');
    alice.tg.secretChats.send(id, 'after swallowed');
    expected.a.push('swallowed', 'after swallowed');
    sent.a += 2;
    await until(() => texts(bob).length === sent.a, 10_000, 'the swallowed message re-requested and delivered');
    assert.deepEqual(texts(bob), expected.a);
    assert.equal(checks(bob).length, 4);
    await expectConverse('after-swallow');

    // 4. Re-key; afterwards a ciphertext captured under the old key, and a new message under the old key.
    const oldCaptured = fromAlice().at(-1)!.data;
    const oldKey = chatA.exportState().current.key;
    const fpBefore = chatA.keyFingerprint;
    assert.ok(chatA.rekey());
    await until(() => chatA.keyFingerprint !== fpBefore && chatA.keyFingerprint === chatB.keyFingerprint, 10_000, 're-key at both');
    await expectConverse('rekeyed'); // messages under the new key both ways: the old key retired on both sides
    await until(() => !chatA.counters.oldKeyKept && !chatB.counters.oldKeyKept, 5000, 'old key dropped');
    await relay.inject(alice.authKeyId, oldCaptured);
    await relay.inject(alice.authKeyId, craft(chatA, oldKey, 'under the old key'));
    await until(() => checks(bob).length === 6, 5000, 'old-key messages reported');
    assert.deepEqual(checks(bob).slice(4), ['key_fingerprint', 'key_fingerprint']);
    await expectConverse('after-old-key');

    // Everything: each refusal a SecurityError event, nothing delivered twice or altered, no errors at alice.
    assert.deepEqual(checks(bob), ['msg_key', 'msg_key', 'duplicate', 'out_seq_no', 'key_fingerprint', 'key_fingerprint']);
    for (const e of bob.events) if (e.type === 'error') assert.ok(e.error instanceof SecurityError && e.chatId === id);
    assert.deepEqual(checks(alice), []);
    assert.ok(!texts(bob).includes('from the future') && !texts(bob).includes('under the old key'));
    assert.equal(new Set(bob.events.flatMap((e) => (e.type === 'message' ? [e.randomId] : []))).size, texts(bob).length);
    await until(() => chatA.counters.in === chatB.counters.out && chatB.counters.in === chatA.counters.out, 5000, 'settled');
  } finally {
    await alice.tg.close();
    await bob.tg.close();
    await server.close();
  }
});
