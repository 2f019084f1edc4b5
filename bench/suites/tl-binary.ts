// TL binary primitives: ours (TS, shipped) against the WASM experiment (assembly/experiments/tl.ts,
// compiled here in memory — it is not part of the core, see that file for why) and mtcute's
// TlBinaryWriter/TlBinaryReader, for a bytes field, a Vector<long> of 1000 items, and UTF-8 strings.
// Each implementation uses its own value types (mtcute: Long objects; ours: bigint).
import { main as asc } from 'assemblyscript/asc';
import { fileURLToPath } from 'node:url';
import { TlBinaryReader, TlBinaryWriter } from '@mtcute/core/utils.js';
import type { BenchCase, Impl } from '../harness.ts';
import { TlWriter } from '../../src/tl/binary/writer.ts';
import { TlReader } from '../../src/tl/binary/reader.ts';

interface TlWasm {
  memory: WebAssembly.Memory;
  tlBytes(dst: number, src: number, len: number): number;
  tlUtf8ToUtf16(src: number, len: number, dst: number): number;
  tlUtf16ToUtf8(src: number, units: number, dst: number): number;
}

/** Compiles the experiment with the core's release flags; undefined if asc fails. */
async function compileExperiment(): Promise<TlWasm | undefined> {
  let binary: Uint8Array | undefined;
  const source = fileURLToPath(new URL('../../assembly/experiments/tl.ts', import.meta.url));
  const { error } = await asc(
    [source, '--outFile', 'tl.wasm', '-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd', '--use', 'abort=', '--initialMemory', '160'],
    { writeFile: (name: string, contents: Uint8Array | string) => { if (name.endsWith('.wasm')) binary = contents as Uint8Array; } },
  );
  if (error || !binary) {
    console.error(`tl-binary: the WASM experiment did not compile (${error?.message}); its cases are skipped`);
    return undefined;
  }
  return new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>), {}).exports as unknown as TlWasm;
}

const wasm = await compileExperiment();
// asc also compiles ./asconfig.json's entry (the core, whose static IO/ARENA take the first ~5 MiB), so
// the experiment's scratch sits above it: input at 6 MiB, output at 7 MiB, arena at 8 MiB (of 10 MiB).
const IN = 6 << 20;
const OUT = 7 << 20;
const ARENA = 8 << 20;

const encoder = new TextEncoder();
const utf16 = new TextDecoder('utf-16le');

function mtLong(v: bigint): Parameters<TlBinaryWriter['long']>[0] {
  return { low: Number(BigInt.asIntN(32, v)), high: Number(BigInt.asIntN(32, v >> 32n)) } as Parameters<TlBinaryWriter['long']>[0];
}

function bytesCases(n: number): BenchCase {
  const data = new Uint8Array(n).map((_, i) => i * 31);
  const region = new Uint8Array(n + 16);
  const mt = TlBinaryWriter.manual(n + 16);
  const impls: Impl[] = [
    { label: 'ours TS (TlWriter.into)', run: () => { const w = TlWriter.into(region); w.bytes(data); return w.pos; } },
    { label: 'ours TS (growable)', run: () => { const w = new TlWriter(n + 8); w.bytes(data); return w.result(); } },
  ];
  if (wasm) {
    const u8 = new Uint8Array(wasm.memory.buffer);
    impls.push({ label: 'WASM experiment (copy in + tlBytes)', run: () => { u8.set(data, IN); return wasm.tlBytes(ARENA, IN, n); } });
  }
  impls.push({ label: 'mtcute', run: () => { mt.pos = 0; mt.bytes(data); return mt.pos; } });
  return { group: 'tl-binary', name: `write bytes ${n}`, bytes: n, impls };
}

