import { decodeSafetensors, tensorToBigInt64, tensorToFloat32 } from '@cnnkit/safetensors';
import { describe, expect, it } from 'vitest';
import { onnxModelProto } from './onnx-codec.js';
import { weightsFromOnnx } from './onnx-import.js';
import { onnxTensor } from './onnx-nodes.js';

async function onnxFile(graph: Record<string, unknown>, metadata: Record<string, string> = {}) {
  const ModelProto = await onnxModelProto();
  return ModelProto.encode(
    ModelProto.fromObject({
      ir_version: 8,
      opset_import: [{ domain: '', version: 17 }],
      graph,
      metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    }),
  ).finish();
}

describe('weightsFromOnnx', () => {
  it('transposes linear weights stored [in, out] (Gemm without transB, MatMul) to PyTorch’s [out, in]', async () => {
    const bytes = await onnxFile({
      node: [
        { op_type: 'Gemm', input: ['x', 'fc.weight', 'fc.bias'], output: ['y'] },
        { op_type: 'MatMul', input: ['y', 'head.weight'], output: ['z'] },
      ],
      initializer: [
        onnxTensor('fc.weight', [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6)),
        onnxTensor('fc.bias', [3], Float32Array.of(7, 8, 9)),
        onnxTensor('head.weight', [3, 1], Float32Array.of(1, 2, 3)),
      ],
    });
    const { tensors, metadata } = decodeSafetensors(await weightsFromOnnx(bytes));
    expect(metadata).toEqual({ format: 'pt' });
    const fc = tensors.get('fc.weight');
    expect(fc?.shape).toEqual([3, 2]);
    expect(Array.from(tensorToFloat32(fc!))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(tensorToFloat32(tensors.get('fc.bias')!))).toEqual([7, 8, 9]);
    expect(tensors.get('head.weight')?.shape).toEqual([1, 3]);
  });

  it('adds num_batches_tracked for each BatchNormalization: from cnnkit’s metadata, else 0', async () => {
    const vector = (name: string) => onnxTensor(name, [2], Float32Array.of(1, 2));
    const graph = {
      node: [
        {
          op_type: 'BatchNormalization',
          input: ['x', 'a.bn.weight', 'a.bn.bias', 'a.bn.running_mean', 'a.bn.running_var'],
          output: ['y'],
        },
        {
          op_type: 'BatchNormalization',
          input: ['y', 'b.weight', 'b.bias', 'b.running_mean', 'b.running_var'],
          output: ['z'],
        },
      ],
      initializer: ['a.bn', 'b'].flatMap((p) =>
        ['weight', 'bias', 'running_mean', 'running_var'].map((n) => vector(`${p}.${n}`)),
      ),
    };
    const counted = await weightsFromOnnx(
      await onnxFile(graph, {
        output: 'logits',
        'cnnkit.model_name': 'tiny',
        'cnnkit.classes': '["a","b"]',
        'cnnkit.batch_counts': '{"a.bn.num_batches_tracked":12}',
      }),
    );
    const { tensors, metadata } = decodeSafetensors(counted);
    expect(metadata).toEqual({
      format: 'pt',
      'cnnkit.model_name': 'tiny',
      'cnnkit.classes': '["a","b"]',
    });
    expect(tensors.size).toBe(10);
    expect(tensors.get('a.bn.num_batches_tracked')?.dtype).toBe('I64');
    expect(Array.from(tensorToBigInt64(tensors.get('a.bn.num_batches_tracked')!))).toEqual([12n]);
    expect(Array.from(tensorToBigInt64(tensors.get('b.num_batches_tracked')!))).toEqual([0n]);
  });

  it('says what is wrong with a file that is not an ONNX classifier', async () => {
    await expect(weightsFromOnnx(Uint8Array.of(0xff, 0xff, 0xff), 'photo.jpg')).rejects.toThrow(
      /^photo\.jpg is not an ONNX model \(.+\); export it again\.$/,
    );
    await expect(
      weightsFromOnnx(
        await onnxFile({ node: [{ op_type: 'Relu', input: ['x'], output: ['y'] }] }),
        'relu.onnx',
      ),
    ).rejects.toThrow(
      'relu.onnx has no Conv, Gemm, MatMul or BatchNormalization weights to import.',
    );
    const damaged = await onnxFile({
      node: [{ op_type: 'Conv', input: ['x', 'w'], output: ['y'] }],
      initializer: [onnxTensor('w', [2, 2], Float32Array.of(1, 2, 3))],
    });
    await expect(weightsFromOnnx(damaged, 'cut.onnx')).rejects.toThrow(
      'cut.onnx: weight w holds 3 values for shape [2, 2]; the file is damaged.',
    );
  });
});
