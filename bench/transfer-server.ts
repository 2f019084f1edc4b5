// The transfer bench's server, in a process of its own: MtprotoServer as `serve` runs it (cloud + files on a
// disk data directory in argv[2]), so clients sign in with a test number before uploading. Prints one JSON
// line {port, n, e, fingerprint, publicPem} when listening; answers "rss" on stdin with its peak RSS; exits
// when stdin closes.
import { MtprotoServer } from '../src/server/mtproto-server.ts';
import { generateServerKey } from '../src/server/server-key.ts';

const generated = generateServerKey();
const server = await MtprotoServer.listen({ port: 0, privateKey: generated.key, dataDir: process.argv[2] });
const { n, e, fingerprint } = server.publicKey;
process.stdout.write(JSON.stringify({ port: server.port, n: n.toString(), e: e.toString(), fingerprint: fingerprint.toString(), publicPem: generated.publicPem }) + '\n');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  if (line.includes('rss')) process.stdout.write(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024 }) + '\n');
});
process.stdin.on('end', () => {
  server.close().finally(() => process.exit(0));
});
