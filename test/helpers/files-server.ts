// A file-transfer server in its own process (so a test's RSS is its client's own): MtprotoServer with the
// FileService on a disk store in argv[2]. Prints one JSON line {port, n, e, fingerprint, publicPem} when listening;
// answers "rss" on stdin with its peak RSS; exits when stdin closes.
import { MtprotoServer } from '../../src/server/mtproto-server.ts';
import { FileService } from '../../src/server/cloud/files.ts';
import { DiskFileStore } from '../../src/server/cloud/files-store-disk.ts';
import { generateServerKey } from '../../src/server/server-key.ts';

const dir = process.argv[2];
const files = new FileService({ store: await DiskFileStore.open(dir) });
const generated = generateServerKey();
const server = await MtprotoServer.listen({ port: 0, privateKey: generated.key, methods: files.methodRecord() });
const { n, e, fingerprint } = server.publicKey;
process.stdout.write(JSON.stringify({ port: server.port, n: n.toString(), e: e.toString(), fingerprint: fingerprint.toString(), publicPem: generated.publicPem }) + '\n');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  if (line.includes('rss')) process.stdout.write(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024 }) + '\n');
  if (line.includes('drop')) server.dropConnections();
});
process.stdin.on('end', () => {
  server.close().then(() => files.store.close()).finally(() => process.exit(0));
});
