// Every benchmark suite, in the order the table shows them.
import type { BenchCase } from '../harness.ts';

export const suites: Array<() => BenchCase[] | Promise<BenchCase[]>> = [];