function longVectorCases(): BenchCase[] {
  const n = 1000;
  let x = 0x12345678n;
  const values: bigint[] = [];
  for (let i = 0; i < n; i++) {
    x = BigInt.asIntN(64, x * 6364136223846793005n + 1442695040888963407n);
    values.push(x);
  }
  const longs = values.map(mtLong);
  const region = new Uint8Array(8 + 8 * n);
  const mt = TlBinaryWriter.manual(8 + 8 * n);
  const w0 = TlWriter.into(region);
  w0.uint(0x1cb5c415);
  w0.int(n);
  for (const v of values) w0.long(v);
  const encoded = w0.result();
  return [
    {
      group: 'tl-binary', name: 'write Vector<long> ×1000', bytes: encoded.length, impls: [
        { label: 'ours TS', run: () => { const w = TlWriter.into(region); w.uint(0x1cb5c415); w.int(n); for (let i = 0; i < n; i++) w.long(values[i]); return w.pos; } },
        { label: 'mtcute (Long)', run: () => { mt.pos = 0; mt.uint(0x1cb5c415); mt.int(n); for (let i = 0; i < n; i++) mt.long(longs[i]); return mt.pos; } },
      ],
    },
    {
      group: 'tl-binary', name: 'read Vector<long> ×1000', bytes: encoded.length, impls: [
        { label: 'ours TS', run: () => { const r = new TlReader(encoded); r.uint(); const k = r.int(); const out: bigint[] = []; for (let i = 0; i < k; i++) out.push(r.long()); return out; } },
        { label: 'mtcute (Long)', run: () => { const r = TlBinaryReader.manual(encoded); r.uint(); const k = r.int(); const out: unknown[] = []; for (let i = 0; i < k; i++) out.push(r.long()); return out; } },
      ],
    },
  ];
}

function stringCases(kind: 'ascii' | 'mixed', bytes: number): BenchCase[] {
  const text = kind === 'ascii'
    ? 'The quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(bytes / 45)).slice(0, bytes)
    : 'Привет, мир! Hello 😀 日本語 text. '.repeat(Math.ceil(bytes / 25)).slice(0, Math.floor(bytes / 1.6));
  const utf8 = encoder.encode(text);
  const region = new Uint8Array(3 * text.length + 16);
  const mt = TlBinaryWriter.manual(3 * text.length + 16);
  const encoded = (() => { const w = new TlWriter(); w.string(text); return w.result(); })();
  const head = utf8.length <= 253 ? 1 : 4;
  const write: Impl[] = [{ label: 'ours TS', run: () => { const w = TlWriter.into(region); w.string(text); return w.pos; } }];
  const read: Impl[] = [{ label: 'ours TS', run: () => new TlReader(encoded).string() }];
  if (wasm) {
    const u8 = new Uint8Array(wasm.memory.buffer);
    const u16 = new Uint16Array(wasm.memory.buffer);
    write.push({ label: 'WASM experiment (units in + transcode)', run: () => {
      for (let i = 0; i < text.length; i++) u16[(IN >> 1) + i] = text.charCodeAt(i);
      return wasm.tlUtf16ToUtf8(IN, text.length, ARENA);
    } });
    read.push({ label: 'WASM experiment (copy in + transcode + utf-16le)', run: () => {
      u8.set(encoded.subarray(head, head + utf8.length), IN);
      const units = wasm.tlUtf8ToUtf16(IN, utf8.length, OUT);
      if (units < 0) throw new Error('invalid');
      return utf16.decode(u8.subarray(OUT, OUT + 2 * units));
    } });
  }
  write.push({ label: 'mtcute', run: () => { mt.pos = 0; mt.string(text); return mt.pos; } });
  read.push({ label: 'mtcute', run: () => TlBinaryReader.manual(encoded).string() });
  return [
    { group: 'tl-binary', name: `write string ${kind} ${utf8.length} B`, bytes: utf8.length, impls: write },
    { group: 'tl-binary', name: `read string ${kind} ${utf8.length} B`, bytes: utf8.length, impls: read },
  ];
}

export function cases(): BenchCase[] {
  return [
    bytesCases(1024),
    bytesCases(65536),
    ...longVectorCases(),
    ...stringCases('ascii', 16),
    ...stringCases('mixed', 40),
    ...stringCases('ascii', 1024),
    ...stringCases('mixed', 1024),
    ...stringCases('ascii', 65536),
    ...stringCases('mixed', 65536),
  ];
}
