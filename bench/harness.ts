// A small benchmark harness: every implementation of a case is measured in the same process,
// interleaved round by round (so drift and noise hit all of them alike), and the median of the
// rounds is reported with ratios against the first implementation ("ours").

/** Notes printed under the table: peers or suites left out in this runtime, and why. */
export const benchNotes: string[] = [];

export interface Impl {
  label: string;
  /** Runs one operation. Its return value is kept alive so the work cannot be optimised away. */
  run: () => unknown;
  /**
   * Asynchronous implementations (network round trips): runs `count` operations and resolves when all
   * are done.
   */
  batch?: (count: number) => Promise<void>;
}

export interface BenchCase {
  group: string;
  name: string;
  /** Bytes processed by one operation, to report MB/s as well as ops/s. */
  bytes?: number;
  /** impls[0] is ours; ratios are ours / each other. */
  impls: Impl[];
}

export interface CaseResult {
  bench: BenchCase;
  /** Median operations per second, per implementation label. */
  opsPerSec: Map<string, number>;
}

export interface HarnessOptions {
  rounds: number;
  msPerRound: number;
  filter?: RegExp;
}

let sink: unknown;

function timeBatch(run: () => unknown, count: number): number {
  const start = performance.now();
  for (let i = 0; i < count; i++) sink = run();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function formatRate(ops: number, bytes?: number): string {
  if (bytes && bytes >= 1024) return `${((ops * bytes) / 1e6).toFixed(1)} MB/s`;
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)}M/s`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)}k/s`;
  if (ops >= 10) return `${ops.toFixed(0)}/s (${(1000 / ops).toFixed(2)} ms)`;
  return `${ops.toFixed(2)}/s (${(1000 / ops).toFixed(1)} ms)`;
}

/** A Markdown table: one row per case and implementation, with ours/theirs ratios. */
export function formatResults(results: CaseResult[], title: string): string {
  const lines = [`## ${title}`, '', '| group | case | implementation | median | ours ÷ this |', '|---|---|---|---|---|'];
  for (const { bench, opsPerSec } of results) {
    const ours = opsPerSec.get(bench.impls[0].label)!;
    for (const impl of bench.impls) {
      const ops = opsPerSec.get(impl.label)!;
      const ratio = impl === bench.impls[0] ? '—' : `${(ours / ops).toFixed(2)}×`;
      lines.push(`| ${bench.group} | ${bench.name} | ${impl.label} | ${formatRate(ops, bench.bytes)} | ${ratio} |`);
    }
  }
  return lines.join('\n') + '\n';
}

async function timeBatchAsync(impl: Impl, count: number): Promise<number> {
  const start = performance.now();
  await impl.batch!(count);
  return performance.now() - start;
}

/** Milliseconds for `count` operations: synchronous impls in a tight loop (no await inside), `batch` impls awaited. */
function time(impl: Impl, count: number): number | Promise<number> {
  return impl.batch ? timeBatchAsync(impl, count) : timeBatch(impl.run, count);
}

/** How many operations fill about one round of `targetMs`. */
async function calibrate(impl: Impl, targetMs: number): Promise<number> {
  // An untimed first batch for async impls: they set up on first use (servers, connections, key
  // exchanges), and that cost in the first timed batch would calibrate the count down to 1.
  if (impl.batch) await impl.batch(1);
  let count = 1;
  for (;;) {
    const ms = await time(impl, count);
    if (ms >= targetMs / 4 || count >= 1 << 24) return Math.max(1, Math.round((count * targetMs) / Math.max(ms, 0.001)));
    count *= 4;
  }
}

/**
 * Measures every case: each implementation calibrated, then all of them run round by round, interleaved,
 * the order rotated each round (so no implementation always runs first: warm caches, GC debt). Medians.
 */
export async function runCasesAsync(cases: BenchCase[], options: HarnessOptions): Promise<CaseResult[]> {
  const selected = cases.filter((c) => !options.filter || options.filter.test(`${c.group} ${c.name}`));
  const counts = new Map<Impl, number>();
  const samples = new Map<Impl, number[]>();
  for (const c of selected) {
    for (const impl of c.impls) {
      counts.set(impl, await calibrate(impl, options.msPerRound));
      samples.set(impl, []);
    }
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const c of selected) {
      const order = c.impls.map((_, i) => c.impls[(i + round) % c.impls.length]);
      for (const impl of order) {
        const count = counts.get(impl)!;
        samples.get(impl)!.push((count * 1000) / (await time(impl, count)));
      }
    }
  }
  void sink;
  return selected.map((bench) => ({ bench, opsPerSec: new Map(bench.impls.map((impl) => [impl.label, median(samples.get(impl)!)])) }));
}

/** Cleanups suites register (servers, connections); bench/run.ts runs them after measuring. */
export const teardowns: Array<() => unknown> = [];
