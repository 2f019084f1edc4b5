// Serves the browser page on 127.0.0.1 next to an MTProto server (WebSocket at /apiws):
//   node --import tsx test/browser/serve.ts [--port 8080]      then open the printed URL.
// The page (test/browser/page.ts → the package root) is bundled with esbuild for the browser; node:* and `ws` stay
// external (they are only loaded dynamically, on paths a browser never takes: TCP, and WebSocket where none is global).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { MtprotoServer } from '../../src/node.ts';
import { generateServerKey } from '../../src/server/server-key.ts';
import { readmeExample } from '../runtimes/readme-example.ts';

export interface PageServer {
  url: string;
  stop(): Promise<void>;
}

const HTML = `<!doctype html>
<meta charset="utf-8"><title>mtproto-wasm in the browser</title>
<style>body{font:15px system-ui;margin:2em}th{text-align:left;padding-right:1em}td{font-family:monospace}</style>
<h1>mtproto-wasm in the browser</h1>
<p>status: <b id="status">running</b></p>
<table id="results"></table>
<script type="module" src="/page.js"></script>`;

export async function startPageServer(port = 0): Promise<PageServer> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, external: ['node:*', 'ws'], logLevel: 'error',
  });
  const script = bundle.outputFiles[0].text;
  const key = generateServerKey();
  const mtproto = await MtprotoServer.listen({ host: '127.0.0.1', port: 0, privateKey: key.key });
  // The README's browser example, as written (its port swapped for this server's), at /example.html.
  const example = await build({
    stdin: {
      contents: readmeExample('browser', { module: '../../src/index.ts', port: mtproto.port, publicKeyPath: '/mtproto-server.pem.pub' }),
      resolveDir: fileURLToPath(new URL('.', import.meta.url)), sourcefile: 'readme-browser.ts', loader: 'ts',
    },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, external: ['node:*', 'ws'], logLevel: 'error',
  });
  const files: Record<string, [string, string]> = {
    '/': ['text/html', HTML],
    '/page.js': ['text/javascript', script],
    '/example.html': ['text/html', '<!doctype html><meta charset="utf-8"><title>README example</title><script type="module" src="/example.js"></script>'],
    '/example.js': ['text/javascript', example.outputFiles[0].text],
    '/mtproto-server.pem.pub': ['text/plain', key.publicPem],
  };
  const config = JSON.stringify({ port: mtproto.port, publicKeyPem: key.publicPem });
  const http: Server = createServer((req, res) => {
    const [type, body] = req.url === '/config.json' ? ['application/json', config] : (files[req.url ?? ''] ?? []);
    if (!type) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    async stop() {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await mtproto.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const portArg = process.argv.indexOf('--port');
  const page = await startPageServer(portArg > 0 ? Number(process.argv[portArg + 1]) : 0);
  console.log(`open ${page.url}`);
}
