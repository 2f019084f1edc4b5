// Loads the WASM core from the generated embedded module, once, synchronously on first use.
// The core is small (well under Chrome's 8 MB limit for synchronous compilation on the main thread),
// so no async init() is needed in any runtime. Its memory never grows, so one view serves for ever.
import { coreWasmBase64 } from './generated/core-wasm.ts';

/** The exports every binding can rely on; each binding file declares the functions it calls. */
export interface CoreBase {
  memory: WebAssembly.Memory;
  ioPtr(): number;
  ioSize(): number;
  arenaPtr(): number;
  arenaSize(): number;
}

export interface Core extends CoreBase {
  /** A view over the whole of the module's memory. */
  u8: Uint8Array<ArrayBuffer>;
  /** Byte offset and length of the shared copy-in/copy-out buffer. */
  io: number;
  ioLen: number;
  /** Byte offset and length of the message arena (see assembly/arena.ts). */
  arena: number;
  arenaLen: number;
}

let loaded: (Core & Record<string, unknown>) | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The instantiated core, typed with the exports the caller declares. */
export function core<T = object>(): Core & T {
  if (loaded === undefined) {
    const module = new WebAssembly.Module(decodeBase64(coreWasmBase64));
    const instance = new WebAssembly.Instance(module, {});
    const raw = instance.exports as unknown as CoreBase & Record<string, unknown>;
    loaded = {
      ...raw,
      u8: new Uint8Array(raw.memory.buffer as ArrayBuffer),
      io: raw.ioPtr(),
      ioLen: raw.ioSize(),
      arena: raw.arenaPtr(),
      arenaLen: raw.arenaSize(),
    } as Core & Record<string, unknown>;
  }
  return loaded as unknown as Core & T;
}

/** The raw bytes of the embedded module (for tests that inspect imports/exports). */
export function coreWasmBytes(): Uint8Array<ArrayBuffer> {
  return decodeBase64(coreWasmBase64);
}
