// Runs the first ```ts block under a README heading as written (its import line dropped; TelegramClient,
// host, port, publicKey and console supplied) and returns what it printed next to what its
// `console.log(…); // comment` lines say it prints.
import { readFileSync } from 'node:fs';
import { TelegramClient } from '../../src/client/telegram-client.ts';
import type { MtprotoServer } from '../../src/server/mtproto-server.ts';

export async function runReadmeExample(heading: string, server: MtprotoServer): Promise<{ printed: string[]; comments: string[] }> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README has no heading "${heading}"`);
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(at))![1].replace(/^import .*\n/m, '');
  const printed: string[] = [];
  const log = { log: (...args: unknown[]) => printed.push(args.map(String).join(' ')) };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction('TelegramClient', 'host', 'port', 'publicKey', 'console', code)(TelegramClient, server.host, server.port, server.publicKey, log);
  const comments = [...code.matchAll(/console\.log\(.*\);\s*\/\/ (.*)/g)].map((m) => m[1]);
  return { printed, comments };
}
