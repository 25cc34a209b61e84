import { decodeSafetensors } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AirbenchNet } from '../airbench-net.js';
import { createModel } from '../model-registry.js';
import { useBackend } from '../test-support/backends.js';
import { maxAbsDiff, valuesOf } from '../test-support/compare.js';
import { CI_MODELS } from '../test-support/export-acceptance.js';
import { onnxRuntimeScores } from '../test-support/runtimes.js';
import { readWeightsInfo } from '../weights-info.js';
import { onnxModelProto } from './onnx-codec.js';
import { exportOnnx, ONNX_OPSET } from './onnx-export.js';
import { weightsFromOnnx } from './onnx-import.js';

interface Decoded {
  ir_version: number;
  producer_name: string;
  opset_import: { domain?: string; version: number }[];
  graph: {
    node: { op_type: string; input: string[]; output: string[] }[];
    initializer: { name: string; dims: number[] }[];
    input: { name: string; type: { tensor_type: { shape: { dim: Record<string, unknown>[] } } } }[];
    output: { name: string }[];
  };
  metadata_props: { key: string; value: string }[];
}

async function decode(bytes: Uint8Array): Promise<Decoded> {
  const ModelProto = await onnxModelProto();
  return ModelProto.toObject(ModelProto.decode(bytes), {
    longs: Number,
    arrays: true,
  }) as Decoded;
}

const metadataOf = (model: Decoded) =>
  Object.fromEntries(model.metadata_props.map((p) => [p.key, p.value]));

