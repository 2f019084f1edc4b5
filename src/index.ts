// mtproto-wasm: the package root. The primitives here run in the WASM core (see bindings/).
export { modPow, factorizePQ, factorizePQInPlace } from '../bindings/bigint.ts';
