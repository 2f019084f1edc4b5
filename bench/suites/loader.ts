// Why the bindings call raw exports over a static buffer instead of @assemblyscript/loader: the same
// 16-byte XOR (assembly/experiments/loader-xor.ts) through the loader (managed arrays: __newArray, pin,
// __getArray, unpin, as its docs show) and through a raw export with one copy in and one copy out.
import { main as asc } from 'assemblyscript/asc';
import { fileURLToPath } from 'node:url';
import { instantiateSync } from '@assemblyscript/loader';
import type { BenchCase } from '../harness.ts';

async function compile(runtime: string): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  const source = fileURLToPath(new URL('../../assembly/experiments/loader-xor.ts', import.meta.url));
  const { error, stderr } = await asc(
    [source, '--config', 'none', '--outFile', 'x.wasm', '-O3', '--noAssert', '--runtime', runtime, '--exportRuntime', '--use', 'abort='],
    { writeFile: (name: string, contents: Uint8Array | string) => { if (name.endsWith('.wasm')) binary = contents as Uint8Array; } },
  );
  if (error || !binary) throw new Error(`loader experiment did not compile: ${error?.message} ${stderr}`);
  return binary;
}

type XorExports = Record<string, unknown> & {
  memory: WebAssembly.Memory;
  xorManaged(ptr: number): number;
  bufPtr(): number;
  xorInPlace(ptr: number, len: number): void;
  Uint8Array_ID: WebAssembly.Global;
};

export async function cases(): Promise<BenchCase[]> {
  const binary = await compile('incremental');
  const { exports } = instantiateSync<XorExports>(binary as Uint8Array<ArrayBuffer>, {});
  const data = crypto.getRandomValues(new Uint8Array(16));
  const id = exports.Uint8Array_ID.value as number;

  const viaLoader = () => {
    const ptr = exports.__pin(exports.__newArray(id, data));
    const result = exports.__getUint8Array(exports.xorManaged(ptr));
    exports.__unpin(ptr);
    return result;
  };
  const memory = new Uint8Array(exports.memory.buffer);
  const buf = exports.bufPtr();
  const viaRaw = () => {
    memory.set(data, buf);
    exports.xorInPlace(buf, 16);
    return memory.slice(buf, buf + 16);
  };
  const expected = viaRaw();
  if (viaLoader().some((b: number, i: number) => b !== expected[i])) throw new Error('loader experiment: the two paths disagree');
  return [
    {
      group: 'calling convention',
      name: '16-byte XOR, one call',
      impls: [
        { label: 'raw export, static buffer, set + slice (ours)', run: viaRaw },
        { label: '@assemblyscript/loader, managed arrays', run: viaLoader },
      ],
    },
  ];
}
