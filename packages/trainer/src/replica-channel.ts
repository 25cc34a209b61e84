// The shared memory between the training thread and one replica thread: what the replica
// needs for a step (weights, its shard, which parameters to differentiate, the loss settings)
// and what it gives back (loss, gradients, or an error). The calling thread writes, bumps the
// step counter and wakes the replica with Atomics; the replica writes back and bumps its done
// counter. Plain numbers only, so a worker rebuilds the same views from the same buffer.

/** What a replica channel is sized for. */
export interface ReplicaChannelShape {
  /** Float count of every parameter, in the model's parameter order. */
  readonly parameterSizes: readonly number[];
  /** Images one replica takes at most in a step. */
  readonly maxShardImages: number;
  /** Height, width and channels of every image. */
  readonly imageShape: readonly [number, number, number];
}

/** Index of the slots of {@link ReplicaChannel.control}. */
export const Slot = {
  /** Bumped by the calling thread for each command. */
  command: 0,
  /** {@link Command} of the latest bump. */
  kind: 1,
  /** Bumped by the replica when it finished the command of the same number. */
  done: 2,
  /** 0, or 1 when the latest command failed ({@link ReplicaChannel.error} says why). */
  failed: 3,
  /** Images in this step's shard. */
  shardImages: 4,
  /** 'mean' 0, 'sum' 1. */
  reduction: 5,
  /** Error text length in bytes. */
  errorBytes: 6,
  /** Then one flag per parameter: 1 when this step differentiates it. */
  trained: 7,
} as const;

export const Command = { step: 1, stop: 2 } as const;

const ERROR_BYTES = 4096;

/** Typed views over one replica's shared buffer. */
export interface ReplicaChannel {
  readonly buffer: SharedArrayBuffer;
  readonly control: Int32Array;
  /** Label smoothing of the step's loss. */
  readonly labelSmoothing: Float64Array;
  /** Every parameter, concatenated in parameter order. */
  readonly weights: Float32Array;
  readonly images: Float32Array;
  readonly labels: Int32Array;
  /** The trained parameters' gradients, at the same offsets as their weights. */
  readonly grads: Float32Array;
  readonly loss: Float32Array;
  readonly error: Uint8Array;
  /** Where each parameter starts in `weights` and `grads`. */
  readonly offsets: readonly number[];
}

function offsetsOf(sizes: readonly number[]): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const size of sizes) {
    offsets.push(at);
    at += size;
  }
  return offsets;
}

/** Views over `buffer` (new when absent) laid out for `shape`. */
export function replicaChannel(
  shape: ReplicaChannelShape,
  buffer?: SharedArrayBuffer,
): ReplicaChannel {
  const parameterFloats = shape.parameterSizes.reduce((a, b) => a + b, 0);
  const imageFloats = shape.imageShape[0] * shape.imageShape[1] * shape.imageShape[2];
  const controlInts = Slot.trained + shape.parameterSizes.length;
  // Each region starts on an 8-byte boundary (the Float64Array needs it).
  const bytes = [
    controlInts * 4,
    8,
    parameterFloats * 4,
    shape.maxShardImages * imageFloats * 4,
    shape.maxShardImages * 4,
    parameterFloats * 4,
    4,
    ERROR_BYTES,
  ].map((n) => Math.ceil(n / 8) * 8);
  const starts = offsetsOf(bytes);
  const total = bytes.reduce((a, b) => a + b, 0);
  const shared = buffer ?? new SharedArrayBuffer(total);
  if (shared.byteLength !== total) {
    throw new Error(`replica channel: expected ${total} bytes, got ${shared.byteLength}.`);
  }
  const at = (region: number) => starts[region] as number;
  return {
    buffer: shared,
    control: new Int32Array(shared, at(0), controlInts),
    labelSmoothing: new Float64Array(shared, at(1), 1),
    weights: new Float32Array(shared, at(2), parameterFloats),
    images: new Float32Array(shared, at(3), shape.maxShardImages * imageFloats),
    labels: new Int32Array(shared, at(4), shape.maxShardImages),
    grads: new Float32Array(shared, at(5), parameterFloats),
    loss: new Float32Array(shared, at(6), 1),
    error: new Uint8Array(shared, at(7), ERROR_BYTES),
    offsets: offsetsOf(shape.parameterSizes),
  };
}

/** Stores `message` as the channel's error text (cut to fit). */
export function writeChannelError(channel: ReplicaChannel, message: string): void {
  const encoded = new TextEncoder().encode(message).subarray(0, channel.error.length);
  channel.error.set(encoded);
  channel.control[Slot.errorBytes] = encoded.length;
}

/** The channel's error text. */
export function readChannelError(channel: ReplicaChannel): string {
  // TextDecoder refuses views of shared memory: copy first.
  return new TextDecoder().decode(channel.error.slice(0, channel.control[Slot.errorBytes]));
}
