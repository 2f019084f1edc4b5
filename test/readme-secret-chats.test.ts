// The README's secret-chat example, run as written (its import line dropped; host, port, publicKey and
// console supplied) against our server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MtprotoServer } from '../src/server/mtproto-server.ts';
import { TelegramClient } from '../src/client/telegram-client.ts';
import { serverKey } from './helpers/exchange.ts';

test('README: the secret-chat example runs and prints what its comments say', { timeout: 30_000 }, async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Secret chats: `client.secretChats`'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1].replace(/^import .*\n/m, '');
  const server = await MtprotoServer.listen({ port: 0, privateKey: serverKey() });
  try {
    const lines: string[] = [];
    const log = { log: (...args: unknown[]) => lines.push(args.map(String).join(' ')) };
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
    await new AsyncFunction('TelegramClient', 'host', 'port', 'publicKey', 'console', code)(TelegramClient, server.host, server.port, server.publicKey, log);
    const comments = [...code.matchAll(/console\.log\(.*\);\s*\/\/ (.*)/g)].map((m) => m[1]);
    assert.equal(comments.length, 2);
    assert.deepEqual(lines, comments);
    assert.equal([...server.secretChats.chats.values()][0]?.state, 'discarded');
  } finally {
    await server.close();
  }
});
