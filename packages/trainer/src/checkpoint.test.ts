import { beforeAll, describe, expect, it } from 'vitest';
import { createCheckpoint, restoreCheckpoint } from './checkpoint.js';
import { SgdOptimizer } from './sgd-optimizer.js';
import { useBackend } from './test-support/backends.js';
import { runTinyTraining, TINY_RUN, tinySources } from './test-support/run-tiny-training.js';
import { TinyClassifier } from './test-support/tiny-classifier.js';
import { train } from './train.js';
import { initialTrainingState } from './training-state.js';

// cpu only: stock tfjs-backend-wasm has no Conv2DBackpropFilter kernel (the test model has a
// conv layer; @cnnkit/wasm-kernels adds it), and cpu is where resume is promised bit-exact.
describe.each(['cpu'] as const)('createCheckpoint / restoreCheckpoint (%s backend)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('round-trips weights, momentum buffers, state and config', async () => {
    const run = await runTinyTraining({ epochs: 1, checkpointAtEpochEnd: false });
    const checkpoint = createCheckpoint({
      model: run.model,
      optimizer: run.optimizer,
      state: run.result.state,
      config: { seed: 3, batchSize: 4 },
    });
    expect(checkpoint.state).toMatchObject({
      format: 'cnnkit-checkpoint/1',
      epoch: 1,
      step: 4,
      optimizer: { lr: 0.05, momentum: 0.9, weightDecay: 0.001, nesterov: false },
      config: { seed: 3, batchSize: 4 },
    });
    expect(JSON.parse(JSON.stringify(checkpoint.state))).toEqual(checkpoint.state);

    const model = new TinyClassifier(42);
    const restored = restoreCheckpoint(checkpoint, model);
    expect(model.weightValues()).toEqual(run.model.weightValues());
    expect(restored.optimizer.exportMomentumBuffers()).toEqual(
      run.optimizer.exportMomentumBuffers(),
    );
    expect(restored.optimizer.config).toEqual(run.optimizer.config);
    expect(restored.state).toEqual(run.result.state);
    expect(restored.config).toEqual({ seed: 3, batchSize: 4 });
    restored.optimizer.dispose();
    model.dispose();
    run.dispose();
  });

  it('stores no buffers without momentum and restores that', () => {
    const model = new TinyClassifier(1);
    const optimizer = new SgdOptimizer(model.parameters, { lr: 0.1 });
    const checkpoint = createCheckpoint({ model, optimizer, state: initialTrainingState() });
    const restored = restoreCheckpoint(checkpoint, model);
    expect(restored.optimizer.exportMomentumBuffers().size).toBe(0);
    for (const o of [optimizer, restored.optimizer]) o.dispose();
    model.dispose();
  });

  it('rejects a foreign state format and optimizer bytes, naming what is wrong', () => {
    const model = new TinyClassifier(1);
    const optimizer = new SgdOptimizer(model.parameters, { lr: 0.1, momentum: 0.9 });
    const checkpoint = createCheckpoint({ model, optimizer, state: initialTrainingState() });
    expect(() =>
      restoreCheckpoint(
        { ...checkpoint, state: { ...checkpoint.state, format: 'v0' as never } },
        model,
      ),
    ).toThrow(/Unsupported checkpoint state format "v0"/);
    expect(() =>
      restoreCheckpoint({ ...checkpoint, optimizer: checkpoint.weights }, model),
    ).toThrow(/checkpoint optimizer state is not a cnnkit SGD state/);
    expect(() =>
      restoreCheckpoint({ ...checkpoint, state: { ...checkpoint.state, step: -1 } }, model),
    ).toThrow(/"step" must be an integer >= 0, got -1/);
    const other = new TinyClassifier(1, 5);
    expect(() => restoreCheckpoint(checkpoint, other)).toThrow();
    for (const m of [model, other]) m.dispose();
    optimizer.dispose();
  });

  it('runs the TSDoc examples', async () => {
    const model = new TinyClassifier(TINY_RUN.modelSeed);
    const optimizer = new SgdOptimizer(model.parameters, TINY_RUN.sgd);
    const { trainData } = tinySources();
    const controller = new AbortController();
    controller.abort();
    const { signal } = controller;
    const result = await train({ model, optimizer, trainData, epochs: 1, signal });
    const checkpoint = createCheckpoint({
      model,
      optimizer,
      state: result.state,
      config: { seed: 0 },
    });
    expect(checkpoint.state.step).toBe(0);

    const freshModel = new TinyClassifier(7);
    const { optimizer: restoredOptimizer, state } = restoreCheckpoint(checkpoint, freshModel);
    const resumed = await train({
      model: freshModel,
      optimizer: restoredOptimizer,
      trainData,
      epochs: 2,
      start: state,
    });
    expect(resumed.state.step).toBe(8);
    for (const m of [model, freshModel]) m.dispose();
    for (const o of [optimizer, restoredOptimizer]) o.dispose();
  });
});
