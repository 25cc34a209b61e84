import type { Conv2d } from '../conv2d.js';
import type { Linear } from '../linear.js';
import { graphWeight } from './graph-weight.js';
import type { GraphStep } from './inference-graph.js';

/** A Conv2d, named after its state_dict prefix (`whiten`, `layers.0.conv1`). */
export async function conv2dStep(
  conv: Conv2d,
  input: string,
): Promise<Extract<GraphStep, { kind: 'conv2d' }>> {
  const weight = await graphWeight(conv.weight);
  const bias = conv.bias ? await graphWeight(conv.bias) : undefined;
  return {
    kind: 'conv2d',
    name: conv.weight.name.replace(/\.weight$/, ''),
    input,
    weight,
    ...(bias ? { bias } : {}),
    kernelSize: conv.options.kernelSize,
    padding: conv.options.padding,
  };
}

/** A Linear layer, named after its state_dict prefix (`head`, `linear`). */
export async function linearStep(
  linear: Linear,
  input: string,
): Promise<Extract<GraphStep, { kind: 'linear' }>> {
  const weight = await graphWeight(linear.weight);
  const bias = linear.bias ? await graphWeight(linear.bias) : undefined;
  return {
    kind: 'linear',
    name: linear.weight.name.replace(/\.weight$/, ''),
    input,
    weight,
    ...(bias ? { bias } : {}),
  };
}
