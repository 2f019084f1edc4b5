// Part 3 of `npm start`: two users on our server's cloud. They sign in with test numbers, chat (each
// side prints what its updates iterator yields, as it arrives), Alice sends Bob a large file streamed from
// a temporary file with a progress bar both ways (Bob downloads it to another file; the two SHA-256 must
// match), then they open a secret chat next to the cloud chat and compare its key fingerprint.
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretChat } from '../client/secret/secret-chat.ts';
import { TelegramClient } from '../client/telegram-client.ts';
import { keyVisualization } from '../crypto/secret/visualization.ts';
import type { MtprotoServer } from '../server/mtproto-server.ts';
import type { RawDocument, RawUser } from '../tl/generated/types.ts';
import { toHexString } from './format.ts';
import { ProgressBar, formatBytes } from './progress.ts';

type AnyObject = { _: string; [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CloudDemoOptions {
  /** Where the big file and its downloaded copy go (deleted by the caller). */
  dir: string;
  /** Size of the file Alice sends (default 64 MiB). */
  fileBytes?: number;
}

/** A text message (or a document) a user's updates iterator yielded. */
interface Incoming {
  id: number;
  fromId: bigint;
  text: string;
  pts: number;
  kind: string;
  document?: RawDocument;
}

class DemoUser {
  readonly client: TelegramClient;
  id = 0n;
  accessHash = 0n;
  phone = '';
  username = '';
  private readonly waiters: Array<{ test: (m: Incoming) => boolean; resolve: (m: Incoming) => void }> = [];
  readonly received: Incoming[] = [];
  /** Set by the demo: what this user's iterator printed, with when it arrived. */
  onMessage?: (m: Incoming, at: number) => void;

  constructor(readonly name: string, server: MtprotoServer) {
    this.client = new TelegramClient({ host: server.host, port: server.port, dcId: server.cloud.dcId, publicKeys: [server.publicKey], pingIntervalMs: 0, timeoutMs: 30_000 });
  }

  /** Signs in with a fresh test number (signing up: the account is new), then takes a @username. */
  async signIn(dcId: number): Promise<{ ms: number; user: RawUser }> {
    const t = performance.now();
    this.phone = `99966${dcId}${String(1000 + Math.floor(Math.random() * 9000))}`;
    const user = await this.client.signIn(this.phone, String(dcId).repeat(5), { firstName: this.name });
    this.id = user.id;
    this.accessHash = user.accessHash ?? 0n;
    this.username = `${this.name.toLowerCase()}_${this.id}`;
    await this.client.invoke({ _: 'account.updateUsername', username: this.username });
    return { ms: performance.now() - t, user };
  }

  /** Reads the updates iterator until the client closes, printing and recording the messages. */
  async listen(): Promise<void> {
    for await (const update of this.client.updates) {
      for (const m of incomingMessages(update as AnyObject)) {
        this.received.push(m);
        this.onMessage?.(m, performance.now());
        for (let i = this.waiters.length - 1; i >= 0; i--) {
          if (this.waiters[i].test(m)) this.waiters.splice(i, 1)[0].resolve(m);
        }
      }
    }
  }

  /** Resolves with the first incoming message (already received or still to come) that passes `test`. */
  waitFor(test: (m: Incoming) => boolean, ms = 10_000): Promise<Incoming> {
    const seen = this.received.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no such message within ${ms} ms`)), ms);
      this.waiters.push({ test, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  /** Sends to a user found by @username; resolves with the call's round-trip time. */
  async sendMessage(to: DemoUser, text: string): Promise<number> {
    const t = performance.now();
    await this.client.sendMessage(`@${to.username}`, text);
    return performance.now() - t;
  }
}

/** The incoming message in an update the client's (gap-free) updates iterator yielded. */
function incomingMessages(u: AnyObject): Incoming[] {
  if (u._ !== 'updateNewMessage') return [];
  const m = u.message as AnyObject;
  if (m._ !== 'message' || m.out) return [];
  const document = m.media?._ === 'messageMediaDocument' ? (m.media.document as RawDocument) : undefined;
  return [{ id: m.id, fromId: m.fromId?.userId ?? m.peerId?.userId, text: m.message, pts: u.pts, kind: u._, document }];
}

function randomLong(): bigint {
  return new DataView(crypto.getRandomValues(new Uint8Array(8)).buffer).getBigInt64(0, true);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Writes `size` random bytes to `path` a MiB at a time, hashing them on the way; returns the hex SHA-256. */
async function generateFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'w');
  try {
    const chunk = new Uint8Array(1 << 20);
    for (let at = 0; at < size; at += chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, size - at));
      randomFillSync(part);
      hash.update(part);
      await file.write(part, 0, part.length, at);
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/** SHA-256 of a file, streamed. */
async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs the cloud part; returns the number of failed steps. */
export async function cloudDemo(server: MtprotoServer, options: CloudDemoOptions): Promise<number> {
  const dcId = server.cloud.dcId;
  const fileBytes = options.fileBytes ?? 64 * 1024 * 1024;
  const alice = new DemoUser('Alice', server);
  const bob = new DemoUser('Bob', server);
  const users = [alice, bob];
  const nameOf = (id: bigint) => users.find((u) => u.id === id)?.name ?? `user ${id}`;
  let failures = 0;
  const listening: Promise<void>[] = [];
  try {
    console.log(`\nTwo users on the server's cloud, through TelegramClient (test numbers 99966${dcId}XXXX, code ${String(dcId).repeat(5)}):`);
    for (const user of users) {
      listening.push(user.listen()); // from the start: nothing the server pushes is missed
      const { ms } = await user.signIn(dcId);
      console.log(`✔ ${user.name.padEnd(5)} signed in as +${user.phone} → user ${user.id}, @${user.username} in ${ms.toFixed(0)} ms (new account: auth.signIn, auth.signUp)`);
    }

    // Chat: every line below "→" is printed by the receiver's updates iterator when the update arrives.
    console.log('\nChat (the indented lines are printed by the receiving side\'s updates iterator, as they arrive):');
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    for (const user of users) {
      user.onMessage = (m, at) => {
        const t0 = sentAt.get(m.text);
        const live = t0 === undefined ? '' : `live ${(at - t0).toFixed(1)} ms after send`;
        if (t0 !== undefined) latencies.push(at - t0);
        const what = m.document ? `[file ${m.document.attributes.find((a) => a._ === 'documentAttributeFilename')?.fileName ?? ''}, ${formatBytes(Number(m.document.size))}] ${m.text}` : m.text;
        console.log(`    ${user.name.padEnd(5)} ← ${nameOf(m.fromId).padEnd(5)} ${JSON.stringify(what)}  (${m.kind} #${m.id}, pts ${m.pts}; ${live})`);
      };
    }
    const script: Array<[DemoUser, DemoUser, string]> = [
      [alice, bob, 'Hi Bob! This went through MTProto 2.0, encrypted by our WebAssembly core.'],
      [bob, alice, 'Hi Alice, got it live, no polling.'],
      [alice, bob, 'I am sending you a big file, check its SHA-256.'],
      [bob, alice, 'Ready.'],
    ];
    const rtts: number[] = [];
    for (const [from, to, text] of script) {
      console.log(`  ${from.name.padEnd(5)} → ${to.name.padEnd(5)} ${JSON.stringify(text)}`);
      sentAt.set(text, performance.now());
      rtts.push(await from.sendMessage(to, text));
      await to.waitFor((m) => m.text === text && m.fromId === from.id);
    }
    console.log(`  messages.sendMessage round trip median ${median(rtts).toFixed(1)} ms · live delivery median ${median(latencies).toFixed(1)} ms (${script.length} messages)`);

    // The file: streamed from a temporary file in parts over the client's pool of 4 connections sharing its key.
    const source = join(options.dir, 'big-file.bin');
    const copy = join(options.dir, 'big-file.downloaded.bin');
    console.log(`\nA ${formatBytes(fileBytes)} file from Alice to Bob (random bytes, streamed from and to temporary files):`);
    const sourceHash = await generateFile(source, fileBytes);
    const up = new ProgressBar({ label: 'upload  ', total: fileBytes });
    const uploaded = await alice.client.uploadFile(source, { name: 'big-file.bin', onProgress: up.update });
    const upSummary = up.finish();
    const caption = 'the big file';
    sentAt.set(`[file big-file.bin, ${formatBytes(fileBytes)}] ${caption}`, performance.now());
    sentAt.set(caption, performance.now());
    await alice.client.invoke({
      _: 'messages.sendMedia',
      peer: await alice.client.inputPeer(bob.id),
      media: { _: 'inputMediaUploadedDocument', file: uploaded.inputFile, mimeType: 'application/octet-stream', attributes: [{ _: 'documentAttributeFilename', fileName: 'big-file.bin' }] },
      message: caption,
      randomId: randomLong(),
    });
    const got = await bob.waitFor((m) => m.document !== undefined && m.fromId === alice.id);
    const down = new ProgressBar({ label: 'download', total: Number(got.document!.size) });
    await bob.client.downloadFile(got.document!, copy, { onProgress: down.update });
    const downSummary = down.finish();
    const copyHash = await hashFile(copy);
    const match = copyHash === sourceHash;
    console.log(`  upload ${upSummary} (${uploaded.parts} parts of 512 KB, saveBigFilePart); download ${downSummary}`);
    console.log(`  SHA-256 sent      ${sourceHash}`);
    console.log(`  SHA-256 received  ${copyHash}  ${match ? '✔ match' : '✘ MISMATCH'}`);
    if (!match) failures++;

    failures += await secretDemo(alice, bob);
  } catch (error) {
    failures++;
    console.log(`✘ ${(error as Error).stack ?? error}`);
  } finally {
    await Promise.allSettled(users.map((u) => u.client.close()));
    await Promise.allSettled(listening);
  }
  return failures;
}

/** A secret chat between the two: key exchange through the server, fingerprints compared, a few messages. */
async function secretDemo(alice: DemoUser, bob: DemoUser): Promise<number> {
  console.log('\nSecret chat (end-to-end: the server relays g_a, g_b and ciphertext, never the key):');
  // TelegramClient's secretChats: fed by its updates engine, saved with its session.
  let accepted: Promise<SecretChat> | undefined;
  bob.client.secretChats.on((e) => {
    if (e.type === 'requested') accepted = bob.client.secretChats.accept(e.chatId);
  });
  const t = performance.now();
  const chatA = await alice.client.secretChats.request(`@${bob.username}`);
  while (accepted === undefined) await new Promise((r) => setTimeout(r, 2));
  const chatB = await accepted;
  const ms = performance.now() - t;
  const fa = BigInt.asUintN(64, chatA.keyFingerprint).toString(16).padStart(16, '0');
  const fb = BigInt.asUintN(64, chatB.keyFingerprint).toString(16).padStart(16, '0');
  const equal = fa === fb;
  console.log(`✔ Alice requested, Bob accepted: chat ${chatA.id}, 2048-bit DH with the server's random bytes mixed in, ${ms.toFixed(0)} ms`);
  console.log(`  key fingerprint  Alice sees ${fa}  Bob sees ${fb}  ${equal ? '✔ equal' : '✘ DIFFERENT'}`);
  console.log(`  key visualization (both screens) ${toHexString(keyVisualization(chatA.originalKey)).slice(0, 32)}… / ${toHexString(keyVisualization(chatB.originalKey)).slice(0, 32)}…`);
  let failures = equal ? 0 : 1;
  const sentAt = new Map<string, number>();
  const got = new Set<string>();
  for (const [user, chat, from] of [[alice, chatA, bob], [bob, chatB, alice]] as const) {
    chat.on((e) => {
      if (e.type === 'message') {
        const text = e.message.message;
        got.add(text);
        const t0 = sentAt.get(text);
        console.log(`    ${user.name.padEnd(5)} ← ${from.name.padEnd(5)} 🔒 ${JSON.stringify(text)}  (decrypted, seq ${e.seq}${t0 === undefined ? '' : `; ${(performance.now() - t0).toFixed(1)} ms after send`})`);
      } else if (e.type === 'error') {
        failures++;
        console.log(`    ✘ ${user.name}: ${e.error.message}`);
      }
    });
  }
  const script: Array<[DemoUser, SecretChat, string]> = [
    [alice, chatA, 'This one is end-to-end encrypted.'],
    [bob, chatB, 'The server only sees ciphertext.'],
    [alice, chatA, 'Same fingerprint on my side.'],
    [bob, chatB, 'Mine too. Bye!'],
  ];
  for (const [user, chat, text] of script) {
    console.log(`  ${user.name.padEnd(5)} → ${(user === alice ? bob : alice).name.padEnd(5)} 🔒 ${JSON.stringify(text)}`);
    sentAt.set(text, performance.now());
    chat.sendText(text);
    const end = Date.now() + 10_000;
    while (!got.has(text)) {
      if (Date.now() > end) throw new Error(`secret message "${text}" did not arrive`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  await alice.client.secretChats.discard(chatA.id);
  console.log(`  Alice closed the secret chat (messages.discardEncryption)`);
  return failures;
}

