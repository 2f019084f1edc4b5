// The loopback server for the cross-runtime suites: `node --import tsx src/cli/serve.ts --port 0` in a child
// process (the server is Node-only; the client under test runs in whichever runtime runs the suite).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LoopbackServer {
  host: string;
  port: number;
  publicKeyPem: string;
  publicKeyPath: string;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

export async function startServer(timeoutMs = 30_000): Promise<LoopbackServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mtproto-wasm-rt-'));
  const keyPath = join(dir, 'server.pem');
  const child: ChildProcess = spawn('node', ['--import', 'tsx', 'src/cli/serve.ts', '--port', '0', '--rsa-key', keyPath, '--data-dir', join(dir, 'data')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms: ${out}`)), timeoutMs);
      child.stdout!.on('data', (chunk: Uint8Array) => {
        out += new TextDecoder().decode(chunk);
        const m = /listening on ([\d.]+):(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[2]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}) before listening: ${out}`));
      });
    });
    const publicKeyPath = `${keyPath}.pub`;
    return { host: '127.0.0.1', port, publicKeyPem: readFileSync(publicKeyPath, 'utf8'), publicKeyPath, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
