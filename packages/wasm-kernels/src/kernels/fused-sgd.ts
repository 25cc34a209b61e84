import { type FusedSgdAttrs, fusedSgdKernel } from '@cnnkit/contracts';
import type * as tf from '@tensorflow/tfjs-core';
import { simdKernelsFor } from '../simd/simd-kernels.js';
import { heapFloat32, heapOffset, type WasmBackend } from '../wasm-backend-internals.js';
import { defineWasmFusedKernel } from './define-wasm-kernel.js';
import { requireFloat32 } from './require-float32.js';

const kernelName = fusedSgdKernel.kernelName;

function input(inputs: tf.NamedTensorInfoMap, name: string): tf.TensorInfo {
  return requireFloat32(inputs[name], name, kernelName);
}

/**
 * One SGD step for `count` parameters. Inputs `param{i}`, `grad{i}`, `buffer{i}` (with
 * momentum buffers) and an optional bool scalar `apply`; outputs the new parameters, then the
 * new buffers. When `apply` is false the outputs are copies of the inputs (the trainer's
 * "a loss was not finite" gate). The arithmetic is the unfused ops' float32 arithmetic in the
 * same order (no fused multiply-add), so results are bit-identical to them.
 */
export function fusedSgd(args: {
  readonly inputs: tf.NamedTensorInfoMap;
  readonly backend: WasmBackend;
  readonly attrs: FusedSgdAttrs;
}): tf.TensorInfo[] {
  const { backend } = args;
  const { count, lr, momentum, weightDecay, nesterov, hasBuffers } = args.attrs;
  const gate = args.inputs.apply;
  const apply =
    gate == null || (backend.typedArrayFromHeap(gate) as Uint8Array | Int32Array)[0] !== 0;
  const params: tf.TensorInfo[] = [];
  const grads: tf.TensorInfo[] = [];
  const buffers: tf.TensorInfo[] = [];
  for (let i = 0; i < count; i++) {
    params.push(input(args.inputs, `param${i}`));
    grads.push(input(args.inputs, `grad${i}`));
    if (hasBuffers) buffers.push(input(args.inputs, `buffer${i}`));
  }
  const outParams = params.map((p) => backend.makeOutput([...p.shape], 'float32'));
  const outBuffers = buffers.map((b) => backend.makeOutput([...b.shape], 'float32'));
  // Offsets are stable across allocations (only views detach), so take them after allocating.
  const simd = simdKernelsFor(backend);
  for (let i = 0; i < count; i++) {
    const param = params[i] as tf.TensorInfo;
    const outParam = outParams[i] as tf.TensorInfo;
    const size = param.shape.reduce((a, b) => a * b, 1);
    if (!apply) {
      copy(backend, param, outParam);
      if (hasBuffers) copy(backend, buffers[i] as tf.TensorInfo, outBuffers[i] as tf.TensorInfo);
      continue;
    }
    const grad = grads[i] as tf.TensorInfo;
    const buffer = hasBuffers ? (buffers[i] as tf.TensorInfo) : param;
    const outBuffer = hasBuffers ? (outBuffers[i] as tf.TensorInfo) : outParam;
    if (simd) {
      simd.sgdStep(
        {
          param: heapOffset(backend, param),
          grad: heapOffset(backend, grad),
          buffer: heapOffset(backend, buffer),
          outParam: heapOffset(backend, outParam),
          outBuffer: heapOffset(backend, outBuffer),
          n: size,
          lr,
          momentum,
          weightDecay,
          hasBuffer: hasBuffers ? 1 : 0,
          nesterov: nesterov ? 1 : 0,
        },
        { parts: Math.ceil(size / 4), work: size },
      );
    } else {
      sgdStepJs(backend, { param, grad, buffer, outParam, outBuffer }, args.attrs);
    }
  }
  return [...outParams, ...outBuffers];
}

function copy(backend: WasmBackend, from: tf.TensorInfo, to: tf.TensorInfo): void {
  heapFloat32(backend, to).set(heapFloat32(backend, from));
}

/** The SIMD kernel's arithmetic in JavaScript; `Math.fround` after each operation keeps it float32. */
function sgdStepJs(
  backend: WasmBackend,
  t: Record<'param' | 'grad' | 'buffer' | 'outParam' | 'outBuffer', tf.TensorInfo>,
  attrs: FusedSgdAttrs,
): void {
  const f = Math.fround;
  const lr = f(attrs.lr);
  const momentum = f(attrs.momentum);
  const weightDecay = f(attrs.weightDecay);
  const p = heapFloat32(backend, t.param);
  const g = heapFloat32(backend, t.grad);
  const b = heapFloat32(backend, t.buffer);
  const outP = heapFloat32(backend, t.outParam);
  const outB = heapFloat32(backend, t.outBuffer);
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    let d = g[i] as number;
    if (weightDecay !== 0) d = f(d + f(pi * weightDecay));
    if (attrs.hasBuffers) {
      const next = f(f((b[i] as number) * momentum) + d);
      outB[i] = next;
      d = attrs.nesterov ? f(d + f(next * momentum)) : next;
    }
    outP[i] = f(pi - f(d * lr));
  }
}

/** The fused SGD step of `@cnnkit/contracts` (used by `@cnnkit/trainer`'s SgdOptimizer). */
export const fusedSgdConfig = defineWasmFusedKernel(fusedSgdKernel, fusedSgd);
