import { readFileSync } from 'node:fs';
import {
  decodeSafetensors,
  tensorToBigInt64,
  tensorToFloat32,
  tensorValues,
} from '@cnnkit/safetensors';

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

/** The tensors of one fixture file, by name, in the types tests compare with. */
export interface FixtureTensors {
  readonly metadata: Readonly<Record<string, string>>;
  has(name: string): boolean;
  shape(name: string): number[];
  f32(name: string): Float32Array;
  f64(name: string): Float64Array;
  /** Integer tensors (I64, I32) as numbers. */
  ints(name: string): number[];
}

/** Opens a fixture file; a missing tensor throws with the file's name and the regenerate command. */
export function fixtureTensors(file: string): FixtureTensors {
  return fixtureTensorsFromBytes(readFixture(file), file);
}

/** {@link fixtureTensors} for safetensors bytes from elsewhere (`file` names them in errors). */
export function fixtureTensorsFromBytes(bytes: Uint8Array, file: string): FixtureTensors {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  const get = (name: string) => {
    const tensor = tensors.get(name);
    if (!tensor) {
      throw new Error(
        `${file} has no "${name}"; regenerate the fixtures (scripts/pytorch/make_*_fixtures.py).`,
      );
    }
    return tensor;
  };
  return {
    metadata,
    has: (name) => tensors.has(name),
    shape: (name) => [...get(name).shape],
    f32: (name) => tensorToFloat32(get(name)),
    f64: (name) => {
      const values = tensorValues(get(name));
      return values instanceof Float64Array ? values : Float64Array.from(values as Float32Array);
    },
    ints: (name) => {
      const tensor = get(name);
      return tensor.dtype === 'I64'
        ? Array.from(tensorToBigInt64(tensor), Number)
        : Array.from(tensorValues(tensor) as ArrayLike<number>);
    },
  };
}
