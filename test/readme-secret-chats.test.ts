// The README's secret-chat example, run as written (its import line dropped; host, port, publicKey and
// console supplied) against our server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MtprotoServer } from '../src/server/mtproto-server.ts';
import { serverKey } from './helpers/exchange.ts';
import { runReadmeExample } from './helpers/readme-example.ts';

test('README: the secret-chat example runs and prints what its comments say', { timeout: 30_000 }, async () => {
  const server = await MtprotoServer.listen({ port: 0, privateKey: serverKey() });
  try {
    const { printed, comments } = await runReadmeExample('### Secret chats: `client.secretChats`', server);
    assert.equal(comments.length, 2);
    assert.deepEqual(printed, comments);
    assert.equal([...server.secretChats.chats.values()][0]?.state, 'discarded');
  } finally {
    await server.close();
  }
});
