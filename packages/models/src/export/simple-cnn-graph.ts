import { biasLayout, conv2dWeightLayout, linearWeightLayout } from '../parameter-layouts.js';
import type { SimpleCNN } from '../simple-cnn.js';
import { graphWeight } from './graph-weight.js';
import { GRAPH_INPUT, type GraphWeight, type InferenceGraph } from './inference-graph.js';

/**
 * SimpleCNN's forward pass: conv → bias → ReLU → pool (twice), flatten, three linear layers.
 * The layouts follow from the parameters' shapes (fc1's inputs are conv2's 16-channel map,
 * flattened), so every class count and input size the model takes is exported alike.
 */
export async function simpleCnnGraph(model: SimpleCNN): Promise<InferenceGraph> {
  const byName = new Map(model.parameters.map((p) => [p.name, p.variable]));
  const variable = (name: string) => {
    const v = byName.get(name);
    if (!v) throw new Error(`SimpleCNN has no parameter ${name}.`);
    return v;
  };
  const [features, hidden1] = variable('fc1.weight').shape as [number, number];
  const [hidden2, classes] = [variable('fc2.weight').shape[1] ?? 0, model.numClasses];
  const map = Math.round(Math.sqrt(features / 16));
  // The input side a `map` × `map` feature map comes from (32 → 28 → 14 → 10 → 5).
  const side = (model as { imageSize?: number }).imageSize ?? (2 * map + 4) * 2 + 4;
  const weight = (name: string, layout: GraphWeight['layout']) =>
    graphWeight({ name, layout, variable: variable(name) });
  const [c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b] = await Promise.all([
    weight(
      'conv1.weight',
      conv2dWeightLayout('conv1.weight', { inChannels: 3, outChannels: 6, kernelSize: 5 }),
    ),
    weight('conv1.bias', biasLayout('conv1.bias', { size: 6, fanIn: 75 })),
    weight(
      'conv2.weight',
      conv2dWeightLayout('conv2.weight', { inChannels: 6, outChannels: 16, kernelSize: 5 }),
    ),
    weight('conv2.bias', biasLayout('conv2.bias', { size: 16, fanIn: 150 })),
    weight(
      'fc1.weight',
      linearWeightLayout('fc1.weight', {
        inFeatures: features,
        outFeatures: hidden1,
        inputFeatureMap: { height: map, width: map, channels: 16 },
      }),
    ),
    weight('fc1.bias', biasLayout('fc1.bias', { size: hidden1, fanIn: features })),
    weight(
      'fc2.weight',
      linearWeightLayout('fc2.weight', { inFeatures: hidden1, outFeatures: hidden2 }),
    ),
    weight('fc2.bias', biasLayout('fc2.bias', { size: hidden2, fanIn: hidden1 })),
    weight(
      'fc3.weight',
      linearWeightLayout('fc3.weight', { inFeatures: hidden2, outFeatures: classes }),
    ),
    weight('fc3.bias', biasLayout('fc3.bias', { size: classes, fanIn: hidden2 })),
  ]);
  if (!(c1w && c1b && c2w && c2b && f1w && f1b && f2w && f2b && f3w && f3b)) {
    throw new Error('SimpleCNN has 10 parameters.');
  }
  const { imageSize } = model as { imageSize?: number };
  return {
    className: 'SimpleCNN',
    modelName: 'simple-cnn',
    modelOptions: {
      ...(classes === 10 ? {} : { numClasses: classes }),
      ...(imageSize === undefined || imageSize === 32 ? {} : { imageSize }),
    },
    inputChannels: 3,
    fixedInputSize: { height: side, width: side },
    minimumInputSide: side,
    numClasses: classes,
    batchCounts: {},
    steps: [
      {
        kind: 'conv2d',
        name: 'conv1',
        input: GRAPH_INPUT,
        weight: c1w,
        bias: c1b,
        kernelSize: 5,
        padding: 'valid',
      },
      { kind: 'relu', name: 'relu1', input: 'conv1' },
      { kind: 'max-pool', name: 'pool1', input: 'relu1', size: 2 },
      {
        kind: 'conv2d',
        name: 'conv2',
        input: 'pool1',
        weight: c2w,
        bias: c2b,
        kernelSize: 5,
        padding: 'valid',
      },
      { kind: 'relu', name: 'relu2', input: 'conv2' },
      { kind: 'max-pool', name: 'pool2', input: 'relu2', size: 2 },
      { kind: 'flatten', name: 'flatten', input: 'pool2', features },
      { kind: 'linear', name: 'fc1', input: 'flatten', weight: f1w, bias: f1b },
      { kind: 'relu', name: 'relu3', input: 'fc1' },
      { kind: 'linear', name: 'fc2', input: 'relu3', weight: f2w, bias: f2b },
      { kind: 'relu', name: 'relu4', input: 'fc2' },
      { kind: 'linear', name: 'fc3', input: 'relu4', weight: f3w, bias: f3b },
    ],
  };
}
