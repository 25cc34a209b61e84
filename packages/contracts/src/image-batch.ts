/**
 * A batch of images as float32 NHWC pixels with integer class labels: what a data loader
 * yields and a training loop consumes.
 */
export interface ImageBatch {
  /** size × height × width × channels floats, image after image, each H, W, C. */
  readonly pixels: Float32Array;
  /** One class index per image. */
  readonly labels: Int32Array;
  readonly size: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/**
 * A replayable sequence of batches: the batches of `epoch` depend only on the epoch (and the
 * source's own seed), so a resumed run can ask for exactly the batches it has not seen yet.
 */
export interface BatchSource {
  readonly batchesPerEpoch: number;
  readonly imagesPerEpoch: number;
  batches(epoch: number, startBatch?: number): AsyncIterable<ImageBatch>;
}
