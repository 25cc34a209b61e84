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
import { expectSameBitsOnOneAndTwoThreads } from '../test-support/one-and-two-threads.js';
import { runKernel } from '../test-support/run-kernel.js';

interface ConvCase {
  readonly name: string;
  readonly xShape: [number, number, number, number];
  readonly filterShape: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: tf.Conv2DBackpropFilterAttrs['pad'];
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
  readonly dilations?: number | [number, number];
  readonly dataFormat?: 'NHWC' | 'NCHW';
}

const cases: ConvCase[] = [
  {
    name: 'odd output channels and widths: 7 channels, 3-wide filter, 9 output columns',
    xShape: [2, 11, 11, 3],
    filterShape: [3, 3, 3, 7],
    strides: 1,
    pad: 'valid',
  },
  {
    name: '9-wide filter (two SIMD groups of 4 taps and one more), one channel in and out',
    xShape: [1, 6, 13, 1],
    filterShape: [2, 9, 1, 1],
    strides: 1,
    pad: 'valid',
  },
  {
    name: 'batch 3, wide image, same padding, dilation 3',
    xShape: [3, 9, 21, 2],
    filterShape: [3, 5, 2, 5],
    strides: 1,
    pad: 'same',
    dilations: 3,
  },
  {
    name: 'SimpleCNN conv1',
    xShape: [4, 32, 32, 3],
    filterShape: [5, 5, 3, 6],
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
    name: 'batch 1, odd sizes',
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
    name: 'stride 2, valid',
    xShape: [3, 11, 10, 2],
    filterShape: [4, 3, 2, 5],
    strides: [2, 1],
    pad: 'valid',
  },
  {
    name: 'stride 2, even filter, same',
    xShape: [2, 8, 7, 3],
    filterShape: [2, 4, 3, 3],
    strides: 2,
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
  {
    name: 'dilation 2, same',
    xShape: [2, 9, 9, 3],
    filterShape: [3, 3, 3, 4],
    strides: 1,
    pad: 'same',
    dilations: 2,
  },
  {
    name: 'stride 2 and dilation 2, same',
    xShape: [2, 11, 10, 3],
    filterShape: [3, 2, 3, 4],
    strides: 2,
    pad: 'same',
    dilations: 2,
  },
  {
    name: 'NCHW, dilation 2, valid',
    xShape: [1, 2, 9, 8],
    filterShape: [2, 3, 2, 3],
    strides: 1,
    pad: 'valid',
    dilations: 2,
    dataFormat: 'NCHW',
  },
  {
    name: 'dilation [2, 3], valid',
    xShape: [1, 10, 11, 2],
    filterShape: [2, 3, 2, 3],
    strides: 1,
    pad: 'valid',
    dilations: [2, 3],
  },
  // Channel tiles (≥ 16 input channels, output channels a multiple of 4): whole tiles of 16
  // output channels plus single vectors, an odd input channel left alone, blocks of output rows
  // that end inside an image.
  {
    name: 'channel tiles: 17 → 36 channels, same, batch 3',
    xShape: [3, 9, 7, 17],
    filterShape: [3, 3, 17, 36],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'channel tiles: 24 → 64 channels, 3×2 (3×3 goes by Winograd), a row block ends mid-image',
    xShape: [2, 14, 14, 24],
    filterShape: [3, 2, 24, 64],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'channel tiles: 16 → 8 channels (vectors only), valid, dilation [2, 1]',
    xShape: [2, 10, 9, 16],
    filterShape: [2, 3, 16, 8],
    strides: 1,
    pad: 'valid',
    dilations: [2, 1],
  },
  // Winograd F(3×3, 4×4) (3×3, stride 1, channels multiples of 4): last tiles 1, 2 or 3 wide,
  // several parts summed in order, output channels in blocks of 16 and single vectors.
  {
    name: 'Winograd: 24 → 64 (AirbenchNet), same, 15×15 (partial tiles), 5 parts of 26 tiles',
    xShape: [8, 15, 15, 24],
    filterShape: [3, 3, 24, 64],
    strides: 1,
    pad: 'same',
  },
  {
    name: 'Winograd: 16 → 24 (a block of 16 and 2 vectors), valid 9×8, 2 parts of 18 tiles',
    xShape: [6, 11, 10, 16],
    filterShape: [3, 3, 16, 24],
    strides: 1,
    pad: 'valid',
  },
  {
    name: 'Winograd: explicit asymmetric pad, 4 → 8',
    xShape: [2, 6, 7, 4],
    filterShape: [3, 3, 4, 8],
    strides: 1,
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  },
];

function attrsOf(c: ConvCase, filterShape = c.filterShape) {
  return {
    strides: c.strides,
    pad: c.pad,
    dataFormat: c.dataFormat ?? 'NHWC',
    dimRoundingMode: c.dimRoundingMode,
    dilations: c.dilations,
    filterShape,
  };
}

function outputShapeOf(c: ConvCase): number[] {
  const info = tf.backend_util.computeConv2DInfo(
    c.xShape,
    c.filterShape,
    c.strides,
    c.dilations ?? 1,
    c.pad,
    c.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(c.dataFormat ?? 'NHWC'),
  );
  return info.outShape;
}

function filterGradient(
  c: ConvCase,
  x: Float32Array,
  dy: Float32Array,
  filterShape = c.filterShape,
  dyShape = outputShapeOf(c),
) {
  return tf.tidy(() =>
    runKernel(
      tf.Conv2DBackpropFilter,
      { x: tf.tensor4d(x, c.xShape), dy: tf.tensor(dy, dyShape) },
      attrsOf(c, filterShape),
    ).dataSync(),
  );
}

/**
 * The cpu backend ignores dilations here (tfjs never passes them), so the reference for a
 * dilated case is the gradient of the equivalent undilated filter, with zeros between taps,
 * sampled at the taps.
 */
function cpuReference(c: ConvCase, x: Float32Array, dy: Float32Array): Float32Array {
  const [fh, fw, inC, outC] = c.filterShape;
  const [dh, dw] =
    typeof c.dilations === 'number' ? [c.dilations, c.dilations] : (c.dilations ?? [1, 1]);
  const wideShape: [number, number, number, number] = [
    (fh - 1) * dh + 1,
    (fw - 1) * dw + 1,
    inC,
    outC,
  ];
  const wide = filterGradient(
    { ...c, dilations: 1 },
    x,
    dy,
    wideShape,
    outputShapeOf(c),
  ) as Float32Array;
  const taps = new Float32Array(fh * fw * inC * outC);
  for (let r = 0; r < fh; r++) {
    for (let s = 0; s < fw; s++) {
      const from = (r * dh * wideShape[1] + s * dw) * inC * outC;
      taps.set(wide.subarray(from, from + inC * outC), (r * fw + s) * inC * outC);
    }
  }
  return taps;
}

describe.each(kernelPaths)(
  'Conv2DBackpropFilter on wasm matches the cpu backend ($path)',
  ({ simd, relaxed }) => {
    beforeAll(() => useKernelPath(simd, relaxed));
    afterAll(() => useKernelPath(true));

    it.each(cases)('$name', async (c) => {
      const x = seededValues(
        c.xShape.reduce((a, b) => a * b),
        1,
      );
      const dy = seededValues(
        outputShapeOf(c).reduce((a, b) => a * b),
        2,
      );
      const { expected, actual } = await runOnCpuThenWasm(
        () => cpuReference(c, x, dy),
        () => filterGradient(c, x, dy),
      );
      expectClose(actual, expected);
    });

    it('gives conv2d gradients (the public op path) equal to cpu', async () => {
      const xShape: [number, number, number, number] = [3, 10, 10, 4];
      const filterShape: [number, number, number, number] = [3, 3, 4, 5];
      const x = seededValues(3 * 10 * 10 * 4, 3);
      const filter = seededValues(3 * 3 * 4 * 5, 4);
      const gradients = () =>
        tf.tidy(() => {
          const f = (xs: tf.Tensor, fs: tf.Tensor) =>
            tf.sum(tf.square(tf.conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, 2, 'same')));
          const [dx, dFilter] = tf.grads(f)([
            tf.tensor4d(x, xShape),
            tf.tensor4d(filter, filterShape),
          ]);
          return [dx!.dataSync(), dFilter!.dataSync()];
        });
      await useBackend('cpu');
      const expected = gradients();
      await useBackend('wasm');
      const before = tf.memory().numTensors;
      const actual = gradients();
      expect(tf.memory().numTensors).toBe(before);
      expectClose(actual[0]!, expected[0]!);
      expectClose(actual[1]!, expected[1]!);
    });
  },
);

