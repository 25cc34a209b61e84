import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectClose,
  kernelPaths,
  runOnCpuThenWasm,
  seededValues,
  useKernelPath,
} from '../test-support/compare-backends.js';
import { runKernel } from '../test-support/run-kernel.js';

interface InputGradientCase {
  readonly name: string;
  readonly xShape: [number, number, number, number];
  readonly filterShape: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: tf.Conv2DBackpropInputAttrs['pad'];
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
  readonly dataFormat?: 'NHWC' | 'NCHW';
}

const cases: InputGradientCase[] = [
  {
    name: 'width 17 (two blocks of 8 columns and a tail), 5 input channels (4 + 1)',
    xShape: [2, 6, 17, 5],
    filterShape: [3, 4, 5, 3],
    strides: 1,
    pad: 'valid',
  },
  {
    name: 'one input channel, odd output channels, same padding',
    xShape: [3, 13, 13, 1],
    filterShape: [5, 5, 1, 3],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'SimpleCNN conv2, batch 1',
    xShape: [1, 14, 14, 6],
    filterShape: [5, 5, 6, 16],
    strides: 1,
    pad: 'valid',
  },
  {
    name: 'SimpleCNN conv2',
    xShape: [4, 14, 14, 6],
    filterShape: [5, 5, 6, 16],
    strides: 1,
    pad: 'valid',
  },
  {
    name: 'batch 1, odd sizes, same',
    xShape: [1, 7, 9, 5],
    filterShape: [3, 3, 5, 7],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'stride 2, same',
    xShape: [2, 9, 8, 3],
    filterShape: [3, 3, 3, 4],
    strides: 2,
    pad: 'same',
  },
  {
    name: 'strides [2, 1], valid, unused last row',
    xShape: [3, 11, 10, 2],
    filterShape: [4, 3, 2, 5],
    strides: [2, 1],
    pad: 'valid',
  },
  {
    name: 'stride 3, even filter, same',
    xShape: [2, 8, 7, 3],
    filterShape: [2, 4, 3, 3],
    strides: 3,
    pad: 'same',
  },
  { name: 'numeric pad', xShape: [2, 6, 6, 3], filterShape: [3, 3, 3, 2], strides: 1, pad: 2 },
  {
    name: 'numeric pad, stride 2, ceil rounding',
    xShape: [2, 8, 8, 3],
    filterShape: [3, 3, 3, 2],
    strides: 2,
    pad: 1,
    dimRoundingMode: 'ceil',
  },
  {
    name: 'explicit asymmetric pad',
    xShape: [2, 7, 6, 3],
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
    name: 'explicit pad wider than the filter',
    xShape: [1, 5, 4, 2],
    filterShape: [2, 2, 2, 3],
    strides: 1,
    pad: [
      [0, 0],
      [3, 1],
      [2, 4],
      [0, 0],
    ],
  },
  {
    name: '1x1 filter, one channel',
    xShape: [3, 5, 5, 1],
    filterShape: [1, 1, 1, 1],
    strides: 1,
    pad: 'valid',
  },
  {
    name: 'NCHW',
    xShape: [2, 3, 7, 6],
    filterShape: [3, 3, 3, 4],
    strides: 1,
    pad: 'same',
    dataFormat: 'NCHW',
  },
  {
    name: 'NCHW, stride 2, explicit pad',
    xShape: [2, 5, 8, 9],
    filterShape: [3, 2, 5, 3],
    strides: 2,
    pad: [
      [0, 0],
      [0, 0],
      [1, 0],
      [2, 1],
    ],
    dataFormat: 'NCHW',
  },
  // Winograd F(4×4, 3×3) on the flipped filter (stride 1, 3×3, padding ≤ 2, channels multiples
  // of 4): its padding is 2 − the forward's on each side.
  {
    name: 'Winograd: same, 15×15 (odd: partial tiles)',
    xShape: [2, 15, 15, 16],
    filterShape: [3, 3, 16, 8],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'Winograd: valid (padding 2 all round), 32 input channels',
    xShape: [3, 10, 12, 32],
    filterShape: [3, 3, 32, 4],
    strides: 1,
    pad: 'valid',
  },
  {
    name: "Winograd: 24 input channels (AirbenchNet's first 3×3 layer: 16 + 8)",
    xShape: [2, 9, 9, 24],
    filterShape: [3, 3, 24, 16],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'Winograd: explicit asymmetric pad up to 2',
    xShape: [2, 7, 6, 16],
    filterShape: [3, 3, 16, 12],
    strides: 1,
    pad: [
      [0, 0],
      [2, 0],
      [1, 2],
      [0, 0],
    ],
  },
];

function dyShapeOf(c: InputGradientCase): number[] {
  return tf.backend_util.computeConv2DInfo(
    c.xShape,
    c.filterShape,
    c.strides,
    1,
    c.pad,
    c.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(c.dataFormat ?? 'NHWC'),
  ).outShape;
}

function inputGradient(c: InputGradientCase, dy: Float32Array, filter: Float32Array) {
  return tf.tidy(() =>
    runKernel(
      tf.Conv2DBackpropInput,
      { dy: tf.tensor(dy, dyShapeOf(c)), filter: tf.tensor4d(filter, c.filterShape) },
      {
        strides: c.strides,
        pad: c.pad,
        dataFormat: c.dataFormat ?? 'NHWC',
        dimRoundingMode: c.dimRoundingMode,
        inputShape: c.xShape,
      },
    ).dataSync(),
  );
}

describe.each(kernelPaths)(
  'Conv2DBackpropInput on wasm matches the cpu backend ($path)',
  ({ simd, relaxed }) => {
    beforeAll(() => useKernelPath(simd, relaxed));
    afterAll(() => useKernelPath(true));

    it.each(cases)('$name', async (c) => {
      const dy = seededValues(
        dyShapeOf(c).reduce((a, b) => a * b),
        3,
      );
      const filter = seededValues(
        c.filterShape.reduce((a, b) => a * b),
        4,
      );
      const { expected, actual } = await runOnCpuThenWasm(() => inputGradient(c, dy, filter));
      expect(actual).toHaveLength(c.xShape.reduce((a, b) => a * b));
      expectClose(actual, expected);
    });
  },
);
