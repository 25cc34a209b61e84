import { decodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';
import { describe, expect, it } from 'vitest';
import { biasLayout, linearWeightLayout } from './parameter-layouts.js';
import { decodeTorchWeights, encodeTorchWeights, WeightsMismatchError } from './torch-weights.js';

const layouts = [
  linearWeightLayout('fc.weight', { inFeatures: 2, outFeatures: 3 }),
  biasLayout('fc.bias', { size: 3, fanIn: 2 }),
];

describe('encodeTorchWeights / decodeTorchWeights', () => {
  it('writes PyTorch layouts and reads them back into tfjs layouts', () => {
    const weight = new Float32Array([1, 2, 3, 4, 5, 6]); // tfjs [in=2, out=3]
    const bias = new Float32Array([7, 8, 9]);
    const bytes = encodeTorchWeights(layouts, [weight, bias], { format: 'pt' });
    const file = decodeSafetensors(bytes);
    const fcWeight = file.tensors.get('fc.weight');
    expect(fcWeight?.shape).toEqual([3, 2]);
    expect(Array.from(tensorToFloat32(fcWeight as NonNullable<typeof fcWeight>))).toEqual([
      1, 4, 2, 5, 3, 6,
    ]);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(decodeTorchWeights(bytes, layouts, 'Tiny')).toEqual([weight, bias]);
  });

  it('throws a WeightsMismatchError carrying each problem', () => {
    const bytes = encodeTorchWeights(
      [layouts[1] as (typeof layouts)[number]],
      [new Float32Array(3)],
      {},
    );
    let error: unknown;
    try {
      decodeTorchWeights(bytes, layouts, 'Tiny');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeightsMismatchError);
    expect((error as WeightsMismatchError).problems).toEqual([
      'fc.weight: missing (expected shape [3, 2])',
    ]);
    expect((error as Error).message).toMatch(
      /^These weights do not fit Tiny \(1 problem\):\n {2}- fc\.weight/,
    );
  });

  it('runs its TSDoc examples', () => {
    const layout = biasLayout('fc.bias', { size: 2, fanIn: 4 });
    const bytes = encodeTorchWeights([layout], [new Float32Array([0.5, -0.5])], { format: 'pt' });
    const [bias] = decodeTorchWeights(bytes, [layout], 'MyNet');
    expect(Array.from(bias as Float32Array)).toEqual([0.5, -0.5]);
  });
});
