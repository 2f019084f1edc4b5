// `npm start` as a user runs it: it must finish by itself, every step must succeed, and the second run
// must reuse the stored key.
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
  assert.match(output, /Everything worked\./);
  assert.doesNotMatch(output, /✘/);
});
