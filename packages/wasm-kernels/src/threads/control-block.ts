// The layout of the SharedArrayBuffer through which a kernel pool hands out work: Int32 slots
// first, then the kernel's arguments as float64 (every i32 and f32 argument is exact in a
// float64, and a pointer up to 4 GiB too). kernel-worker-loop.ts repeats these numbers, since
// it is sent to workers as source text and cannot import them; a test checks both agree.

/** Int32 slot: the job number, bumped once per job; workers wait on it. */
export const jobSlot = 0;
/** Int32 slot: workers still computing the current job; the caller waits on it. */
export const remainingSlot = 1;
/** Int32 slot: the kernel's index in the pool's kernel list. */
export const kernelSlot = 2;
/** Int32 slot: how many arguments precede the part range. */
export const argCountSlot = 3;
/** Int32 slot: parts that threw (a kernel trap) since the pool started. */
export const failedSlot = 4;
/** Int32 slot: not 0 once the pool is closed; workers return. */
export const quitSlot = 5;
/** Int32 slots from here: thread t computes parts [bounds[t], bounds[t + 1]). */
export const boundsSlot = 8;
/** The most threads a pool runs (the caller and its workers). */
export const maxThreads = 64;
/** Byte offset of the float64 arguments. */
export const argsByteOffset = 512;
/** The most arguments a split kernel takes, part range excluded. */
export const maxArgs = 32;
/** Size of the control block. */
export const controlBytes = argsByteOffset + maxArgs * 8;
