import * as tf from '@tensorflow/tfjs-core';

/** Images per matMul: keeps the patch matrix near 25 MB for 32×32 RGB images. */
const DEFAULT_CHUNK = 256;

/**
 * The uncentred covariance `E[p pᵀ]` of every `kernelSize` × `kernelSize` patch `p` of NHWC
 * `images` (stride 1, no padding), with each patch flattened in PyTorch's conv-weight order
 * (channel, row, column) — airbench's estimate for its whitening layer. Returns a row-major
 * `d` × `d` Float64Array, d = channels·kernelSize². Sums run in float32 on the backend per
 * chunk of images and in float64 across chunks.
 *
 * @example
 * ```ts
 * const images = tf.randomNormal([8, 32, 32, 3], 0, 1, 'float32', 0) as tf.Tensor4D;
 * const covariance = patchCovariance(images, 2);
 * covariance.length; // 144
 * images.dispose();
 * ```
 */
export function patchCovariance(
  images: tf.Tensor4D,
  kernelSize: number,
  { chunkSize = DEFAULT_CHUNK }: { chunkSize?: number } = {},
): Float64Array {
  const [n, height, width, channels] = images.shape;
  const k = kernelSize;
  const rows = height - k + 1;
  const columns = width - k + 1;
  if (n < 1 || rows < 1 || columns < 1) {
    throw new Error(
      `patchCovariance needs at least one ${k}×${k} patch; got images of shape [${images.shape.join(', ')}].`,
    );
  }
  const d = channels * k * k;
  const sum = new Float64Array(d * d);
  for (let start = 0; start < n; start += chunkSize) {
    const size = Math.min(chunkSize, n - start);
    const gram = tf.tidy(() => {
      const chunk = tf.slice(images, [start, 0, 0, 0], [size, height, width, channels]);
      const shifted: tf.Tensor4D[] = [];
      for (let y = 0; y < k; y++) {
        for (let x = 0; x < k; x++) {
          shifted.push(tf.slice(chunk, [0, y, x, 0], [size, rows, columns, channels]));
        }
      }
      // Columns in (row, column, channel) order; permuted to PyTorch's order below.
      const patches = tf.reshape(tf.concat(shifted, 3), [size * rows * columns, d]);
      return tf.matMul(patches, patches, true, false);
    });
    const values = gram.dataSync();
    gram.dispose();
    for (let i = 0; i < d * d; i++) sum[i] = (sum[i] as number) + (values[i] as number);
  }
  const torchIndex = (j: number): number => {
    const c = j % channels;
    const x = Math.floor(j / channels) % k;
    const y = Math.floor(j / (channels * k));
    return (c * k + y) * k + x;
  };
  const count = n * rows * columns;
  const covariance = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      covariance[torchIndex(i) * d + torchIndex(j)] = (sum[i * d + j] as number) / count;
    }
  }
  return covariance;
}
