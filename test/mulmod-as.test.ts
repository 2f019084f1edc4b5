// Compiles the AS-level oracle test (assembly/__tests__/mulmod.ts: the core's u64 Montgomery helpers vs as-bignum's
// u128) with asc into a temp dir, runs it, and asserts zero mismatches over the cases it reports checking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from 'assemblyscript/asc';

const root = fileURLToPath(new URL('../', import.meta.url));

test('64-bit mulhi / Montgomery mulmod / gcd / Miller–Rabin agree with as-bignum u128 and trial division', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mulmod-as-'));
  try {
    // An empty config, so the project's asconfig.json (whose entries are the product module) is not merged in.
    writeFileSync(join(dir, 'asconfig.json'), '{"options": {}}');
    const outFile = join(dir, 'mulmod.wasm');
    const { error, stderr } = await main([
      'assembly/__tests__/mulmod.ts', '--baseDir', root, '--config', join(dir, 'asconfig.json'),
      '--outFile', outFile, '--runtime', 'incremental', '-O2', '--use', 'abort=',
    ]);
    assert.equal(error, null, stderr.toString());
    const module = new WebAssembly.Module(readFileSync(outFile));
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    assert.ok(!exports.includes('modPowHex'), 'the product module must not be compiled into the test entry');
    const t = new WebAssembly.Instance(module, {}).exports as {
      run(count: number, seed: bigint): number;
      runPrimes(limit: number): number;
      checked(): number;
    };
    const N = 20000;
    assert.equal(t.run(N, 0x1234_5678_9abc_def1n), 0, 'mismatches against u128');
    assert.equal(t.checked(), N, 'number of (a, b, m) cases checked');
    assert.equal(t.runPrimes(200_000), 0, 'Miller–Rabin vs trial division below 200000');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
