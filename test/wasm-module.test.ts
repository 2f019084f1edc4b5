// The core must be a self-contained module: no imports, no runtime allocator, no memory growth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { coreWasmBytes } from '../bindings/wasm.ts';

test('the embedded module has no imports', () => {
  const module = new WebAssembly.Module(coreWasmBytes());
  assert.deepEqual(WebAssembly.Module.imports(module), []);
});

test('the embedded module equals build/core.wasm', () => {
  const built = readFileSync(new URL('../build/core.wasm', import.meta.url));
  assert.deepEqual(Buffer.from(coreWasmBytes()), built);
});

test('the module contains no runtime allocator and never grows memory', () => {
  const wat = readFileSync(new URL('../build/core.wat', import.meta.url), 'utf8');
  assert.doesNotMatch(wat, /~lib\/rt\//, 'a ~lib/rt function was compiled in: something allocates');
  assert.doesNotMatch(wat, /\(import /);
  assert.doesNotMatch(wat, /memory\.grow/);
});

test('the module uses SIMD (built with --enable simd)', () => {
  const wat = readFileSync(new URL('../build/core.wat', import.meta.url), 'utf8');
  assert.match(wat, /v128/);
});
