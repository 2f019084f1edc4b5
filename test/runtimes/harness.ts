// A minimal test runner that works the same in Node, Deno, Bun (no node:test, no Deno.test, no bun:test):
// tests run one after another, each under a hard timeout; prints "N passed, N failed" and exits non-zero on failure.
type Test = { name: string; fn: () => unknown | Promise<unknown>; timeoutMs: number };
const tests: Test[] = [];

export function test(name: string, fn: Test['fn'], timeoutMs = 20_000): void {
  tests.push({ name, fn, timeoutMs });
}

export function equal(actual: unknown, expected: unknown, what = ''): void {
  if (actual !== expected) throw new Error(`${what ? what + ': ' : ''}expected ${String(expected)}, got ${String(actual)}`);
}

export function ok(value: unknown, what = 'expected a truthy value'): void {
  if (!value) throw new Error(what);
}

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
export const fromHex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

/** The runtime running this script: 'deno', 'bun' or 'node'. */
export const runtime: string =
  'Deno' in globalThis ? 'deno' : 'Bun' in globalThis ? 'bun' : 'node';

export function exit(code: number): never {
  const g = globalThis as { Deno?: { exit(c: number): never }; process?: { exit(c: number): never } };
  if (g.Deno) g.Deno.exit(code);
  return g.process!.exit(code);
}

export async function run(suite: string, teardown?: () => unknown): Promise<never> {
  let passed = 0;
  let failed = 0;
  for (const t of tests) {
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(t.fn),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${t.timeoutMs} ms`)), t.timeoutMs))),
      ]);
      passed++;
      console.log(`ok - ${t.name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed++;
      console.log(`not ok - ${t.name}: ${(error as Error)?.stack ?? error}`);
    } finally {
      clearTimeout(timer);
    }
  }
  try {
    await Promise.race([Promise.resolve().then(teardown), new Promise((r) => setTimeout(r, 5000))]);
  } catch (error) {
    console.log(`teardown failed: ${(error as Error).message}`);
  }
  console.log(`${suite} (${runtime}): ${passed} passed, ${failed} failed`);
  return exit(failed === 0 && passed > 0 ? 0 : 1);
}
