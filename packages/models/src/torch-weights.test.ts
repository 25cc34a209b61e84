import {
  decodeSafetensors,
  encodeSafetensors,
  tensorToBigInt64,
  tensorToFloat32,
} from '@cnnkit/safetensors';
import { describe, expect, it } from 'vitest';
import { batchCountLayout, biasLayout, linearWeightLayout } from './parameter-layouts.js';
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

  it("writes I64 layouts as PyTorch's int64 and reads I64 or I32 back", () => {
    const count = batchCountLayout('bn.num_batches_tracked');
    const bytes = encodeTorchWeights([count], [new Float32Array([12345])], {});
    const tensor = decodeSafetensors(bytes).tensors.get('bn.num_batches_tracked');
    expect(tensor?.dtype).toBe('I64');
    expect(tensor?.shape).toEqual([]);
    expect(Array.from(tensorToBigInt64(tensor as NonNullable<typeof tensor>))).toEqual([12345n]);
    expect(decodeTorchWeights(bytes, [count], 'Tiny')).toEqual([new Float32Array([12345])]);
    const asInt32 = encodeSafetensors({
      'bn.num_batches_tracked': { dtype: 'I32', shape: [], data: new Int32Array([9]) },
    });
    expect(decodeTorchWeights(asInt32, [count], 'Tiny')).toEqual([new Float32Array([9])]);
  });

  it('rejects a float tensor where PyTorch keeps an integer count, and the reverse', () => {
    const count = batchCountLayout('bn.num_batches_tracked');
    const bias = biasLayout('bn.bias', { size: 1, fanIn: 1 });
    const swapped = encodeSafetensors({
      'bn.num_batches_tracked': { dtype: 'F32', shape: [], data: new Float32Array([1]) },
      'bn.bias': { dtype: 'I64', shape: [1], data: new BigInt64Array([1n]) },
    });
    expect(() => decodeTorchWeights(swapped, [count, bias], 'Tiny')).toThrow(
      /bn\.num_batches_tracked: expected dtype I64, I32, found F32\n.*bn\.bias: expected dtype F32, F64, F16, BF16, found I64/s,
    );
  });

  it('runs its TSDoc examples', () => {
    const layout = biasLayout('fc.bias', { size: 2, fanIn: 4 });
    const bytes = encodeTorchWeights([layout], [new Float32Array([0.5, -0.5])], { format: 'pt' });
    const [bias] = decodeTorchWeights(bytes, [layout], 'MyNet');
    expect(Array.from(bias as Float32Array)).toEqual([0.5, -0.5]);
  });
});
