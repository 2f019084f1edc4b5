// The API layers we hold, and which one serves a layer number a client announces.
//
// The schema texts are string modules (src/tl/generated/schemas/, made by `npm run gen`): imported here
// statically, so they load in every runtime without a file system, but only parsed (src/tl/layers/models.ts)
// the first time a client speaks that layer. Only the server imports src/tl/layers/.
import { text as api144 } from '../generated/schemas/api-144.ts';
import { text as api158 } from '../generated/schemas/api-158.ts';
import { text as api198 } from '../generated/schemas/api-198.ts';
import { text as api227 } from '../generated/schemas/api-227.ts';
import { text as api228 } from '../generated/schemas/api-228.ts';
import { text as mtproto } from '../generated/schemas/mtproto.ts';
import { text as mtprotoExtra } from '../generated/schemas/mtproto-extra.ts';
import { TL_LAYER } from '../generated/layer.ts';

/** The newest layer: the generated codec (src/tl/generated/) speaks it, and it is the model of the others. */
export const NEWEST_LAYER = TL_LAYER;

const API_TEXTS = new Map<number, string>([
  [144, api144],
  [158, api158],
  [198, api198],
  [227, api227],
  [TL_LAYER, api228],
]);

/** The layers we hold, oldest first. */
export const HELD_LAYERS: readonly number[] = [...API_TEXTS.keys()].sort((a, b) => a - b);

/**
 * The held layer that serves `layer`: the nearest one at or below it; below the oldest (0, negative,
 * not a number), the oldest. A client that never announced a layer (undefined) gets the newest.
 */
export function heldLayer(layer: number | undefined): number {
  if (layer === undefined) return NEWEST_LAYER;
  let best = HELD_LAYERS[0];
  for (const held of HELD_LAYERS) if (held <= layer) best = held;
  return best;
}

/** The schema sources of a held layer, in the order the code generator merges them (API last: primary). */
export function schemaSources(layer: number): { name: string; file: string; text: string; stringsAreBytes?: boolean }[] {
  const api = API_TEXTS.get(layer);
  if (api === undefined) throw new RangeError(`layer ${layer} is not held (held: ${HELD_LAYERS.join(', ')})`);
  return [
    { name: 'mtproto', file: 'mtproto.tl', stringsAreBytes: true, text: mtproto },
    { name: 'mtproto', file: 'mtproto-extra.tl', stringsAreBytes: true, text: mtprotoExtra },
    { name: 'api', file: layer === TL_LAYER ? 'api.tl' : `layers/api-${layer}.tl`, text: api },
  ];
}
