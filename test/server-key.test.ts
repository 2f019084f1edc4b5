// The server's RSA key file: generated once with a client-friendly fingerprint, saved, and read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey } from 'node:crypto';
import { fingerprintHex, loadOrCreateServerKey } from '../src/server/server-key.ts';
import { parsePublicKeyPem } from '../src/crypto/rsa.ts';

test('a missing key file is generated, saved with its public half, and reused on the next load', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'mtproto-key-')), 'server.pem');
  const first = loadOrCreateServerKey(path);
  assert.equal(first.created, true);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.notEqual(fingerprintHex(first.key.fingerprint)[0], '0');
  const second = loadOrCreateServerKey(path);
  assert.equal(second.created, false);
  assert.equal(second.key.n, first.key.n);
  assert.equal(second.key.d, first.key.d);
  const publicPem = readFileSync(`${path}.pub`, 'utf8');
  assert.equal(parsePublicKeyPem(publicPem).fingerprint, first.key.fingerprint);
  // node:crypto reads our public PEM as the same key.
  const jwk = createPublicKey(publicPem).export({ format: 'jwk' });
  assert.equal(BigInt('0x' + Buffer.from(jwk.n!, 'base64url').toString('hex')), first.key.n);
});

test('fingerprints print as 16 unsigned hex digits', () => {
  assert.equal(fingerprintHex(-3414540481677951611n), 'd09d1d85de64fd85'); // Telegram's production key
  assert.equal(fingerprintHex(1n), '0000000000000001');
});
