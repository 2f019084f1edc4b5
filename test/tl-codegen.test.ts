// The code generator: the committed files in src/tl/generated/ are exactly what `npm run gen` makes,
// and the merge decisions (renames, dropped entries, id clashes) are the documented ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generate } from '../src/tl/codegen/generate.ts';
import { tlModel } from './helpers/tl-random.ts';

test('regenerating in memory equals the committed files byte for byte', () => {
  const files = generate(tlModel());
  assert.deepEqual([...files.keys()].sort(), ['codecs.ts', 'layer.ts', 'types.ts']);
  for (const [name, text] of files) {
    const committed = readFileSync(new URL(`../src/tl/generated/${name}`, import.meta.url), 'utf8');
    assert.ok(committed === text, `src/tl/generated/${name} is stale: run npm run gen`);
  }
});

test('merge decisions and warnings', () => {
  const m = tlModel();
  // The container item is renamed, bare-only, and the API keeps `message`.
  assert.equal(m.byName.get('mt_message')?.boxable, false);
  assert.equal(m.byName.get('message')?.id, 0x7600b9d3);
  // Entries present in both schemas are taken once.
  assert.equal(m.defs.filter((d) => d.name === 'ipPort').length, 1);
  // tdlib's prefix functions lose their ids to the real methods; test.* and tls* are dropped.
  for (const gone of ['invokeWithBusinessConnectionPrefix', 'test.useConfigSimple', 'tlsClientHello']) assert.ok(!m.byName.has(gone), gone);
  assert.equal(m.byName.get('invokeWithBusinessConnection')?.id, 0xdd289f8e);
  // Every id is unique; every mismatch is reported with its file and line.
  assert.equal(new Set(m.defs.filter((d) => d.boxable).map((d) => d.id)).size, m.defs.filter((d) => d.boxable).length);
  assert.ok(m.warnings.includes('api.tl:24: inputPeerPhotoFileLocationLegacy: written id 27d69997 != crc a8f0f7a0 (written id used)'));
  assert.ok(m.warnings.includes('mtproto-extra.tl:9: msg_container: written id 73f1f8dc != crc 29c1636d (written id used)'));
  assert.equal(m.mismatches.length, 13);
  // MTProto binary `string`s are bytes; rpc_error's message stays text.
  const pq = m.byName.get('resPQ')!.params.find((p) => p.name === 'pq')!;
  assert.deepEqual(pq.type, { kind: 'primitive', name: 'bytes' });
  assert.deepEqual(m.byName.get('rpc_error')!.params[1].type, { kind: 'primitive', name: 'string' });
});
