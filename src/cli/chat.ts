// `npm run chat -- [--host 127.0.0.1] [--port 4430] [--phone 99966DXXXX] [--name Name] [--dc 2]
//                   [--public-key mtproto-server.pem.pub] [--storage session.json]`
// A small interactive chat against a running `npm run serve`. It signs in with a test number (a fresh
// random one unless --phone is given; the code is the DC id five times), prints incoming messages as their
// updates arrive, and sends every plain line to the current peer. With --storage the auth key, the
// signed-in user and the updates state are kept in that file: a restart reuses them and first prints what
// arrived while it was away (updates.getDifference). Reads commands from stdin, also when it is a pipe.
import { parseArgs } from 'node:util';
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { TelegramClient } from '../client/telegram-client.ts';
import { FileStorage } from '../client/storage/file.ts';
import { MemoryStorage } from '../client/storage/memory.ts';
import { parsePublicKeyPem, type RsaPublicKey } from '../crypto/rsa.ts';
import type { RawDocument, RawUser, TypeUpdate, TypeUser } from '../tl/generated/types.ts';
import { ProgressBar, formatBytes } from './progress.ts';

type AnyObject = { _: string; [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

const HELP = `commands:
  /to <@username|user id>   talk to this user (plain lines are sent to them)
  /dialogs                  your chats, newest first (alias /users)
  /history [n]              the last n messages with the current peer (default 10)
  /username <name>          set your @username, 5–32 of a-z 0-9 _ (others can then /to @name)
  /send-file <path>         send a file to the current peer (streamed, with a progress bar)
  /download <msg id> <path> save the file of a message
  /secret <@username|id>    open an end-to-end encrypted chat with this user (requests are accepted)
  /s <text>                 send in the open secret chat
  /endsecret                close the secret chat
  /me                       who you are
  /help                     this list
  /quit                     leave (also end of input)`;

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4430' },
    dc: { type: 'string', default: '2' },
    phone: { type: 'string' },
    name: { type: 'string' },
    'public-key': { type: 'string', default: 'mtproto-server.pem.pub' },
    storage: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`--port must be a port number, got "${values.port}"`);
const dcId = Number(values.dc);
if (!Number.isInteger(dcId) || dcId < 1 || dcId > 9) fail(`--dc must be a DC id (1–9), got "${values.dc}"`);
const phone = values.phone ?? `99966${dcId}${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`;
if (!/^99966\d{5}$/.test(phone)) fail(`--phone must be a test number 99966${dcId}XXXX, got "${phone}"`);
let publicKey: RsaPublicKey;
try {
  publicKey = parsePublicKeyPem(readFileSync(resolve(values['public-key']), 'utf8'));
} catch (error) {
  fail(`cannot read the server's public key from ${values['public-key']} (${(error as Error).message}); start \`npm run serve\` in this directory or pass --public-key`);
}

const client = new TelegramClient({
  host: values.host,
  port,
  dcId,
  publicKeys: [publicKey],
  storage: values.storage ? new FileStorage(resolve(values.storage)) : new MemoryStorage(),
});

/** Users seen (id → user), to print names. */
const users = new Map<bigint, RawUser>();
/** Documents seen in messages (message id → document), for /download. */
const documents = new Map<number, RawDocument>();
let me: RawUser;
let peer: RawUser | undefined;

const say = (line: string) => console.log(line);
const nameOf = (id: bigint) => {
  const u = users.get(id);
  if (!u) return `user ${id}`;
  const name = [u.firstName, u.lastName].filter(Boolean).join(' ') || `user ${id}`;
  return u.username ? `${name} (@${u.username})` : name;
};

/** One line for a message: "#12 Alice: hello" (+ the file it carries). */
function describe(m: AnyObject): string {
  const from = m.out ? (me ? 'you' : 'me') : nameOf(m.fromId?.userId ?? m.peerId?.userId);
  const document = m.media?._ === 'messageMediaDocument' ? (m.media.document as RawDocument) : undefined;
  if (document) documents.set(m.id, document);
  const file = document
    ? ` [file ${document.attributes.find((a) => a._ === 'documentAttributeFilename')?.fileName ?? 'file'}, ${formatBytes(Number(document.size))}; /download ${m.id} <path>]`
    : '';
  return `#${m.id} ${from}:${m.message ? ` ${m.message}` : ''}${file}`;
}

/** Fetches the users of our dialogs (a short message names its sender by id only). */
async function refreshUsers(): Promise<void> {
  for (const d of await client.getDialogs({ limit: 100 })) if (d.user) users.set(d.user.id, d.user);
}

// Updates are printed one after the other, in arrival order, even when a sender's name must be fetched.
let printing = Promise.resolve();
function onUpdate(update: TypeUpdate): void {
  const u = update as AnyObject;
  const m = u.message as AnyObject | undefined;
  const from: bigint | undefined = m?.fromId?.userId ?? m?.peerId?.userId;
  printing = printing.then(async () => {
    if (m && from !== undefined && !users.has(from)) await refreshUsers().catch(() => undefined);
    if (u._ === 'updateNewMessage' && m?._ === 'message') {
      if (!m.out) say(`← ${describe(m)}`); // our own sends are confirmed where they are made
    } else if (u._ === 'updateEditMessage' && m?._ === 'message') {
      say(`✎ ${describe(m)}`);
    } else if (u._ === 'updateDeleteMessages') {
      say(`✕ deleted #${(u.messages as number[]).join(', #')}`);
    }
  });
}

async function findPeer(arg: string): Promise<RawUser> {
  if (arg.startsWith('@')) {
    const user = await client.resolveUsername(arg);
    users.set(user.id, user);
    return user;
  }
  if (!/^\d+$/.test(arg)) throw new Error('give @username or a user id');
  const id = BigInt(arg);
  const known = users.get(id);
  if (known) return known;
  // An id we have not seen: the dialogs carry the users we talk with.
  await refreshUsers();
  const found = users.get(id);
  if (!found) throw new Error(`user ${id} is unknown here: ask them for their @username, or wait for a message from them`);
  return found;
}

function requirePeer(): RawUser {
  if (!peer) throw new Error('no current peer: /to <@username|id> first');
  return peer;
}

const peerRef = (u: RawUser) => ({ _: 'inputPeerUser' as const, userId: u.id, accessHash: u.accessHash ?? 0n });
const remember = (list: readonly TypeUser[] | undefined) => {
  for (const u of list ?? []) if (u._ === 'user') users.set(u.id, u);
};

async function command(line: string): Promise<boolean> {
  const [name, ...args] = line.trim().split(/\s+/);
  switch (name) {
    case '/help':
      say(HELP);
      return true;
    case '/quit':
      return false;
    case '/secret': {
      if (!args[0]) throw new Error('/secret <@username|user id>');
      const user = await findPeer(args[0]);
      say(`requesting a secret chat with ${nameOf(user.id)}…`);
      secretChat = (await client.secretChats.request(peerRef(user))).id;
      return true;
    }
    case '/s': {
      if (secretChat === undefined) throw new Error('no secret chat: /secret <@username|id> first');
      const text = line.trim().slice(2).trim();
      if (!text) throw new Error('/s <text>');
      client.secretChats.send(secretChat, text);
      say(`🔒 → ${text}`);
      return true;
    }
    case '/endsecret': {
      if (secretChat === undefined) throw new Error('no secret chat open');
      await client.secretChats.discard(secretChat);
      return true;
    }
    case '/me':
      say(`you are ${nameOf(me.id)}, user ${me.id}, +${me.phone ?? phone}`);
      return true;
    case '/to': {
      if (!args[0]) throw new Error('/to <@username|user id>');
      peer = await findPeer(args[0]);
      say(`talking to ${nameOf(peer.id)}, user ${peer.id}`);
      return true;
    }
    case '/dialogs':
    case '/users': {
      const dialogs = await client.getDialogs({ limit: 50 });
      remember(dialogs.flatMap((d) => (d.user ? [d.user] : [])));
      if (dialogs.length === 0) say('no dialogs yet');
      for (const d of dialogs) {
        const id = (d.peer as AnyObject).userId as bigint;
        const unread = d.dialog.unreadCount ? `, ${d.dialog.unreadCount} unread` : '';
        say(`  ${nameOf(id)}, user ${id}${unread}${d.message ? ` — ${describe(d.message as AnyObject)}` : ''}`);
      }
      return true;
    }
    case '/history': {
      const target = requirePeer();
      const limit = Math.max(1, Math.min(100, Number(args[0] ?? 10) || 10));
      const messages = [...((await client.getHistory(target.id, { limit })) as AnyObject[])].reverse();
      if (messages.length === 0) say('no messages yet');
      for (const m of messages) say(`  ${describe(m)}`);
      return true;
    }
    case '/username': {
      if (!args[0]) throw new Error('/username <name>');
      const user = (await client.invoke({ _: 'account.updateUsername', username: args[0].replace(/^@/, '') })) as AnyObject;
      if (user._ === 'user') {
        me = user as RawUser;
        users.set(me.id, me);
      }
      say(`your username is now @${args[0].replace(/^@/, '')}`);
      return true;
    }
    case '/send-file': {
      const target = requirePeer();
      if (!args[0]) throw new Error('/send-file <path>');
      const path = resolve(args.join(' '));
      const size = statSync(path).size;
      const bar = new ProgressBar({ label: `upload ${basename(path)}`, total: size });
      const uploaded = await client.uploadFile(path, { onProgress: bar.update });
      const summary = bar.finish();
      const sent = (await client.invoke({
        _: 'messages.sendMedia',
        peer: peerRef(target),
        media: { _: 'inputMediaUploadedDocument', file: uploaded.inputFile, mimeType: 'application/octet-stream', attributes: [{ _: 'documentAttributeFilename', fileName: basename(path) }] },
        message: '',
        randomId: randomLong(),
      })) as AnyObject;
      say(`→ sent ${basename(path)} (${summary})${messageIdOf(sent)}`);
      return true;
    }
    case '/download': {
      const id = Number(args[0]);
      if (!Number.isInteger(id) || !args[1]) throw new Error('/download <msg id> <path>');
      let document = documents.get(id);
      if (!document && peer) {
        for (const m of (await client.getHistory(peer.id, { limit: 100 })) as AnyObject[]) describe(m);
        document = documents.get(id);
      }
      if (!document) throw new Error(`no file in message #${id} (is it in the chat with the current peer?)`);
      const path = resolve(args.slice(1).join(' '));
      const size = Number(document.size);
      const bar = new ProgressBar({ label: `download ${basename(path)}`, total: size });
      await client.downloadFile(document, path, { size, onProgress: bar.update });
      say(`✔ saved ${path} (${bar.finish()})`);
      return true;
    }
    default:
      throw new Error(`unknown command ${name} (/help lists them)`);
  }
}

function messageIdOf(sent: AnyObject): string {
  if (sent._ === 'updateShortSentMessage') return ` #${sent.id}`;
  const u = (sent.updates as AnyObject[] | undefined)?.find((x) => x._ === 'updateNewMessage' || x._ === 'updateMessageID');
  return u ? ` #${u._ === 'updateMessageID' ? u.id : u.message.id}` : '';
}

function randomLong(): bigint {
  return new DataView(crypto.getRandomValues(new Uint8Array(8)).buffer).getBigInt64(0, true);
}

// Secret chats: requests are accepted; the chat that opened last is the one /s writes to.
let secretChat: number | undefined;
client.secretChats.on((e) => {
  switch (e.type) {
    case 'requested':
      say(`🔒 secret chat ${e.chatId} requested by ${nameOf(e.adminId)}: accepting`);
      void client.secretChats.accept(e.chatId).catch((error: Error) => say(`! secret chat ${e.chatId}: ${error.message}`));
      return;
    case 'ready':
      secretChat = e.chatId;
      say(`🔒 secret chat ${e.chatId} open, key fingerprint ${BigInt.asUintN(64, e.chat.keyFingerprint).toString(16).padStart(16, '0')} (compare it with your peer's; /s <text> writes in it)`);
      return;
    case 'message':
      say(`🔒 ← ${e.message.message}`);
      return;
    case 'error':
      say(`🔒 ! secret chat ${e.chatId}: ${e.error.message}`);
      return;
    case 'discarded':
      if (secretChat === e.chatId) secretChat = undefined;
      say(`🔒 secret chat ${e.chatId} closed`);
      return;
  }
});

// Read updates from the start: a stored session's catch-up (getDifference) is delivered while connecting.
const listening = (async () => {
  for await (const update of client.updates) onUpdate(update);
})();

// Connect, sign in (or find the stored sign-in), then read commands.
try {
  await client.connect();
  if (client.signedIn) {
    me = await client.getMe();
    say(`signed in as ${[me.firstName, me.lastName].filter(Boolean).join(' ')}, user ${me.id} (session from ${values.storage})`);
  } else {
    me = await client.signIn(phone, String(dcId).repeat(5), { firstName: values.name ?? `User ${phone.slice(-4)}` });
    say(`signed in as ${me.firstName}, user ${me.id}, +${phone}`);
  }
  users.set(me.id, me);
} catch (error) {
  fail(`cannot sign in at ${values.host}:${port}: ${(error as Error).message}`);
}
say(`connected to ${values.host}:${port}; /help lists the commands`);


const input = createInterface({ input: process.stdin, terminal: process.stdin.isTTY === true });
let closing = false;
let queue = Promise.resolve(true);
const quit = async () => {
  if (closing) return;
  closing = true;
  input.close();
  await printing;
  await client.close();
  await listening.catch(() => undefined);
  process.exit(0);
};
input.on('line', (line) => {
  // One line after the other: a piped script runs in order.
  queue = queue.then(async (go) => {
    if (!go || closing) return false;
    const text = line.trim();
    if (text === '') return true;
    try {
      if (text.startsWith('/')) return await command(text);
      const target = requirePeer();
      const sent = await client.sendMessage(target.id, text);
      say(`→ ${nameOf(target.id)} #${sent.id}: ${text}`);
    } catch (error) {
      say(`! ${(error as Error).message}`);
    }
    return true;
  });
  void queue.then((go) => (go ? undefined : quit()));
});
input.on('close', () => void queue.then(() => quit()));
process.on('SIGINT', () => void quit());
