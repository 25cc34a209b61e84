import '@cnnkit/tfjs-gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectClose,
  kernelPaths,
  runOnCpuThenWasm,
  seededValues,
  useBackend,
  useKernelPath,
} from '../test-support/compare-backends.js';
import { runKernel } from '../test-support/run-kernel.js';

interface ConvCase {
  readonly name: string;
  readonly xShape: [number, number, number, number];
  readonly filterShape: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: tf.Conv2DAttrs['pad'];
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
  readonly dilations?: number | [number, number];
  readonly dataFormat?: 'NHWC' | 'NCHW';
}

// Tile shapes depend on the output channels (≥ 13: 4 vectors × 2 pixels, 9–12: 3 × 3, 5–8:
// 2 × 4, ≤ 4: 1 × 8) and rows narrower than a tile take a per-pixel path: the cases cover each,
// with channel counts that leave part of the last vector empty.
const cases: ConvCase[] = [
  {
    name: 'SimpleCNN conv1 (6 channels: 2 vectors × 4 pixels)',
    xShape: [4, 32, 32, 3],
    filterShape: [5, 5, 3, 6],
    strides: 1,
    pad: 'valid',
  },
  {
    name: 'SimpleCNN conv2 (16 channels: 4 vectors × 2 pixels)',
    xShape: [4, 14, 14, 6],
    filterShape: [5, 5, 6, 16],
    strides: 1,
    pad: 'valid',
  },
  {
    name: '19 output channels (5 vectors, overlapping channel tiles, 3 lanes in the last)',
    xShape: [2, 9, 11, 4],
    filterShape: [3, 3, 4, 19],
    strides: 1,
    pad: 'same',
  },
  {
    name: '10 output channels (3 vectors × 3 pixels, overlapping last tile), stride 2, same',
    xShape: [2, 13, 13, 3],
    filterShape: [3, 3, 3, 10],
    strides: 2,
    pad: 'same',
  },
  {
    name: '1 output channel (1 vector × 8 pixels), width 19',
    xShape: [3, 6, 21, 2],
    filterShape: [2, 3, 2, 1],
    strides: 1,
    pad: 'valid',
  },
  {
    name: 'rows narrower than a tile (per-pixel path), batch 1',
    xShape: [1, 5, 4, 5],
    filterShape: [3, 3, 5, 7],
    strides: 1,
    pad: 'valid',
  },
  {
    name: 'odd sizes, same padding, 7 channels',
    xShape: [1, 7, 9, 5],
    filterShape: [3, 3, 5, 7],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'stride [2, 1], valid, even filter',
    xShape: [3, 11, 10, 2],
    filterShape: [4, 2, 2, 5],
    strides: [2, 1],
    pad: 'valid',
  },
  { name: 'numeric pad', xShape: [2, 6, 9, 3], filterShape: [3, 3, 3, 8], strides: 1, pad: 2 },
  {
    name: 'numeric pad, stride 2, ceil rounding',
    xShape: [2, 8, 15, 3],
    filterShape: [3, 3, 3, 4],
    strides: 2,
    pad: 1,
    dimRoundingMode: 'ceil',
  },
  {
    name: 'explicit asymmetric pad',
    xShape: [2, 7, 16, 3],
    filterShape: [3, 2, 3, 4],
    strides: [1, 2],
    pad: [
      [0, 0],
      [1, 2],
      [0, 3],
      [0, 0],
    ],
  },
  {
    name: '1x1 filter, one channel in',
    xShape: [3, 5, 9, 1],
    filterShape: [1, 1, 1, 12],
    strides: 1,
    pad: 'valid',
  },
  {
    name: 'dilation 2, same',
    xShape: [2, 9, 15, 3],
    filterShape: [3, 3, 3, 4],
    strides: 1,
    pad: 'same',
    dilations: 2,
  },
  {
    name: 'dilation [2, 3], valid',
    xShape: [1, 10, 21, 2],
    filterShape: [2, 3, 2, 6],
    strides: 1,
    pad: 'valid',
    dilations: [2, 3],
  },
  {
    name: 'NCHW (transposed around the NHWC kernel)',
    xShape: [2, 3, 7, 6],
    filterShape: [3, 3, 3, 4],
    strides: 1,
    pad: 'same',
    dataFormat: 'NCHW',
  },
  {
    name: 'NCHW, stride 2, explicit pad, 6 channels',
    xShape: [2, 5, 8, 9],
    filterShape: [3, 2, 5, 6],
    strides: 2,
    pad: [
      [0, 0],
      [0, 0],
      [1, 0],
      [2, 1],
    ],
    dataFormat: 'NCHW',
  },
  // Winograd F(4×4, 3×3) (3×3, stride 1, channels multiples of 4): output sizes leaving 1, 2
  // or 3 rows and columns in the last tiles, odd tile counts in a chunk, several parts, output
  // channels in blocks of 16 and single vectors.
  {
    name: 'Winograd: AirbenchNet 24 → 64, 15×15 (odd: partial tiles), same',
    xShape: [2, 15, 15, 24],
    filterShape: [3, 3, 24, 64],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'Winograd: valid, 8×10 outputs, 18 tiles in 2 parts of 9 (odd chunk)',
    xShape: [3, 10, 12, 8],
    filterShape: [3, 3, 8, 16],
    strides: 1,
    pad: 'valid',
  },
  {
    name: 'Winograd: 9×7 same, 60 tiles in 4 parts of 15, 32 output channels',
    xShape: [10, 9, 7, 4],
    filterShape: [3, 3, 4, 32],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'Winograd: explicit asymmetric pad',
    xShape: [2, 6, 7, 4],
    filterShape: [3, 3, 4, 16],
    strides: 1,
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  },
  {
    name: 'Winograd: 28 output channels (a block of 16, then 3 single vectors)',
    xShape: [2, 7, 9, 8],
    filterShape: [3, 3, 8, 28],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'Winograd: NCHW',
    xShape: [2, 8, 6, 5],
    filterShape: [3, 3, 8, 16],
    strides: 1,
    pad: 'same',
    dataFormat: 'NCHW',
  },
];

