// `npm run chat` as users run it: `serve` in one process with a data directory, two `chat` processes
// driven through piped stdin. They find each other by @username and by id, exchange messages (printed live
// on the other side) and a small file (downloaded byte for byte), and a chat restarted with the same
// --storage signs in with its stored key and prints the messages sent while it was down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededBytes } from './helpers/random.ts';

const serveCli = new URL('../src/cli/serve.ts', import.meta.url).pathname;
const chatCli = new URL('../src/cli/chat.ts', import.meta.url).pathname;

/** A child process whose output is collected; waitFor() resolves when a pattern shows up after a mark. */
class Proc {
  readonly child: ChildProcessWithoutNullStreams;
  output = '';
  private readonly waiters = new Set<() => void>();
  exited?: number | null;

  constructor(readonly name: string, args: string[]) {
    this.child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const take = (chunk: string) => {
      this.output += chunk;
      for (const w of this.waiters) w();
    };
    this.child.stdout.setEncoding('utf8').on('data', take);
    this.child.stderr.setEncoding('utf8').on('data', take);
    this.child.once('exit', (code) => {
      this.exited = code;
      for (const w of this.waiters) w();
    });
  }

  /** Waits for `pattern` in the output from `from` on; returns the match. */
  waitFor(pattern: RegExp, from = 0, ms = 20_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(this.output.slice(from));
        if (m) {
          cleanup();
          resolve(m);
        } else if (this.exited !== undefined) {
          cleanup();
          reject(new Error(`${this.name} exited (${this.exited}) before ${pattern}:\n${this.output}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: no ${pattern} within ${ms} ms:\n${this.output}`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends a line and waits for `pattern` in what follows it. */
  async send(line: string, pattern?: RegExp): Promise<RegExpExecArray | undefined> {
    const from = this.output.length;
    this.child.stdin.write(`${line}\n`);
    return pattern ? this.waitFor(pattern, from) : undefined;
  }

  exit(): Promise<number | null> {
    if (this.exited !== undefined) return Promise.resolve(this.exited);
    return new Promise((resolve) => this.child.once('exit', resolve));
  }

  kill(): void {
    if (this.exited === undefined) this.child.kill('SIGKILL');
  }
}

test('chat: two users talk through serve, send a file, and a restarted chat catches up', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtproto-chat-'));
  const keyPath = join(dir, 'server.pem');
  const procs: Proc[] = [];
  const run = (name: string, args: string[]) => {
    const p = new Proc(name, args);
    procs.push(p);
    return p;
  };
  try {
    const server = run('serve', [serveCli, '--port', '0', '--rsa-key', keyPath, '--data-dir', join(dir, 'data')]);
    const port = (await server.waitFor(/chat with: npm run chat -- --port (\d+)/))[1];
    const common = ['--port', port, '--public-key', `${keyPath}.pub`];
    const aliceArgs = [chatCli, ...common, '--phone', '9996621001', '--name', 'Alice', '--storage', join(dir, 'alice.json')];
    let alice = run('alice', aliceArgs);
    const bob = run('bob', [chatCli, ...common, '--phone', '9996621002', '--name', 'Bob']);
    await alice.waitFor(/signed in as Alice, user \d+/);
    const bobId = (await bob.waitFor(/signed in as Bob, user (\d+)/))[1];

    // Bob finds Alice by her @username; Alice finds Bob by his id.
    await alice.send('/username alice_chat', /your username is now @alice_chat/);
    await bob.send('/to @alice_chat', /talking to Alice \(@alice_chat\), user \d+/);
    let mark = alice.output.length;
    await bob.send('Hello Alice, this is Bob', /→ Alice \(@alice_chat\) #\d+: Hello Alice, this is Bob/);
    await alice.waitFor(/← #\d+ Bob: Hello Alice, this is Bob/, mark);
    await alice.send(`/to ${bobId}`, new RegExp(`talking to Bob, user ${bobId}`));
    mark = bob.output.length;
    await alice.send('Hi Bob!', /→ Bob #\d+: Hi Bob!/);
    await bob.waitFor(/← #\d+ Alice \(@alice_chat\): Hi Bob!/, mark);
    await bob.send('/dialogs', /Alice \(@alice_chat\), user \d+.*Hi Bob!/);
    await alice.send('/history', /#\d+ Bob: Hello Alice, this is Bob[\s\S]*#\d+ you: Hi Bob!/);

    // A small file (3 parts) from Bob to Alice, downloaded byte for byte.
    const file = seededBytes(11, 300_000);
    writeFileSync(join(dir, 'photo.bin'), file);
    mark = alice.output.length;
    await bob.send(`/send-file ${join(dir, 'photo.bin')}`, /→ sent photo\.bin/);
    const id = (await alice.waitFor(/\[file photo\.bin, 293\.0 KB; \/download (\d+) <path>\]/, mark))[1];
    await alice.send(`/download ${id} ${join(dir, 'copy.bin')}`, /✔ saved .*copy\.bin/);
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'copy.bin'))), file);

    // A secret chat: Bob requests, Alice's client accepts; both print the same key fingerprint; /s goes end to end.
    mark = alice.output.length;
    const bobMark = bob.output.length;
    await bob.send('/secret @alice_chat');
    const aliceKey = (await alice.waitFor(/🔒 secret chat \d+ open, key fingerprint ([0-9a-f]{16})/, mark))[1];
    const bobKey = (await bob.waitFor(/🔒 secret chat \d+ open, key fingerprint ([0-9a-f]{16})/, bobMark))[1];
    assert.equal(aliceKey, bobKey);
    await bob.send('/s only we can read this', /🔒 → only we can read this/);
    await alice.waitFor(/🔒 ← only we can read this/, mark);
    await alice.send('/s and so can I', /🔒 → and so can I/);
    await bob.waitFor(/🔒 ← and so can I/, bobMark);
    await alice.send('/endsecret');
    await bob.waitFor(/🔒 secret chat \d+ closed/, bobMark);

    // Alice leaves; Bob writes twice; Alice comes back with the same storage and sees both.
    await alice.send('/quit');
    assert.equal(await alice.exit(), 0);
    await bob.send('While you were away (1)', /→ Alice.*While you were away \(1\)/);
    await bob.send('While you were away (2)', /→ Alice.*While you were away \(2\)/);
    alice = run('alice again', aliceArgs);
    await alice.waitFor(/signed in as Alice, user \d+ \(session from/);
    await alice.waitFor(/← #\d+ Bob: While you were away \(1\)[\s\S]*← #\d+ Bob: While you were away \(2\)/);
    // And live again.
    mark = alice.output.length;
    await bob.send('Welcome back');
    await alice.waitFor(/← #\d+ Bob: Welcome back/, mark);
    assert.doesNotMatch(alice.output + bob.output, /^! /m);
    await alice.send('/quit');
    await bob.send('/quit');
    assert.equal(await alice.exit(), 0);
    assert.equal(await bob.exit(), 0);
  } finally {
    for (const p of procs) p.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
