// Telegram's shipped public keys match the published moduli and fingerprints ([rsa.prod], [rsa.test] in
// test/vectors/VECTORS.md), the official sample offers the production key, and the DC table is sane.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bigintFromBytes } from '../src/crypto/bytes.ts';
import { TELEGRAM_PRODUCTION_KEY, TELEGRAM_TEST_KEY, telegramPublicKeys } from '../src/crypto/telegram-keys.ts';
import { TELEGRAM_PRODUCTION_DCS, TELEGRAM_TEST_DCS, telegramDc } from '../src/transport/telegram-dcs.ts';
import { bytesOf, intOf, vectorSet } from './helpers/vectors.ts';

test('shipped Telegram keys: moduli, exponents and fingerprints as published', () => {
  for (const [name, key] of [['rsa.prod', TELEGRAM_PRODUCTION_KEY], ['rsa.test', TELEGRAM_TEST_KEY]] as const) {
    const v = vectorSet(name);
    assert.equal(key.n, bigintFromBytes(bytesOf(v, 'n')), name);
    assert.equal(key.e, intOf(v, 'e'), name);
    assert.equal(key.fingerprint, intOf(v, 'fingerprint_int64'), name);
  }
  assert.equal(BigInt.asUintN(64, TELEGRAM_PRODUCTION_KEY.fingerprint), 0xd09d1d85de64fd85n);
  assert.equal(BigInt.asUintN(64, TELEGRAM_TEST_KEY.fingerprint), 0xb25898df208d2603n);
  assert.deepEqual(telegramPublicKeys(), [TELEGRAM_PRODUCTION_KEY]);
  assert.deepEqual(telegramPublicKeys(true), [TELEGRAM_TEST_KEY]);
});

test('DC table: ids 1–5 in production, 1–3 for test, valid addresses', () => {
  assert.deepEqual(TELEGRAM_PRODUCTION_DCS.map((d) => d.id), [1, 2, 3, 4, 5]);
  assert.deepEqual(TELEGRAM_TEST_DCS.map((d) => d.id), [1, 2, 3]);
  for (const dc of [...TELEGRAM_PRODUCTION_DCS, ...TELEGRAM_TEST_DCS]) {
    assert.match(dc.ipv4, /^\d{1,3}(\.\d{1,3}){3}$/);
    assert.match(dc.ipv6, /^[0-9a-f:]+$/);
    assert.match(dc.websocket, /^wss:\/\/\w+\.web\.telegram\.org\/apiws(_test)?$/);
  }
  assert.equal(telegramDc(2).ipv4, '149.154.167.51');
  assert.throws(() => telegramDc(9), RangeError);
});
