import { geluGradKernel, geluKernel } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { heapFloat32, heapOffset, type WasmBackend } from '../wasm-backend-internals.js';
import { defineWasmFusedKernel } from './define-wasm-kernel.js';
import { requireFloat32 } from './require-float32.js';

/**
 * Φ(x) and the density φ(x) in plain JavaScript (no SIMD module), with the SIMD kernel's
 * formula: Abramowitz & Stegun 7.1.26 for erfc(|x|/√2), as tfjs's cpu `erf` does.
 */
function normalCdfAndDensity(x: number): [cdf: number, density: number] {
  const z = Math.abs(x) * Math.SQRT1_2;
  const t = 1 / (1 + 0.3275911 * z);
  const gauss = Math.exp(-0.5 * x * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const halfErfc = 0.5 * poly * gauss;
  return [
    x >= 0 ? 1 - halfErfc : Number.isNaN(x) ? Number.NaN : halfErfc,
    gauss / Math.sqrt(2 * Math.PI),
  ];
}

/** y = x·Φ(x), the exact GELU of torch.nn.GELU(). */
export function gelu(args: {
  readonly inputs: { readonly x?: tf.TensorInfo };
  readonly backend: WasmBackend;
}): tf.TensorInfo {
  const { backend } = args;
  const x = requireFloat32(args.inputs.x, 'x', geluKernel.kernelName);
  const y = backend.makeOutput([...x.shape], 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  const simd = simdKernelsFor(backend);
  if (simd != null) {
    simd.gelu(
      { x: heapOffset(backend, x), y: heapOffset(backend, y), n },
      // exp, erfc and the division are worth about 40 multiply-adds per value.
      { parts: Math.ceil(n / 4), work: 40 * n },
    );
    return y;
  }
  const xs = heapFloat32(backend, x);
  const ys = heapFloat32(backend, y);
  for (let i = 0; i < n; i++) {
    const v = xs[i] as number;
    ys[i] = v * normalCdfAndDensity(v)[0];
  }
  return y;
}

/** dx = dy·(Φ(x) + x·φ(x)). */
export function geluGrad(args: {
  readonly inputs: { readonly dy?: tf.TensorInfo; readonly x?: tf.TensorInfo };
  readonly backend: WasmBackend;
}): tf.TensorInfo {
  const { backend } = args;
  const kernelName = geluGradKernel.kernelName;
  const dy = requireFloat32(args.inputs.dy, 'dy', kernelName);
  const x = requireFloat32(args.inputs.x, 'x', kernelName);
  if (dy.shape.join() !== x.shape.join()) {
    throw new Error(`${kernelName}: dy [${dy.shape}] and x [${x.shape}] must have the same shape.`);
  }
  const dx = backend.makeOutput([...x.shape], 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  const simd = simdKernelsFor(backend);
  if (simd != null) {
    simd.geluGrad(
      { dy: heapOffset(backend, dy), x: heapOffset(backend, x), dx: heapOffset(backend, dx), n },
      { parts: Math.ceil(n / 4), work: 40 * n },
    );
    return dx;
  }
  const gs = heapFloat32(backend, dy);
  const xs = heapFloat32(backend, x);
  const dxs = heapFloat32(backend, dx);
  for (let i = 0; i < n; i++) {
    const v = xs[i] as number;
    const [cdf, density] = normalCdfAndDensity(v);
    dxs[i] = (gs[i] as number) * (cdf + v * density);
  }
  return dx;
}

/** The fused GELU of `@cnnkit/contracts` (used by `@cnnkit/models`' gelu). */
export const geluConfig = defineWasmFusedKernel(geluKernel, (args) => [gelu(args)]);

/** Its gradient. */
export const geluGradConfig = defineWasmFusedKernel(geluGradKernel, (args) => [geluGrad(args)]);
