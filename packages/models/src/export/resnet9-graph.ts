import type { ConvBnRelu } from '../conv-bn-relu.js';
import type { ResNet9 } from '../resnet9.js';
import { batchCounts, batchNormStep } from './batch-norm-step.js';
import { conv2dStep, linearStep } from './conv2d-step.js';
import { GRAPH_INPUT, type GraphStep, type InferenceGraph } from './inference-graph.js';

/** conv → BatchNorm → ReLU; returns the steps and the name of the ReLU's output. */
async function convBnRelu(block: ConvBnRelu, input: string): Promise<[GraphStep[], string]> {
  const conv = await conv2dStep(block.conv, input);
  const bn = await batchNormStep(block.bn, conv.name);
  const relu = `${bn.name.replace(/\.bn$/, '')}.relu`;
  return [[conv, bn, { kind: 'relu', name: relu, input: bn.name }], relu];
}

/**
 * ResNet9's evaluation-mode forward pass: prep conv_bn → per stage [conv_bn → pool → optional
 * residual x + res2(res1(x))] → global max-pool → linear → × outputScale.
 */
export async function resNet9Graph(model: ResNet9): Promise<InferenceGraph> {
  const [steps, prepOut] = await convBnRelu(model.prep, GRAPH_INPUT);
  let x = prepOut;
  for (const [name, stage] of [
    ['layer1', model.layer1],
    ['layer2', model.layer2],
    ['layer3', model.layer3],
  ] as const) {
    const [convSteps, convOut] = await convBnRelu(stage.convBn, x);
    steps.push(...convSteps, { kind: 'max-pool', name: `${name}.pool`, input: convOut, size: 2 });
    x = `${name}.pool`;
    if (stage.residual) {
      const [res1, res1Out] = await convBnRelu(stage.residual.res1, x);
      const [res2, res2Out] = await convBnRelu(stage.residual.res2, res1Out);
      const sum = `${name}.residual.add`;
      steps.push(...res1, ...res2, { kind: 'add', name: sum, inputs: [x, res2Out] });
      x = sum;
    }
  }
  steps.push({ kind: 'global-max-pool', name: 'pool', input: x });
  const linear = await linearStep(model.linear, 'pool');
  steps.push(linear, {
    kind: 'scale',
    name: 'scale',
    input: linear.name,
    factor: model.options.outputScale,
  });
  const { seed: _seed, ...modelOptions } = model.options;
  const blocks = [model.prep, model.layer1, model.layer2, model.layer3].flatMap((b) =>
    'convBn' in b ? [b.convBn, ...(b.residual ? [b.residual.res1, b.residual.res2] : [])] : [b],
  );
  return {
    className: model.modelName,
    modelName: 'resnet9',
    modelOptions,
    inputChannels: model.options.inputChannels,
    minimumInputSide: 8,
    numClasses: model.numClasses,
    steps,
    batchCounts: await batchCounts(blocks.map((b) => b.bn)),
  };
}
