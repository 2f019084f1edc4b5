// `npm start` as a user runs it: it must finish by itself, every step must succeed, the second run must
// reuse the stored key, the chat lines must come from the receivers' update iterators, the big file's two
// SHA-256 must be printed and equal, and the secret chat's fingerprint must be the same on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

test('npm start: the demo runs every transport, reuses the stored key, and exits 0', () => {
  const output = execFileSync(process.execPath, ['--import', 'tsx', new URL('../src/cli/start.ts', import.meta.url).pathname], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.match(output, /Every primitive agreed with its reference/);
  for (const label of ['TCP abridged', 'TCP intermediate', 'TCP padded intermediate', 'TCP full', 'TCP obfuscated2', 'MTProxy', 'WebSocket', 'HTTP POST']) {
    assert.match(output, new RegExp(`✔ ${label}.*auth key created`), label);
  }
  assert.match(output, /✔ second run\s+stored key reused/);
  assert.match(output, /the second run reused the auth key stored in/);
  // Two users sign in and chat; each message is printed by the receiving side when its update arrives.
  assert.match(output, /✔ Alice signed in as \+99966\d{5} → user \d+/);
  assert.match(output, /✔ Bob\s+signed in as \+99966\d{5} → user \d+/);
  assert.match(output, /Alice → Bob\s+"Hi Bob!/);
  assert.match(output, /Bob\s+← Alice "Hi Bob!.*live [\d.]+ ms after send/);
  assert.match(output, /Alice ← Bob\s+"Hi Alice, got it live/);
  assert.match(output, /sendMessage round trip median [\d.]+ ms/);
  // The big file: progress reaches 100% both ways, and the hashes are printed and equal.
  assert.match(output, /✔ upload .*100%/);
  assert.match(output, /✔ download .*100%/);
  const sent = /SHA-256 sent\s+([0-9a-f]{64})/.exec(output)?.[1];
  const received = /SHA-256 received\s+([0-9a-f]{64})\s+✔ match/.exec(output)?.[1];
  assert.ok(sent && received, 'both SHA-256 lines with a match');
  assert.equal(received, sent);
  // The secret chat: both sides see the same key fingerprint, and messages arrive decrypted both ways.
  const fingerprint = /key fingerprint\s+Alice sees ([0-9a-f]{16})\s+Bob sees ([0-9a-f]{16})\s+✔ equal/.exec(output);
  assert.ok(fingerprint, 'the fingerprint line');
  assert.equal(fingerprint[1], fingerprint[2]);
  assert.match(output, /Bob\s+← Alice 🔒 "This one is end-to-end encrypted\."/);
  assert.match(output, /Alice ← Bob\s+🔒 "The server only sees ciphertext\."/);
  assert.match(output, /Everything worked/);
  assert.doesNotMatch(output, /✘/);
});
