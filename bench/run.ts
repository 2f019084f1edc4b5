// `npm run bench`: runs every suite in one process, interleaved rounds, medians, ratios against peers.
// Prints one Markdown table and writes it to bench/results/<runtime>-<date>.md.
//   npm run bench -- --filter IGE --rounds 9 --ms 150
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchNotes, formatResults, runCasesAsync, teardowns, type BenchCase } from './harness.ts';
import { suites } from './suites/index.ts';

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

const filter = option('filter');
const rounds = Number(option('rounds') ?? 7);
const msPerRound = Number(option('ms') ?? 100);
const runtime = runtimeName();

// Deno and Bun run this too: a suite or a peer that cannot load or run in this runtime is left out with a note
// (under the table) instead of failing the whole run.
const cases: BenchCase[] = [];
for (const suite of suites) {
  try {
    cases.push(...(await suite()));
  } catch (error) {
    benchNotes.push(`suite ${suites.indexOf(suite) + 1} of ${suites.length} skipped: ${(error as Error).message}`);
  }
}
for (const c of cases) {
  c.impls = c.impls.filter((impl, at) => {
    if (impl.batch || at === 0) return true;
    try {
      impl.run();
      return true;
    } catch (error) {
      benchNotes.push(`${c.group} ${c.name}: ${impl.label} skipped: ${(error as Error).message}`);
      return false;
    }
  });
}

const started = Date.now();
const results = await runCasesAsync(cases, { rounds, msPerRound, filter: filter ? new RegExp(filter, 'i') : undefined });
for (const teardown of teardowns) await teardown();
const title = `${runtime} — ${rounds} rounds × ${msPerRound} ms per implementation, medians (${new Date().toISOString()})`;
const table = formatResults(results, title) + (benchNotes.length ? `\n${benchNotes.map((n) => `- ${n}`).join('\n')}\n` : '');
console.log(table);
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`${runtime.split(' ')[0].toLowerCase()}-${new Date().toISOString().slice(0, 10)}.md`, dir);
writeFileSync(file, table);
console.log(`written to ${file.pathname}`);

function runtimeName(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno) return `Deno ${g.Deno.version.deno}`;
  if (g.Bun) return `Bun ${g.Bun.version}`;
  return `Node ${process.versions.node}`;
}

// Every suite has been torn down; leave no stray handle keeping the process alive.
process.exit(0);
