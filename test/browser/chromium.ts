// The browser test: headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) opens the page from
// test/browser/serve.ts, which creates an auth key over WebSocket and makes RPC calls; checks the results shown
// and saves a screenshot to test/artifacts/browser.png.   node --import tsx test/browser/chromium.ts
import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { equal, ok, run, test } from '../runtimes/harness.ts';
import { startPageServer, type PageServer } from './serve.ts';

const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
let page: PageServer | undefined;
let browser: Browser | undefined;

test('page: auth key over WebSocket, help.getConfig, ping, help.getNearestDc, TelegramClient message and file, a secret chat in Chromium', async () => {
  page = await startPageServer();
  browser = await chromium.launch({
    executablePath, timeout: 30_000,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const tab = await browser.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await tab.goto(page.url, { timeout: 15_000 });
  await tab.waitForSelector('body[data-status]', { timeout: 30_000 });
  const rows = Object.fromEntries(await tab.$$eval('#results tr', (trs) => trs.map((tr) => [tr.children[0].textContent, tr.children[1].textContent])));
  mkdirSync(new URL('../artifacts/', import.meta.url), { recursive: true });
  await tab.screenshot({ path: new URL('../artifacts/browser.png', import.meta.url).pathname, fullPage: true });
  console.log(rows);
  equal(await tab.getAttribute('body', 'data-status'), 'ok', `status (${rows.error ?? errors.join('; ')})`);
  equal(rows['sha256("abc")'], 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'sha256 in the browser');
  ok(/^config: thisDc 2, \d+ dc options$/.test(rows['help.getConfig']), `help.getConfig: ${rows['help.getConfig']}`);
  equal(rows.ping, 'pong 4242', 'ping');
  equal(rows['help.getNearestDc'], 'thisDc 2', 'help.getNearestDc');
  equal(rows['TelegramClient message'], 'received live: hello from the browser', 'TelegramClient message in the browser');
  equal(rows['TelegramClient file'], '300000 bytes, sha256 matches', 'TelegramClient file in the browser');
  equal(rows['secret chat'], 'secret hello; file decrypts; fingerprints equal', 'secret chat in the browser');
  ok(/^created in \d+ ms$/.test(rows['auth key']), 'auth key row');
}, 90_000);

test('README browser example, as written: prints "dc 2, pong 1" on the page', async () => {
  ok(browser && page, 'the page test did not start the browser');
  const tab = await browser!.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  await tab.goto(new URL('/example.html', page!.url).href, { timeout: 15_000 });
  await tab.waitForFunction(() => document.body.textContent!.includes('pong'), undefined, { timeout: 30_000 }).catch(() => {});
  equal((await tab.textContent('body'))?.trim(), 'dc 2, pong 1', `page text (${errors.join('; ')})`);
  await tab.screenshot({ path: new URL('../artifacts/browser-readme-example.png', import.meta.url).pathname });
}, 60_000);

await run('browser (chromium)', async () => {
  await browser?.close();
  await page?.stop();
});
