import '@cnnkit/tfjs-gradients';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectClose,
  kernelPaths,
  runOnCpuThenWasm,
  seededValues,
  useKernelPath,
} from '../test-support/compare-backends.js';
import { expectSameBitsOnOneAndTwoThreads } from '../test-support/one-and-two-threads.js';
import { runKernel } from '../test-support/run-kernel.js';

type Shape4 = [number, number, number, number];

/**
 * Every product of a 'same' 3×3 convolution, NHWC: `visit(x index, first output index, first
 * filter index)` for each output pixel, tap and input channel (the output channels follow).
 */
function forEachProduct(
  xShape: Shape4,
  outC: number,
  visit: (xAt: number, outAt: number, wAt: number) => void,
): void {
  const [batch, height, width, inC] = xShape;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < height; oh++) {
      for (let ow = 0; ow < width; ow++) {
        for (let fh = 0; fh < 3; fh++) {
          const ih = oh + fh - 1;
          if (ih < 0 || ih >= height) continue;
          for (let fw = 0; fw < 3; fw++) {
            const iw = ow + fw - 1;
            if (iw < 0 || iw >= width) continue;
            for (let ci = 0; ci < inC; ci++) {
              visit(
                ((b * height + ih) * width + iw) * inC + ci,
                ((b * height + oh) * width + ow) * outC,
                ((fh * 3 + fw) * inC + ci) * outC,
              );
            }
          }
        }
      }
    }
  }
}

/** The convolution summed in float64: the reference both float32 runs miss. */
function directInFloat64(x: Float32Array, xShape: Shape4, w: Float32Array, outC: number) {
  const out = new Float64Array(xShape[0] * xShape[1] * xShape[2] * outC);
  forEachProduct(xShape, outC, (xAt, outAt, wAt) => {
    const xv = x[xAt] as number;
    for (let co = 0; co < outC; co++) {
      out[outAt + co] = (out[outAt + co] as number) + xv * (w[wAt + co] as number);
    }
  });
  return out;
}

/** Its filter gradient, summed in float64. */
function filterGradientInFloat64(x: Float32Array, xShape: Shape4, dy: Float32Array, outC: number) {
  const dw = new Float64Array(9 * xShape[3] * outC);
  forEachProduct(xShape, outC, (xAt, outAt, wAt) => {
    const xv = x[xAt] as number;
    for (let co = 0; co < outC; co++) {
      dw[wAt + co] = (dw[wAt + co] as number) + xv * (dy[outAt + co] as number);
    }
  });
  return dw;
}

function largestError(actual: Float32Array, exact: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < exact.length; i++) {
    worst = Math.max(worst, Math.abs((actual[i] as number) - (exact[i] as number)));
  }
  return worst;
}

const conv = (x: Float32Array, xShape: Shape4, w: Float32Array, wShape: Shape4) => () =>
  tf.tidy(
    () =>
      tf
        .conv2d(tf.tensor4d(x, xShape), tf.tensor4d(w, wShape), 1, 'same')
        .dataSync() as Float32Array,
  );

const inputGradient = (dy: Float32Array, xShape: Shape4, w: Float32Array, wShape: Shape4) => () =>
  tf.tidy(
    () =>
      tf
        .conv2dTranspose(
          tf.tensor4d(dy, [xShape[0], xShape[1], xShape[2], wShape[3]]),
          tf.tensor4d(w, wShape),
          xShape,
          1,
          'same',
        )
        .dataSync() as Float32Array,
  );

const filterGradient = (x: Float32Array, xShape: Shape4, dy: Float32Array, wShape: Shape4) => () =>
  tf.tidy(
    () =>
      runKernel(
        tf.Conv2DBackpropFilter,
        {
          x: tf.tensor4d(x, xShape),
          dy: tf.tensor4d(dy, [xShape[0], xShape[1], xShape[2], wShape[3]]),
        },
        { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: wShape },
      ).dataSync() as Float32Array,
  );

