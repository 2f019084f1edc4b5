// Starts test/helpers/files-server.ts in a child process and talks to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RsaPublicKey } from '../../src/crypto/rsa.ts';

export interface ChildServer {
  host: string;
  port: number;
  publicKey: RsaPublicKey;
  publicPem: string;
  /** Peak RSS of the server process, in bytes. */
  maxRss(): Promise<number>;
  /** Closes every client connection. */
  drop(): void;
  close(): Promise<void>;
}

export async function startFileServer(dataDir: string): Promise<ChildServer> {
  const script = fileURLToPath(new URL('./files-server.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = () => new Promise<string>((resolve, reject) => {
    waiting.push(resolve);
    child.once('exit', (code) => reject(new Error(`file server exited with ${code}`)));
  });
  const hello = JSON.parse(await nextLine()) as { port: number; n: string; e: string; fingerprint: string; publicPem: string };
  return {
    host: '127.0.0.1',
    port: hello.port,
    publicKey: { n: BigInt(hello.n), e: BigInt(hello.e), fingerprint: BigInt(hello.fingerprint) },
    publicPem: hello.publicPem,
    async maxRss() {
      const line = nextLine();
      child.stdin!.write('rss\n');
      return (JSON.parse(await line) as { maxRss: number }).maxRss;
    },
    drop() {
      child.stdin!.write('drop\n');
    },
    close() {
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      });
    },
  };
}
