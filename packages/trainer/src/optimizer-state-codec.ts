import type { ResolvedSgdConfig } from '@cnnkit/contracts';
import { decodeSafetensors, encodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';
import type { MomentumBufferValues } from './sgd-optimizer.js';

const FORMAT = 'cnnkit-sgd/1';

/**
 * Encodes SGD momentum buffers as safetensors: one F32 tensor per parameter, named like the
 * parameter (PyTorch's `state[param]['momentum_buffer']`), with the SGD settings as metadata
 * in torch's spelling so the file reads naturally next to a PyTorch optimizer state.
 */
export function encodeOptimizerState(
  buffers: ReadonlyMap<string, MomentumBufferValues>,
  config: ResolvedSgdConfig,
): Uint8Array {
  const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  for (const [name, { shape, values }] of buffers) {
    tensors[name] = { dtype: 'F32', shape: [...shape], data: values };
  }
  return encodeSafetensors(tensors, {
    format: FORMAT,
    optimizer: 'SGD',
    lr: String(config.lr),
    momentum: String(config.momentum),
    weight_decay: String(config.weightDecay),
    nesterov: String(config.nesterov),
    dampening: '0',
    // torch's param_groups differ in lr and weight_decay only; state.json has them too.
    ...(config.groups ? { groups: JSON.stringify(config.groups) } : {}),
  });
}

/** Inverse of {@link encodeOptimizerState}; `source` names the bytes in error messages. */
export function decodeOptimizerState(
  bytes: Uint8Array,
  source: string,
): Map<string, MomentumBufferValues> {
  const decoded = decodeSafetensors(bytes, source);
  const format = decoded.metadata?.format;
  if (format !== FORMAT) {
    throw new Error(
      `${source} is not a cnnkit SGD state: metadata format is ${JSON.stringify(format)}, expected "${FORMAT}".`,
    );
  }
  const buffers = new Map<string, MomentumBufferValues>();
  for (const [name, tensor] of decoded.tensors) {
    if (tensor.dtype !== 'F32') {
      throw new Error(
        `${source}: momentum buffer "${name}" has dtype ${tensor.dtype}, expected F32.`,
      );
    }
    const values = tensorToFloat32(tensor);
    buffers.set(name, { shape: [...tensor.shape], values });
  }
  return buffers;
}