describe.each(kernelPaths.filter((p) => p.simd))(
  'Winograd convolutions: F(4×4, 3×3) forward and input gradient, F(3×3, 4×4) filter gradient ($path)',
  ({ relaxed }) => {
    beforeAll(() => useKernelPath(true, relaxed));
    afterAll(() => useKernelPath(true));

    it("rounds within F(4×4, 3×3)'s float32 error (AirbenchNet 128 → 128 at 8×8)", async () => {
      const xShape: Shape4 = [2, 8, 8, 128];
      const wShape: Shape4 = [3, 3, 128, 128];
      const x = seededValues(2 * 8 * 8 * 128, 1);
      const w = seededValues(3 * 3 * 128 * 128, 2);
      const exact = directInFloat64(x, xShape, w, 128);
      const { expected, actual } = await runOnCpuThenWasm(conv(x, xShape, w, wShape));
      const scale = exact.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const direct = largestError(expected, exact);
      const winograd = largestError(actual, exact);
      console.log(
        `largest error / largest output: direct float32 (cpu) ${(direct / scale).toExponential(2)}, Winograd (wasm) ${(winograd / scale).toExponential(2)}`,
      );
      // The transforms' constants (up to 8 in Aᵀ, 1/24 in G) cost about ten direct roundings:
      // the same transforms in numpy float32 err by 9.9e-6 of the largest output here, direct
      // float32 by 9.9e-7. A wrong sign or coefficient errs by whole values.
      expect(winograd).toBeLessThanOrEqual(1.5e-5 * scale);
    });

    it("sums the filter gradient within F(3×3, 4×4)'s float32 error (64 → 64, 8 images at 8×8)", async () => {
      const xShape: Shape4 = [8, 8, 8, 64];
      const wShape: Shape4 = [3, 3, 64, 64];
      const x = seededValues(8 * 8 * 8 * 64, 8);
      const dy = seededValues(8 * 8 * 8 * 64, 9);
      const exact = filterGradientInFloat64(x, xShape, dy, 64);
      const { expected, actual } = await runOnCpuThenWasm(filterGradient(x, xShape, dy, wShape));
      const scale = exact.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const direct = largestError(expected, exact);
      const winograd = largestError(actual, exact);
      console.log(
        `filter gradient, largest error / largest value: direct float32 (cpu) ${(direct / scale).toExponential(2)}, Winograd (wasm) ${(winograd / scale).toExponential(2)}`,
      );
      // 2⁻²³ ≈ 1.2e-7 is one rounding of the largest value; the transforms' constants (up to 8
      // in A, 1/24 in Gᵀ) cost tens: the same sums in numpy float32 err by 5.9e-6 of the
      // largest value. A wrong sign or coefficient errs by whole values.
      expect(winograd).toBeLessThanOrEqual(1e-5 * scale);
    });

    it('keeps a NaN input within the output tiles whose 6×6 patches hold it', async () => {
      const xShape: Shape4 = [1, 12, 12, 16];
      const wShape: Shape4 = [3, 3, 16, 16];
      const x = seededValues(12 * 12 * 16, 3);
      x[(5 * 12 + 5) * 16] = Number.NaN; // row 5, column 5, channel 0
      const w = seededValues(3 * 3 * 16 * 16, 4);
      const { expected, actual } = await runOnCpuThenWasm(conv(x, xShape, w, wShape));
      // Direct convolution: rows and columns 4–6. Tiles of 4×4 outputs read padded rows
      // 4·t .. 4·t + 5, which hold input row 5 (padded row 6) for tile 1 only: output rows and
      // columns 4–7.
      const inTiles = (i: number) => {
        const pixel = Math.floor(i / 16);
        const [row, column] = [Math.floor(pixel / 12), pixel % 12];
        return row >= 4 && row <= 7 && column >= 4 && column <= 7;
      };
      for (let i = 0; i < expected.length; i++) {
        if (Number.isNaN(expected[i])) expect(actual[i]).toBeNaN();
        if (!inTiles(i)) expect(Number.isFinite(actual[i])).toBe(true);
      }
      const outside = (values: Float32Array) => values.map((v, i) => (inTiles(i) ? 0 : v));
      expectClose(outside(actual), outside(expected), 1e-5);
    });

    it('gives empty results for an empty batch', async () => {
      const xShape: Shape4 = [0, 6, 6, 8];
      const wShape: Shape4 = [3, 3, 8, 16];
      const w = seededValues(3 * 3 * 8 * 16, 10);
      const empty = new Float32Array(0);
      const { actual } = await runOnCpuThenWasm(() => [
        conv(empty, xShape, w, wShape)(),
        inputGradient(empty, xShape, w, wShape)(),
        filterGradient(empty, xShape, empty, wShape)(),
      ]);
      expect(actual.map((values) => values.length)).toEqual([0, 0, 9 * 8 * 16]);
      expect(actual[2]?.every((v) => v === 0)).toBe(true);
    });

    it('gives the bits of 1 thread on 2: forward, input and filter gradients', async () => {
      const xShape: Shape4 = [4, 15, 15, 16];
      const wShape: Shape4 = [3, 3, 16, 32];
      const x = seededValues(4 * 15 * 15 * 16, 5);
      const w = seededValues(3 * 3 * 16 * 32, 6);
      const dy = seededValues(4 * 15 * 15 * 32, 7);
      await expectSameBitsOnOneAndTwoThreads(
        () => [
          conv(x, xShape, w, wShape)(),
          inputGradient(dy, xShape, w, wShape)(),
          filterGradient(x, xShape, dy, wShape)(),
        ],
        3,
      );
    });
  },
);
