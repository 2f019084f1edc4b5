// Issue 7's proof for messaging: two TelegramClients exchange 10 000 messages in both directions while
// the server drops connections at random moments (a share of the packets it receives, half before and
// half after handling them, plus every connection at once now and then). Each client's update stream
// must hold every message of the chat exactly once, in the server's order (= its history), each
// sender's messages in the order they were sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MtprotoServer } from '../src/server/mtproto-server.ts';
import type { SessionHooks } from '../src/server/sessions.ts';
import { TelegramClient } from '../src/client/telegram-client.ts';
import type { UpdatesEngineEvent } from '../src/client/updates/engine.ts';
import type { RawMessage, RawUser, TypeUpdate } from '../src/tl/generated/types.ts';
import { serverKey } from './helpers/exchange.ts';

const TOTAL = 10_000;
const WINDOW = 250; // sends in flight per client

test(`${TOTAL} messages both ways with connections dropped at random: nothing lost, duplicated or reordered`, { timeout: 120_000 }, async () => {
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    return seed / 2 ** 32;
  };
  const hooks: SessionHooks = { dropRate: 0, random };
  const server = await MtprotoServer.listen({ port: 0, privateKey: serverKey(), hooks });
  const events: UpdatesEngineEvent[] = [];
  let reconnects = 0;
  const make = () => new TelegramClient({
    host: server.host, port: server.port, publicKeys: [server.publicKey], pingIntervalMs: 0, timeoutMs: 60_000,
    reconnectMinMs: 5, reconnectMaxMs: 100, updatesGapMs: 200, onUpdatesEvent: (e) => events.push(e), onEvent: (e) => e.type === 'disconnected' && reconnects++,
  });
  const a = make();
  const b = make();
  let dropper: ReturnType<typeof setInterval> | undefined;
  try {
    const got = new Map<TelegramClient, RawMessage[]>([[a, []], [b, []]]);
    for (const c of [a, b]) c.updates.on((u: TypeUpdate) => u._ === 'updateNewMessage' && got.get(c)!.push(u.message as RawMessage));
    const alice = await a.signIn('9996629001', undefined, { firstName: 'Alice' });
    const bob = await b.signIn('9996629002', undefined, { firstName: 'Bob' });
    await a.invoke({ _: 'users.getUsers', id: [{ _: 'inputUser', userId: bob.id, accessHash: bob.accessHash! }] });
    await b.invoke({ _: 'users.getUsers', id: [{ _: 'inputUser', userId: alice.id, accessHash: alice.accessHash! }] });

    hooks.dropRate = 0.05;
    if (hooks.dropRate) dropper = setInterval(() => random() < 0.5 && server.dropConnections(), 20);
    const started = performance.now();
    const send = async (from: TelegramClient, to: RawUser, tag: string) => {
      let next = 0;
      const worker = async () => {
        while (next < TOTAL / 2) {
          const i = next++;
          await from.sendMessage(to.id, `${tag} ${i}`);
        }
      };
      await Promise.all(Array.from({ length: WINDOW }, worker));
    };
    await Promise.all([send(a, bob, 'A'), send(b, alice, 'B')]);
    const sentMs = performance.now() - started;
    clearInterval(dropper);
    hooks.dropRate = 0;
    assert.ok(reconnects >= 5, `connections were dropped (${reconnects})`);
    const deadline = Date.now() + 30_000;
    while ((got.get(a)!.length < TOTAL || got.get(b)!.length < TOTAL) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    for (const [c, list] of got) {
      const who = c === a ? 'Alice' : 'Bob';
      assert.equal(list.length, TOTAL, `${who}: ${list.length} messages in the stream`);
      const texts = new Set(list.map((m) => m.message));
      assert.equal(texts.size, TOTAL, `${who}: no duplicates`);
      for (let i = 1; i < list.length; i++) assert.ok(list[i].id > list[i - 1].id, `${who}: ids in order at ${i}`);
      // Each sender's messages in the order it called sendMessage (the session sends, and sends again
      // after a drop, in call order; the server runs them in that order).
      for (const tag of ['A', 'B']) {
        const mine = list.filter((m) => m.message.startsWith(`${tag} `)).map((m) => Number(m.message.slice(2)));
        assert.equal(mine.length, TOTAL / 2);
        for (let i = 1; i < mine.length; i++) assert.ok(mine[i] > mine[i - 1], `${who}: ${tag}'s messages in send order at ${i}`);
      }
      // The stream equals the server's history (newest first, in pages of 100).
      const peer = c === a ? bob.id : alice.id;
      const history: RawMessage[] = [];
      for (let offsetId = 0; ;) {
        const page = (await c.getHistory(peer, { limit: 100, offsetId })) as RawMessage[];
        if (page.length === 0) break;
        history.push(...page);
        offsetId = page[page.length - 1].id;
      }
      assert.deepEqual(history.reverse().map((m) => [m.id, m.message]), list.map((m) => [m.id, m.message]), `${who}: stream = history`);
      assert.equal(c.updatesState!.pts, (await c.invoke({ _: 'updates.getState' })).pts);
    }
    const differences = events.filter((e) => e.type === 'difference').length;
    const gaps = events.filter((e) => e.type === 'gap').length;
    console.log(`# ${TOTAL} messages sent in ${Math.round(sentMs)} ms; reconnections ${reconnects}; getDifference ${differences}× (${events.filter((e) => e.type === "difference").map((e) => (e as { reason: string }).reason).join(",")}), gaps ${gaps}, duplicates dropped ${events.filter((e) => e.type === 'duplicate').length}`);
  } finally {
    clearInterval(dropper);
    await a.close();
    await b.close();
    await server.close();
  }
});
