import { readFileSync } from 'node:fs';
import { decodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';

/**
 * Bytes of a file in src/fixtures, made by PyTorch 1.13; regenerate them from the repository
 * root with `/usr/bin/python3 scripts/pytorch/make_fixtures.py` (deterministic: seed 0).
 */
export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
}

/** PyTorch's input batch (NHWC) and its logits for simple-cnn-weights.safetensors. */
export function readTorchIo(): { images: Float32Array; logits: Float32Array } {
  const { tensors } = decodeSafetensors(readFixture('simple-cnn-io.safetensors'));
  const get = (name: string) => {
    const tensor = tensors.get(name);
    if (!tensor) throw new Error(`simple-cnn-io.safetensors has no "${name}"; regenerate it.`);
    return tensorToFloat32(tensor);
  };
  return { images: get('images_nhwc'), logits: get('logits') };
}
