// `npm run serve` as a user runs it: a separate process that prints its addresses and key, and that
// our client can create auth keys with over TCP, WebSocket and HTTP using only what it printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthKey } from '../src/session/exchange/index.ts';
import { parsePublicKeyPem } from '../src/crypto/rsa.ts';
import { connectTransport } from '../src/transport/connect.ts';
import { parseMtproxySecret } from '../src/transport/mtproxy.ts';
import { toHex } from './helpers/vectors.ts';
import { withTimeout } from './helpers/exchange.ts';

const cli = new URL('../src/cli/serve.ts', import.meta.url).pathname;

test('serve: prints addresses, fingerprint and MTProxy secret; clients connect with what it printed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtproto-serve-'));
  const keyPath = join(dir, 'server.pem');
  const server = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--rsa-key', keyPath, '--data-dir', join(dir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let output = '';
    server.stdout.setEncoding('utf8');
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        server.stdout.on('data', (chunk: string) => {
          output += chunk;
          if (/tg:\/\/proxy/.test(output)) resolve();
        });
        server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
      }),
      30_000,
      'serve start-up',
    );
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(output)![1]);
    assert.match(output, new RegExp(`ws://127\\.0\\.0\\.1:${port}/apiws`));
    assert.match(output, new RegExp(`http://127\\.0\\.0\\.1:${port}/api`));
    const publicKey = parsePublicKeyPem(readFileSync(`${keyPath}.pub`, 'utf8'));
    const fingerprint = /fingerprint ([0-9a-f]{16})/.exec(output)![1];
    assert.equal(fingerprint, BigInt.asUintN(64, publicKey.fingerprint).toString(16).padStart(16, '0'));
    assert.ok(output.includes(`data       ${join(dir, 'data')}`), output);
    assert.match(output, /sign-in    test numbers 999662XXXX, code 22222/);
    const secret = parseMtproxySecret(/mtproxy secret: (dd[0-9a-f]{32})/.exec(output)![1]);

    for (const options of [{ carrier: 'tcp' as const }, { carrier: 'websocket' as const }, { carrier: 'http' as const }, { carrier: 'tcp' as const, secret }]) {
      const transport = await connectTransport({ host: '127.0.0.1', port, ...options });
      const key = await withTimeout(createAuthKey(transport, { publicKeys: [publicKey], dcId: 2 }), 20_000, options.carrier);
      transport.close();
      assert.equal(key.authKey.length, 256);
      await withTimeout(
        new Promise<void>((resolve) => {
          const check = () => (output.includes(`auth key created: id ${toHex(key.authKeyId)}`) ? resolve() : setTimeout(check, 20));
          check();
        }),
        5_000,
        'server log line',
      );
    }

    // --print-public-key prints exactly the saved public half.
    const printed = execFileSync(process.execPath, ['--import', 'tsx', cli, '--rsa-key', keyPath, '--print-public-key'], { encoding: 'utf8' });
    assert.equal(printed, readFileSync(`${keyPath}.pub`, 'utf8'));
  } finally {
    server.kill('SIGTERM');
  }
});