let tensorsBefore = 0;
beforeEach(async () => {
  await useBackend('cpu');
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

describe('exportOnnx', () => {
  it('writes opset 17, IR version 8, NCHW input `images` with a free batch size, output `logits`', async () => {
    const model = createModel('simple-cnn', { seed: 0 });
    const onnx = await decode(await exportOnnx(model));
    model.dispose();
    expect(ONNX_OPSET).toBe(17);
    expect(onnx.ir_version).toBe(8);
    expect(onnx.producer_name).toBe('cnnkit');
    expect(onnx.opset_import).toEqual([{ domain: '', version: 17 }]);
    expect(onnx.graph.input.map((i) => i.name)).toEqual(['images']);
    expect(onnx.graph.input[0]?.type.tensor_type.shape.dim).toEqual([
      { dim_param: 'batch' },
      { dim_value: 3 },
      { dim_value: 32 },
      { dim_value: 32 },
    ]);
    expect(onnx.graph.output.map((o) => o.name)).toEqual(['logits']);
  });

  it("spells out SimpleCNN like PyTorch's exporter does, weights under their state_dict names", async () => {
    const model = createModel('simple-cnn', { seed: 0 });
    const onnx = await decode(await exportOnnx(model));
    model.dispose();
    expect(onnx.graph.node.map((n) => n.op_type)).toEqual([
      'Conv',
      'Relu',
      'MaxPool',
      'Conv',
      'Relu',
      'MaxPool',
      'Flatten',
      'Gemm',
      'Relu',
      'Gemm',
      'Relu',
      'Gemm',
    ]);
    expect(onnx.graph.initializer.map((t) => [t.name, t.dims])).toEqual([
      ['conv1.weight', [6, 3, 5, 5]],
      ['conv1.bias', [6]],
      ['conv2.weight', [16, 6, 5, 5]],
      ['conv2.bias', [16]],
      ['fc1.weight', [120, 400]],
      ['fc1.bias', [120]],
      ['fc2.weight', [84, 120]],
      ['fc2.bias', [84]],
      ['fc3.weight', [10, 84]],
      ['fc3.bias', [10]],
    ]);
  });

  it('keeps BatchNorm as BatchNormalization nodes and GELU as Erf, one per use', async () => {
    const airbench = createModel('airbench', { seed: 0, widths: [8, 8, 8] });
    const resnet = createModel('resnet9', {
      seed: 0,
      widths: { prep: 4, layer1: 4, layer2: 4, layer3: 4 },
    });
    const count = (model: Decoded, op: string) =>
      model.graph.node.filter((n) => n.op_type === op).length;
    const a = await decode(await exportOnnx(airbench));
    const r = await decode(await exportOnnx(resnet));
    airbench.dispose();
    resnet.dispose();
    expect([count(a, 'BatchNormalization'), count(a, 'Erf'), count(a, 'GlobalMaxPool')]).toEqual([
      6, 7, 1,
    ]);
    expect([count(r, 'BatchNormalization'), count(r, 'Relu'), count(r, 'Add')]).toEqual([8, 8, 2]);
    expect(r.graph.initializer.map((t) => t.name)).toContain('layer1.residual.res2.bn.running_var');
    expect(r.graph.initializer.map((t) => t.name)).not.toContain('prep.bn.num_batches_tracked');
  });

  it('writes class names, preprocessing and the model’s name and options into metadata_props', async () => {
    const model = createModel('airbench', { seed: 0, numClasses: 3, widths: [8, 8, 8] });
    const names = ['cat', 'dog', 'other'];
    const normalize = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };
    const metadata = metadataOf(
      await decode(
        await exportOnnx(model, {
          classNames: names,
          normalization: normalize,
          resize: 'shorter-side',
          cnnkitVersion: '9.8.7',
        }),
      ),
    );
    model.dispose();
    expect(Object.keys(metadata)).toEqual([
      'output',
      'preprocessing',
      'cnnkit.model_name',
      'cnnkit.model_options',
      'cnnkit.classes',
      'cnnkit.input_shape',
      'cnnkit.normalize',
      'cnnkit.resize',
      'cnnkit.version',
      'cnnkit.batch_counts',
    ]);
    expect(metadata.output).toBe('logits');
    expect(JSON.parse(metadata.preprocessing ?? '')).toEqual({
      layout: 'NCHW',
      height: 32,
      width: 32,
      channels: 3,
      ...normalize,
      formula: '(pixel / 255 - mean[c]) / std[c]',
    });
    expect(metadata['cnnkit.model_name']).toBe('airbench');
    expect(JSON.parse(metadata['cnnkit.model_options'] ?? '')).toMatchObject({
      numClasses: 3,
      widths: [8, 8, 8],
      outputScale: 1 / 9,
    });
    expect(JSON.parse(metadata['cnnkit.classes'] ?? '')).toEqual(names);
    expect(JSON.parse(metadata['cnnkit.input_shape'] ?? '')).toEqual([32, 32, 3]);
    expect(JSON.parse(metadata['cnnkit.normalize'] ?? '')).toEqual(normalize);
    // Plain strings, as in the weights files' __metadata__.
    expect(metadata['cnnkit.resize']).toBe('shorter-side');
    expect(metadata['cnnkit.version']).toBe('9.8.7');
    expect(JSON.parse(metadata['cnnkit.batch_counts'] ?? '')).toEqual({
      'layers.0.norm1.num_batches_tracked': 0,
      'layers.0.norm2.num_batches_tracked': 0,
      'layers.1.norm1.num_batches_tracked': 0,
      'layers.1.norm2.num_batches_tracked': 0,
      'layers.2.norm1.num_batches_tracked': 0,
      'layers.2.norm2.num_batches_tracked': 0,
    });
  });

  it('carries a weights file’s resize policy and version through export and weightsFromOnnx', async () => {
    const model = createModel('simple-cnn', { seed: 0, numClasses: 2 });
    const onnx = await exportOnnx(model, {
      classNames: ['cat', 'dog'],
      resize: 'shorter-side',
      cnnkitVersion: '1.2.3',
    });
    model.dispose();
    const info = readWeightsInfo(decodeSafetensors(await weightsFromOnnx(onnx)).metadata);
    expect([info.resize, info.cnnkitVersion, info.classNames]).toEqual([
      'shorter-side',
      '1.2.3',
      ['cat', 'dog'],
    ]);
    const plain = createModel('simple-cnn', { seed: 0 });
    const keys = Object.keys(metadataOf(await decode(await exportOnnx(plain))));
    plain.dispose();
    expect(keys).not.toContain('cnnkit.resize');
    expect(keys).not.toContain('cnnkit.version');
  });

  it('rejects a resize policy it does not know, naming the choices', async () => {
    const model = createModel('simple-cnn', { seed: 0 });
    await expect(exportOnnx(model, { resize: 'crop' as unknown as 'squash' })).rejects.toThrow(
      'resize must be "shorter-side" or "squash", got "crop".',
    );
    model.dispose();
  });

  it('exports AirbenchNet for another input size, which onnxruntime runs like cnnkit', async () => {
    const model = createModel('airbench', { seed: 2, widths: [8, 8, 8] }) as AirbenchNet;
    const images = tf.randomNormal([3, 40, 48, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    model.initWhitening(images);
    const onnx = await exportOnnx(model, { inputSize: { height: 40, width: 48 } });
    const nchw = tf.transpose(images, [0, 3, 1, 2]);
    const logits = model.logits(images);
    const fromOnnx = await onnxRuntimeScores(onnx, valuesOf(nchw), 3, 'logits', [40, 48]);
    expect(maxAbsDiff(fromOnnx, valuesOf(logits))).toBeLessThanOrEqual(1e-4);
    tf.dispose([images, nchw, logits]);
    model.dispose();
  });

  it.each(CI_MODELS)(
    '$name: refuses options that do not fit, naming the fix',
    async ({ name, options }) => {
      const model = createModel(name, { seed: 0, ...options });
      await expect(exportOnnx(model, { classNames: ['a', 'b'] })).rejects.toThrow(
        `classNames lists 2 names but the model has 10 classes; give one name per class.`,
      );
      await expect(
        exportOnnx(model, { normalization: { mean: [0.5], std: [0.5, 0.5, 0.5] } }),
      ).rejects.toThrow(
        'normalization.mean must hold 3 finite numbers (one per channel), got [0.5].',
      );
      await expect(
        exportOnnx(model, { normalization: { mean: [0, 0, 0], std: [1, 0, 1] } }),
      ).rejects.toThrow('normalization.std must be positive, got [1, 0, 1].');
      await expect(exportOnnx(model, { inputSize: { height: 4, width: 32 } })).rejects.toThrow(
        name === 'simple-cnn'
          ? 'SimpleCNN takes only 32×32 images, got inputSize 4×32'
          : /needs an inputSize of whole numbers from \d+, got 4×32/,
      );
      model.dispose();
    },
  );

  it('refuses a model that is not one of the registry’s', async () => {
    const model = { numClasses: 2, parameters: [], logits: () => tf.zeros([1, 2]), dispose() {} };
    await expect(exportOnnx(model as never)).rejects.toThrow(
      "Export supports SimpleCNN, AirbenchNet and ResNet9 (createModel's models), got Object",
    );
  });
});
