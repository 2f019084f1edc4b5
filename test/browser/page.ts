// The browser page: imports the package root (bundled by test/browser/serve.ts with esbuild), creates an auth
// key over WebSocket against our server, makes RPC calls and shows the results. The Chromium test reads
// #status (ok | error) and the result rows.
import { MtprotoClient, parsePublicKeyPem, sha256 } from '../../src/index.ts';

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
  status('ok');
} catch (error) {
  show('error', String((error as Error)?.stack ?? error));
  status('error');
}
