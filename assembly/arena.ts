// The module's memory map. Everything is static: the module never allocates and never grows its
// memory, so the JS side may keep one Uint8Array view over memory.buffer for the module's lifetime.
//
//   IO     general-purpose copy-in/copy-out buffer for one-shot primitives; larger inputs are
//          processed in IO_SIZE chunks by the bindings (every streaming primitive carries its state).
//   ARENA  where the session layer serializes a message and encrypts it in place (no further copy).
//
// Primitive-specific state (AES round keys, hash state, CTR stream slots, big-number scratch) lives
// in memory.data() blocks inside each primitive's own file.

export const IO_SIZE: i32 = 1 << 20;
export const ARENA_SIZE: i32 = 4 << 20;

export const IO: usize = memory.data(IO_SIZE, 64);
export const ARENA: usize = memory.data(ARENA_SIZE, 64);

export function ioPtr(): usize { return IO; }
export function ioSize(): i32 { return IO_SIZE; }
export function arenaPtr(): usize { return ARENA; }
export function arenaSize(): i32 { return ARENA_SIZE; }
