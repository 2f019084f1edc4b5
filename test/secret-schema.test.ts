// The secret-chat schema: generated files are what `npm run gen` makes, every constructor round-trips,
// fields are read by their own type only (typed dispatch), and a hand-built encoding matches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateSecret, loadSecretModel } from '../src/tl/codegen/generate.ts';
import type { Model } from '../src/tl/codegen/model.ts';
import { camel } from '../src/tl/codegen/names.ts';
import type { TlType } from '../src/tl/schema/parser.ts';
import { deserializeSecret, serializeSecret, SECRET_LAYER, type SecretObject } from '../src/tl/secret.ts';
import { TlError } from '../src/errors.ts';
import { rng, type Rand } from './helpers/tl-random.ts';

const model: Model = loadSecretModel();

test('regenerating the secret schema in memory equals the committed files byte for byte', () => {
  const files = generateSecret(model);
  assert.deepEqual([...files.keys()].sort(), ['codecs.ts', 'layer.ts', 'types.ts']);
  for (const [name, text] of files) {
    const committed = readFileSync(new URL(`../src/tl/generated/secret/${name}`, import.meta.url), 'utf8');
    assert.ok(committed === text, `src/tl/generated/secret/${name} is stale: run npm run gen`);
  }
  assert.equal(SECRET_LAYER, 144);
  // The ids are the wire ids of the (renamed) historical constructors.
  assert.equal(model.byName.get('decryptedMessage46')?.id, 0x36b091de);
  assert.equal(model.byName.get('decryptedMessage')?.id, 0x91cc4674);
  assert.equal(model.byName.get('decryptedMessageLayer')?.id, 0x1be31789);
  assert.equal(model.byName.get('messageEntityMentionName')?.params[2].type.kind, 'primitive'); // int user_id, not the API's long
  assert.equal(model.defs.filter((d) => d.kind === 'function').length, 0);
});

function value(t: TlType, rand: Rand, depth: number): unknown {
  switch (t.kind) {
    case 'primitive':
      switch (t.name) {
        case 'int': return (rand() * 2 ** 32) | 0;
        case 'long': return BigInt.asIntN(64, BigInt(Math.floor(rand() * 2 ** 53)) * 2048n);
        case 'double': return rand() * 1000 - 500;
        case 'bytes': return Uint8Array.from({ length: (rand() * 300) | 0 }, () => (rand() * 256) | 0);
        case 'string': return ['', 'hi', 'Привет', 'x'.repeat(260)][(rand() * 4) | 0];
        case 'Bool': return rand() < 0.5;
        default: throw new Error(t.name);
      }
    case 'vector':
      return Array.from({ length: depth > 2 ? 0 : (rand() * 3) | 0 }, () => value(t.item, rand, depth + 1));
    case 'named': {
      const ctors = model.types.get(t.name)!;
      return object(ctors[(rand() * ctors.length) | 0].name, rand, depth + 1);
    }
    default:
      throw new Error(t.kind);
  }
}

function object(name: string, rand: Rand, depth = 0): Record<string, unknown> {
  const d = model.byName.get(name)!;
  const o: Record<string, unknown> = { _: name };
  const bits = new Map<string, boolean>();
  for (const p of d.params) {
    if (p.type.kind === 'flags') continue;
    if (p.condition) {
      const key = `${p.condition.field}.${p.condition.bit}`;
      if (!bits.has(key)) bits.set(key, rand() < 0.5);
      o[camel(p.name)] = p.type.kind === 'true' ? bits.get(key) : bits.get(key) ? value(p.type, rand, depth) : undefined;
    } else o[camel(p.name)] = value(p.type, rand, depth);
  }
  return o;
}

test('every secret constructor round-trips (seeded random objects)', () => {
  const rand = rng(9);
  let n = 0;
  for (const d of model.defs) {
    if (!d.boxable) continue;
    for (let i = 0; i < 8; i++) {
      const o = object(d.name, rand) as unknown as SecretObject;
      assert.deepStrictEqual(deserializeSecret(serializeSecret(o)), o, d.name);
      n++;
    }
  }
  assert.ok(n > 500);
});

test('a hand-built decryptedMessageLayer encoding', () => {
  const o: SecretObject = {
    _: 'decryptedMessageLayer', randomBytes: new Uint8Array(15).fill(7), layer: 144, inSeqNo: 1, outSeqNo: 2,
    message: { _: 'decryptedMessageService', randomId: 5n, action: { _: 'decryptedMessageActionTyping', action: { _: 'sendMessageTypingAction' } } },
  };
  const hex = [
    '8917e31b', '0f' + '07'.repeat(15), '90000000', '01000000', '02000000',
    '60411673', '0500000000000000', '4176b2cc', '4e74bf16',
  ].join('');
  assert.equal(Buffer.from(serializeSecret(o)).toString('hex'), hex);
});

test('typed dispatch: an API object cannot stand in a secret field; unknown ids and junk are TlErrors', () => {
  // messageEntityBold has the same id in both schemas, but an API-only constructor is refused.
  const msg = {
    _: 'decryptedMessage', silent: false, randomId: 1n, ttl: 0, message: 'x', media: undefined,
    entities: [{ _: 'messageEntityBlockquote', flags: 0, offset: 0, length: 1, collapsed: true }], viaBotName: undefined, replyToRandomId: undefined, groupedId: undefined,
  };
  assert.ok(serializeSecret(msg as unknown as SecretObject).length > 0); // secret blockquote has no flags: extra fields ignored
  const bad = { ...msg, entities: [{ _: 'inputPeerSelf' }] };
  assert.throws(() => serializeSecret(bad as unknown as SecretObject), TlError);
  assert.throws(() => serializeSecret({ _: 'inputPeerSelf' } as unknown as SecretObject), TlError);
  // An API id inside a secret vector: messageEntityBlockquote of the API (0xf1ccaaac) is not a secret entity.
  const bytes = serializeSecret(msg as unknown as SecretObject);
  const at = Buffer.from(bytes).indexOf(Buffer.from('d0f50d02', 'hex'));
  assert.ok(at > 0);
  const tampered = bytes.slice();
  tampered.set([0xac, 0xaa, 0xcc, 0xf1], at);
  assert.throws(() => deserializeSecret(tampered), (e: unknown) => e instanceof TlError && /MessageEntity/.test(e.message));
  assert.throws(() => deserializeSecret(bytes.subarray(0, bytes.length - 4)), TlError);
  assert.throws(() => deserializeSecret(new Uint8Array([1, 2, 3, 4])), TlError);
  assert.throws(() => deserializeSecret(new Uint8Array([...bytes, 0, 0, 0, 0])), TlError);
});
