// Every benchmark suite, in the order the table shows them.
import type { BenchCase } from '../harness.ts';
import * as aes from './aes.ts';
import * as sha from './sha.ts';
import * as bigint from './bigint.ts';
import * as tl from './tl.ts';
import * as tlBinary from './tl-binary.ts';
import * as exchange from './exchange.ts';
import * as message from './message.ts';
import * as session from './session.ts';
import * as loaderEval from './loader.ts';
import * as peers from './peers.ts';
import * as transfer from './transfer.ts';

export const suites: Array<() => BenchCase[] | Promise<BenchCase[]>> = [aes.cases, sha.cases, bigint.cases, tl.cases, tlBinary.cases, message.cases, exchange.cases, session.cases, transfer.cases, peers.cases, loaderEval.cases];
