// Old API layers at run time: the codec a session's layer needs, built on first use from the layer's
// schema (src/tl/generated/schemas/) and the newest layer's (the model). See codec.ts for how objects are
// derived by name and defaults.ts for the defaults.
//
//   const codec = codecForLayer(198);          // undefined for the newest layer: use src/tl/codec.ts
//   codec?.serialize(config)                   // a model object, in layer 198's constructors
//   codec?.deserialize(bytes)                  // a layer-198 request, lifted into the model
import type { TlSerializable } from '../codec.ts';
import { deserialize, serialize } from '../codec.ts';
import { buildModel, type Model } from '../codegen/model.ts';
import { LayerCodec } from './codec.ts';
import { HELD_LAYERS, NEWEST_LAYER, heldLayer, schemaSources } from './schemas.ts';

export { HELD_LAYERS, NEWEST_LAYER, heldLayer } from './schemas.ts';
export { LayerCodec } from './codec.ts';
export { DEFAULT_CONSTRUCTORS } from './defaults.ts';

const models = new Map<number, Model>();
const codecs = new Map<number, LayerCodec>();

function modelOf(layer: number): Model {
  let m = models.get(layer);
  if (!m) {
    m = buildModel(schemaSources(layer));
    models.set(layer, m);
  }
  return m;
}

/**
 * The codec of the layer that serves `layer` (the nearest held one at or below it; see heldLayer), or
 * undefined when that is the newest layer, whose generated codec (src/tl/codec.ts) is the fast path.
 */
export function codecForLayer(layer: number | undefined): LayerCodec | undefined {
  const held = heldLayer(layer);
  if (held === NEWEST_LAYER) return undefined;
  let codec = codecs.get(held);
  if (!codec) {
    codec = new LayerCodec(held, modelOf(held), modelOf(NEWEST_LAYER), codecForLayer);
    codecs.set(held, codec);
  }
  return codec;
}

/** A model object in the constructors of `layer` (the newest layer: the generated codec). */
export function serializeInLayer(layer: number | undefined, obj: TlSerializable): Uint8Array<ArrayBuffer> {
  const codec = codecForLayer(layer);
  return codec ? codec.serialize(obj) : serialize(obj);
}

/** An object or request written in `layer`, lifted into the model. */
export function deserializeInLayer(layer: number | undefined, bytes: Uint8Array): unknown {
  const codec = codecForLayer(layer);
  return codec ? codec.deserialize(bytes) : deserialize(bytes);
}

/** The held layers' codecs, built now (a server may call this at start instead of on first use). */
export function preloadLayers(): void {
  for (const layer of HELD_LAYERS) codecForLayer(layer);
}