function runConv(c: ConvCase, x: Float32Array, filter: Float32Array): Float32Array {
  return tf.tidy(
    () =>
      runKernel(
        tf.Conv2D,
        { x: tf.tensor4d(x, c.xShape), filter: tf.tensor4d(filter, c.filterShape) },
        {
          strides: c.strides,
          pad: c.pad,
          dataFormat: c.dataFormat ?? 'NHWC',
          dilations: c.dilations ?? 1,
          dimRoundingMode: c.dimRoundingMode,
        },
      ).dataSync() as Float32Array,
  );
}

describe.each(kernelPaths)(
  'Conv2D on wasm matches the cpu backend ($path)',
  ({ simd, relaxed }) => {
    beforeAll(() => useKernelPath(simd, relaxed));
    afterAll(() => useKernelPath(true));

    it.each(cases)('$name', async (c) => {
      const x = seededValues(
        c.xShape.reduce((a, b) => a * b),
        1,
      );
      const filter = seededValues(
        c.filterShape.reduce((a, b) => a * b),
        2,
      );
      const { expected, actual } = await runOnCpuThenWasm(() => runConv(c, x, filter));
      expectClose(actual, expected);
    });

    it('leaves the output whole when values are NaN or infinite (no lane mixing)', async () => {
      const c = cases[2]!;
      const x = seededValues(2 * 9 * 11 * 4, 3);
      x[5] = Number.NaN;
      x[100] = Number.POSITIVE_INFINITY;
      const filter = seededValues(3 * 3 * 4 * 19, 4);
      const { expected, actual } = await runOnCpuThenWasm(() => runConv(c, x, filter));
      expect(Array.from(actual, Number.isNaN)).toEqual(Array.from(expected, Number.isNaN));
      const finite = (values: Float32Array) => values.map((v) => (Number.isFinite(v) ? v : 0));
      expectClose(finite(actual), finite(expected));
    });

    it('gives the conv2d op and its gradients equal to cpu', async () => {
      const x = seededValues(3 * 10 * 10 * 4, 5);
      const filter = seededValues(3 * 3 * 4 * 5, 6);
      const run = () =>
        tf.tidy(() => {
          const f = (xs: tf.Tensor, fs: tf.Tensor) =>
            tf.sum(tf.square(tf.conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, 1, 'same')));
          const [dx, dFilter] = tf.grads(f)([
            tf.tensor4d(x, [3, 10, 10, 4]),
            tf.tensor4d(filter, [3, 3, 4, 5]),
          ]);
          return [dx!.dataSync(), dFilter!.dataSync()];
        });
      await useBackend('cpu');
      const expected = run();
      await useBackend('wasm');
      const actual = run();
      expectClose(actual[0]!, expected[0]!);
      expectClose(actual[1]!, expected[1]!);
    });
  },
);
