import { SIMPLE_CNN_LAYOUTS, type SimpleCNN } from '../simple-cnn.js';
import { graphWeight } from './graph-weight.js';
import { GRAPH_INPUT, type InferenceGraph } from './inference-graph.js';

/** SimpleCNN's forward pass: conv → bias → ReLU → pool (twice), flatten, three linear layers. */
export async function simpleCnnGraph(model: SimpleCNN): Promise<InferenceGraph> {
  const [c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b] = await Promise.all(
    model.parameters.map((p, i) =>
      graphWeight({ ...p, layout: SIMPLE_CNN_LAYOUTS[i] as (typeof SIMPLE_CNN_LAYOUTS)[number] }),
    ),
  );
  if (!(c1w && c1b && c2w && c2b && f1w && f1b && f2w && f2b && f3w && f3b)) {
    throw new Error('SimpleCNN has 10 parameters.');
  }
  return {
    modelName: 'SimpleCNN',
    config: {},
    inputChannels: 3,
    fixedInputSize: { height: 32, width: 32 },
    minimumInputSide: 32,
    numClasses: model.numClasses,
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
      // 16 channels of 5×5 (32 → 28 → 14 → 10 → 5).
      { kind: 'flatten', name: 'flatten', input: 'pool2', features: 400 },
      { kind: 'linear', name: 'fc1', input: 'flatten', weight: f1w, bias: f1b },
      { kind: 'relu', name: 'relu3', input: 'fc1' },
      { kind: 'linear', name: 'fc2', input: 'relu3', weight: f2w, bias: f2b },
      { kind: 'relu', name: 'relu4', input: 'fc2' },
      { kind: 'linear', name: 'fc3', input: 'relu4', weight: f3w, bias: f3b },
    ],
  };
}
