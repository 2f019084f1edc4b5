// The TL schema parser: constructor ids of [tl.constructor_ids] (test/vectors/VECTORS.md, from Telethon's
// infer_id / grammers' tl-parser), every line of both bundled schemas, the id-mismatch report, hostile text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TlSchemaError, computeId, parseSchema } from '../src/tl/schema/parser.ts';
import { toHex, vectorSet } from './helpers/vectors.ts';
import { rng } from './helpers/tl-random.ts';

const schema = (f: string) => readFileSync(new URL(`../src/tl/schema/${f}`, import.meta.url), 'utf8');

test('[tl.constructor_ids]: CRC32 of the normalized line', () => {
  const v = vectorSet('tl.constructor_ids');
  let n = 0;
  for (; v.has(`line_${n}`); n++) {
    const id = v.get(`id_${n}`) as Uint8Array;
    assert.equal(computeId(v.get(`line_${n}`) as string).toString(16).padStart(8, '0'), toHex(id), `line_${n}`);
  }
  assert.equal(n, 14);
  // The vector NOTE: the %Message spelling does not hash to msg_container's id.
  assert.notEqual(computeId('msg_container messages:vector<%Message> = MessageContainer'), 0x73f1f8dc);
});

test('every line of both schemas parses; counts and mismatches as documented', () => {
  const api = parseSchema(schema('api.tl'));
  assert.equal(api.entries.filter((e) => e.writtenId !== undefined).length, 2459); // + vector (a builtin) = 2460
  assert.equal(api.entries.filter((e) => e.kind === 'function').length, 813);
  assert.deepEqual(api.mismatches.map((m) => `${m.line}:${m.name}`), [
    '20:ipPortSecret', '21:accessPointRule', '22:help.configSimple', '24:inputPeerPhotoFileLocationLegacy',
    '25:inputStickerSetThumbLegacy', '32:invokeWithBusinessConnectionPrefix', '33:invokeWithGooglePlayIntegrityPrefix',
    '34:invokeWithApnsSecretPrefix', '35:invokeWithReCaptchaPrefix',
  ]);
  assert.deepEqual(api.builtins.map((b) => b.line), [2, 3, 4, 5, 7, 8, 15]);
  const mt = parseSchema(schema('mtproto.tl'));
  assert.deepEqual(mt.mismatches.map((m) => `${m.line}:${m.name}`), ['102:ipPortSecret', '103:accessPointRule', '104:help.configSimple']);
  assert.equal(mt.entries.filter((e) => e.writtenId !== undefined).length, 50);
  const extra = parseSchema(schema('mtproto-extra.tl'));
  assert.deepEqual(extra.mismatches.map((m) => m.name), ['msg_container']);
  // Spot checks from the schema README.
  const ids = new Map(api.entries.map((e) => [e.name, e.id]));
  for (const [name, id] of [['inputPeerUser', 0xdde8a54c], ['message', 0x7600b9d3], ['user', 0xb1b8cc83], ['messages.sendMessage', 0xfef48f62],
    ['invokeWithLayer', 0xda9b0d0d], ['initConnection', 0xc1cd5ea9]] as const) assert.equal(ids.get(name), id, name);
});

test('the language: sections, namespaces, flags2, bare types, vectors, generics, comments, multi-line', () => {
  const s = parseSchema(`// comment
int ? = Int;
vector {t:Type} # [ t ] = Vector t;

a.b#00000001 flags:# x:flags.0?true flags2:# y:flags2.31?Vector<long> z:%Message w:vector<future_salt> = a.B; // trailing
---functions---
f#2 {X:Type} q:!X = X;
g#3 n:int
   m:string = Vector<int>;
---types---
c#4 = C;`);
  assert.equal(s.builtins.length, 2);
  const [ab, f, g, c] = s.entries;
  assert.equal(ab.name, 'a.b');
  assert.equal(ab.kind, 'constructor');
  assert.deepEqual(ab.params.map((p) => p.condition ?? null), [null, { field: 'flags', bit: 0 }, null, { field: 'flags2', bit: 31 }, null, null]);
  assert.deepEqual(ab.params[3].type, { kind: 'vector', boxed: true, item: { kind: 'primitive', name: 'long' } });
  assert.deepEqual(ab.params[4].type, { kind: 'named', name: 'Message', bare: true });
  assert.deepEqual(ab.params[5].type, { kind: 'vector', boxed: false, item: { kind: 'named', name: 'future_salt', bare: true } });
  assert.deepEqual([f.kind, f.generics, f.params[0].type, f.result], ['function', ['X'], { kind: 'generic', name: 'X' }, { kind: 'generic', name: 'X' }]);
  assert.equal(g.line, 8);
  assert.deepEqual(g.result, { kind: 'vector', boxed: true, item: { kind: 'primitive', name: 'int' } });
  assert.equal(c.kind, 'constructor');
  assert.deepEqual(s.mismatches.map((m) => m.line), [5, 7, 8, 11]);
});

test('hostile schema text → TlSchemaError with the line number, never another error', () => {
  const bad: [string, RegExp][] = [
    ['a#1 x:flags.0?int = A;', /line 1: condition on unknown flags field/],
    ['\n\na#1 flags:# x:flags.32?int = A;', /line 3: flag bit 32/],
    ['a#1 x:true = A;', /without a condition/],
    ['a#1 x:int x:int = A;', /duplicate field/],
    ['a#1 x:int', /line 1: declaration without ';'/],
    ['a#1 x:!Y = A;', /unknown type variable/],
    ['a#1 x:int {X:Type} = A;', /type parameter after fields/],
    ['---nonsense---', /unknown section/],
    ['a#zz = A;', /bad constructor name/],
    ['a#1 x = A;', /bad field/],
    ['a#1 x:Vec<<int = A;', /bad type/],
    ['a#1 = ;', /empty declaration side|bad type/],
    ['= A;', /empty declaration side|bad constructor/],
  ];
  for (const [text, re] of bad) assert.throws(() => parseSchema(text), (e: unknown) => e instanceof TlSchemaError && re.test(e.message), text);
  // Random mutations of real lines: parse or TlSchemaError, nothing else.
  const lines = schema('api.tl').split('\n').filter((l) => l.includes('#') && l.endsWith(';')).slice(0, 400);
  const rand = rng(99);
  const alphabet = ' :#?.<>{}!%;=_aZ09\n';
  for (let i = 0; i < 4000; i++) {
    const chars = [...lines[(rand() * lines.length) | 0]];
    for (let k = 0; k < 3; k++) chars[(rand() * chars.length) | 0] = alphabet[(rand() * alphabet.length) | 0];
    try {
      parseSchema(chars.join(''));
    } catch (e) {
      assert.ok(e instanceof TlSchemaError, `${chars.join('')}: ${String(e)}`);
    }
  }
});
