import type { TrainableClassifier } from '@cnnkit/contracts';
import { AirbenchNet } from '../airbench-net.js';
import { ResNet9 } from '../resnet9.js';
import { SimpleCNN } from '../simple-cnn.js';
import { airbenchNetGraph } from './airbench-net-graph.js';
import type { InferenceGraph } from './inference-graph.js';
import { resNet9Graph } from './resnet9-graph.js';
import { simpleCnnGraph } from './simple-cnn-graph.js';

/** The evaluation-mode graph of one of this package's models, with its current weights. */
export function inferenceGraph(model: TrainableClassifier): Promise<InferenceGraph> {
  if (model instanceof SimpleCNN) return simpleCnnGraph(model);
  if (model instanceof AirbenchNet) return airbenchNetGraph(model);
  if (model instanceof ResNet9) return resNet9Graph(model);
  const name = (model as object).constructor?.name ?? typeof model;
  throw new Error(
    `Export supports SimpleCNN, AirbenchNet and ResNet9 (createModel's models), got ${name}; build the model with createModel or its class.`,
  );
}
