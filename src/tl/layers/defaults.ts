// What a field gets when the side being written (an old layer on the way out, the model on the way in)
// requires it and the object at hand does not have it. One rule for every constructor, so that old forms
// are derived from the model by name, never written by hand per layer:
//
//   int, double → 0; long → 0n; Bool → false; string → ''; bytes → empty; int128/int256 → zero bytes;
//   Vector/vector → empty; a `flags.N?true` field → false (absent);
//   a boxed type → its default constructor (below) with its own required fields defaulted the same way;
//   a bare type → that constructor, defaulted the same way.
//
// A boxed type's default constructor: the one DEFAULT_CONSTRUCTORS names; else the type's `…Empty`
// constructor (userEmpty, photoEmpty, messageMediaEmpty, chatPhotoEmpty…); else the constructor with the
// fewest required fields (the first in the schema on a tie). `Object` and `!X` have no default (TlError).
import type { TlType } from '../schema/parser.ts';
import type { Def, Model } from '../codegen/model.ts';

/** Default constructors chosen by hand where the rule above would pick something misleading. */
export const DEFAULT_CONSTRUCTORS: Readonly<Record<string, string>> = {
  Bool: 'boolFalse',
  Peer: 'peerUser', // a peer is required wherever it appears; user 0 is the least surprising
  PeerNotifySettings: 'peerNotifySettings', // all fields optional: "the defaults"
  EmojiStatus: 'emojiStatusEmpty',
  MessageReplyHeader: 'messageReplyHeader',
  RestrictionReason: 'restrictionReason',
};

/** The zero value of a primitive, or undefined when the type is not a primitive/vector. */
export function zeroValue(t: TlType): unknown {
  switch (t.kind) {
    case 'primitive':
      switch (t.name) {
        case 'int':
        case 'double':
          return 0;
        case 'long':
          return 0n;
        case 'Bool':
          return false;
        case 'string':
          return '';
        case 'bytes':
          return new Uint8Array(0);
        case 'int128':
          return new Uint8Array(16);
        case 'int256':
          return new Uint8Array(32);
      }
      return undefined;
    case 'vector':
      return [];
    case 'true':
      return false;
    default:
      return undefined;
  }
}

/** The default constructor of boxed type `type` in `model` (undefined when the type has none). */
export function defaultConstructor(model: Model, type: string): Def | undefined {
  const ctors = model.types.get(type);
  if (!ctors || ctors.length === 0) return undefined;
  const named = DEFAULT_CONSTRUCTORS[type];
  if (named) {
    const d = ctors.find((c) => c.name === named);
    if (d) return d;
  }
  const empty = ctors.find((c) => c.name.endsWith('Empty'));
  if (empty) return empty;
  const required = (d: Def) => d.params.filter((p) => !p.condition && p.type.kind !== 'flags').length;
  let best = ctors[0];
  for (const c of ctors) if (required(c) < required(best)) best = c;
  return best;
}
