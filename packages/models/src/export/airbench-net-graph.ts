import type { AirbenchNet } from '../airbench-net.js';
import { batchCounts, batchNormStep } from './batch-norm-step.js';
import { conv2dStep, linearStep } from './conv2d-step.js';
import { GRAPH_INPUT, type GraphStep, type InferenceGraph } from './inference-graph.js';

/**
 * AirbenchNet's evaluation-mode forward pass: whitening conv → GELU → per group [conv → pool →
 * BatchNorm → GELU → conv → BatchNorm → GELU] → global max-pool → linear → × outputScale.
 */
export async function airbenchNetGraph(model: AirbenchNet): Promise<InferenceGraph> {
  const steps: GraphStep[] = [await conv2dStep(model.whiten, GRAPH_INPUT)];
  steps.push({ kind: 'gelu', name: 'whiten.gelu', input: 'whiten' });
  let x = 'whiten.gelu';
  for (const [i, group] of model.layers.entries()) {
    const prefix = `layers.${i}`;
    const conv1 = await conv2dStep(group.conv1, x);
    const pool = { kind: 'max-pool', name: `${prefix}.pool`, input: conv1.name, size: 2 } as const;
    const norm1 = await batchNormStep(group.norm1, pool.name);
    const gelu1 = { kind: 'gelu', name: `${prefix}.gelu1`, input: norm1.name } as const;
    const conv2 = await conv2dStep(group.conv2, gelu1.name);
    const norm2 = await batchNormStep(group.norm2, conv2.name);
    const gelu2 = { kind: 'gelu', name: `${prefix}.gelu2`, input: norm2.name } as const;
    steps.push(conv1, pool, norm1, gelu1, conv2, norm2, gelu2);
    x = gelu2.name;
  }
  steps.push({ kind: 'global-max-pool', name: 'pool', input: x });
  const head = await linearStep(model.head, 'pool');
  steps.push(head, {
    kind: 'scale',
    name: 'scale',
    input: head.name,
    factor: model.options.outputScale,
  });
  const { seed: _seed, ...modelOptions } = model.options;
  return {
    className: model.modelName,
    modelName: 'airbench',
    modelOptions,
    inputChannels: model.options.inputChannels,
    minimumInputSide: 2 ** model.options.widths.length + model.options.whiteningKernelSize - 1,
    numClasses: model.numClasses,
    steps,
    batchCounts: await batchCounts(model.layers.flatMap((g) => [g.norm1, g.norm2])),
  };
}
