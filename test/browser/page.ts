// The browser page: imports the package root (bundled by test/browser/serve.ts with esbuild), creates an auth
// key over WebSocket against our server, makes RPC calls and shows the results. The Chromium test reads
// #status (ok | error) and the result rows.
import { MtprotoClient, TelegramClient, parsePublicKeyPem, sha256 } from '../../src/index.ts';

const show = (name: string, value: string) => {
  const row = document.createElement('tr');
  row.innerHTML = '<th></th><td></td>';
  row.children[0].textContent = name;
  row.children[1].textContent = value;
  row.dataset.name = name;
  document.querySelector('#results')!.append(row);
};
const status = (s: string) => {
  document.querySelector('#status')!.textContent = s;
  document.body.dataset.status = s;
};

try {
  const { port, publicKeyPem } = (await (await fetch('/config.json')).json()) as { port: number; publicKeyPem: string };
  show('sha256("abc")', Array.from(sha256(new TextEncoder().encode('abc')), (b) => b.toString(16).padStart(2, '0')).join(''));
  const client = new MtprotoClient({
    host: '127.0.0.1', port, publicKeys: [parsePublicKeyPem(publicKeyPem)], transport: { carrier: 'websocket' }, pingIntervalMs: 0, timeoutMs: 10_000,
  });
  const started = performance.now();
  await client.connect();
  show('auth key', `created in ${Math.round(performance.now() - started)} ms`);
  const config = await client.invoke({ _: 'help.getConfig' });
  show('help.getConfig', `${config._}: thisDc ${config.thisDc}, ${config.dcOptions.length} dc options`);
  const pong = await client.invoke({ _: 'ping', pingId: 4242n });
  show('ping', `${pong._} ${pong.pingId}`);
  const nearest = await client.invoke({ _: 'help.getNearestDc' });
  show('help.getNearestDc', `thisDc ${nearest.thisDc}`);
  await client.close();

  // The high-level client in the page: two users sign in, a message arrives live, a file goes both ways.
  const options = { host: '127.0.0.1', port, publicKeys: [parsePublicKeyPem(publicKeyPem)], transport: { carrier: 'websocket' as const }, pingIntervalMs: 0, timeoutMs: 10_000 };
  const alice = new TelegramClient(options);
  const bob = new TelegramClient(options);
  await Promise.all([alice.connect(), bob.connect()]);
  await alice.signIn('9996628001', undefined, { firstName: 'Alice' });
  const me = await bob.signIn('9996628002', undefined, { firstName: 'Bob' });
  const toBob = { _: 'inputPeerUser' as const, userId: me.id, accessHash: me.accessHash! };
  const live = (async () => {
    for await (const update of bob.updates) {
      const message = (update as { message?: { message?: string; out?: boolean } }).message;
      if (update._ === 'updateNewMessage' && message && !message.out) return message.message;
    }
  })();
  await alice.sendMessage(toBob, 'hello from the browser');
  show('TelegramClient message', `received live: ${await live}`);
  const data = new Uint8Array(300_000).map((_, i) => (i * 31) >>> 2);
  const sent = await alice.sendFile(toBob, data, { name: 'page.bin' });
  const chunks: Uint8Array[] = [];
  await bob.downloadFile(sent, { write: (chunk: Uint8Array) => void chunks.push(chunk.slice()) });
  const got = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) (got.set(c, at), (at += c.length));
  const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  show('TelegramClient file', `${got.length} bytes, sha256 ${hexOf(sha256(got)) === hexOf(sha256(data)) ? 'matches' : 'DIFFERS'}`);
  // A secret chat in the page: Bob accepts, a message and a small encrypted file arrive and decrypt.
  const secretFile = new Uint8Array(100_000).map((_, i) => (i * 131) >>> 1);
  const secretGot = new Promise<string>((resolve, reject) => bob.secretChats.on((e) => {
    if (e.type === 'requested') void bob.secretChats.accept(e.chatId).catch(reject);
    if (e.type === 'message' && e.file) {
      bob.secretChats.downloadFile(e).then((plain) => resolve(`${(e.message as { media?: { caption?: string } }).media?.caption}; file ${hexOf(sha256(plain)) === hexOf(sha256(secretFile)) ? 'decrypts' : 'DIFFERS'}`), reject);
    }
  }));
  const chat = await alice.secretChats.request(toBob);
  await alice.secretChats.sendFile(chat.id, secretFile, { fileName: 's.bin', caption: 'secret hello' });
  show('secret chat', `${await secretGot}; fingerprints ${chat.keyFingerprint === bob.secretChats.chat(chat.id).keyFingerprint ? 'equal' : 'DIFFER'}`);
  await Promise.all([alice.close(), bob.close()]);
  status('ok');
} catch (error) {
  show('error', String((error as Error)?.stack ?? error));
  status('error');
}