describe.each(kernelPaths.filter((p) => p.simd))(
  'Conv2DBackpropFilter split on 2 threads gives the bits of 1 thread ($path)',
  ({ relaxed }) => {
    beforeAll(() => useKernelPath(true, relaxed));
    afterAll(() => useKernelPath(true));

    // Planar parts are (input channel, filter row, pair of output channels): 7 output channels
    // leave a single one in the last pair; SimpleCNN's conv1 has only 3 input channels. Channel
    // tile parts are (filter tap, pair of input channels): 17 leaves one alone. Winograd's are
    // fixed ranges of 2×2 dy blocks.
    const splitCases: ConvCase[] = [
      {
        name: 'SimpleCNN conv1 (3 → 6 channels, 5×5)',
        xShape: [8, 32, 32, 3],
        filterShape: [5, 5, 3, 6],
        strides: 1,
        pad: 'valid',
      },
      {
        name: '7 output channels, padding same',
        xShape: [2, 11, 11, 3],
        filterShape: [3, 3, 3, 7],
        strides: 1,
        pad: 'same',
      },
      {
        name: 'Winograd: 16 → 32, 15×15 (parts are ranges of tiles, summed in order)',
        xShape: [4, 15, 15, 16],
        filterShape: [3, 3, 16, 32],
        strides: 1,
        pad: 'same',
      },
      {
        name: 'channel tiles: 17 → 20 channels (parts are a tap and a pair of input channels)',
        xShape: [3, 12, 12, 17],
        filterShape: [3, 3, 17, 20],
        strides: 1,
        pad: 'same',
      },
    ];
    it.each(splitCases)('$name', async (c) => {
      const x = seededValues(
        c.xShape.reduce((a, b) => a * b),
        5,
      );
      const dy = seededValues(
        outputShapeOf(c).reduce((a, b) => a * b),
        6,
      );
      await expectSameBitsOnOneAndTwoThreads(() => [filterGradient(c, x, dy) as Float32Array]);
    });
  },
);
