import { decodeSafetensors } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchCountLayout, channelVectorLayout, conv2dWeightLayout } from './parameter-layouts.js';
import { createStateEntry, loadStateDict, type StateEntry, saveStateDict } from './state-dict.js';
import { useBackend } from './test-support/backends.js';
import { WeightsMismatchError } from './torch-weights.js';

let tensorsBefore = 0;
beforeEach(async () => {
  await useBackend('cpu');
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

function entries() {
  const weight = conv2dWeightLayout('conv.weight', {
    inChannels: 1,
    outChannels: 2,
    kernelSize: 1,
  });
  return [
    createStateEntry(weight, 'weight', new Float32Array([1, 2]), true),
    createStateEntry(
      channelVectorLayout('bn.running_var', { size: 2 }),
      'running-var',
      new Float32Array([3, 4]),
      false,
    ),
    createStateEntry(
      batchCountLayout('bn.num_batches_tracked'),
      'batch-count',
      new Float32Array([5]),
      false,
    ),
  ];
}

describe('state dict entries', () => {
  it('hold float32 or int32 variables, trainable or not, in tfjs layout', () => {
    const [weight, runningVar, count] = entries() as [StateEntry, StateEntry, StateEntry];
    expect([weight.variable.shape, weight.variable.dtype, weight.variable.trainable]).toEqual([
      [1, 1, 1, 2],
      'float32',
      true,
    ]);
    expect([runningVar.variable.dtype, runningVar.variable.trainable]).toEqual(['float32', false]);
    expect([count.variable.shape, count.variable.dtype, count.variable.trainable]).toEqual([
      [],
      'int32',
      false,
    ]);
    expect(Array.from(count.variable.dataSync())).toEqual([5]);
    for (const e of [weight, runningVar, count]) e.variable.dispose();
  });

  it('save F32 and I64 tensors and load them back into other entries', () => {
    const source = entries();
    const bytes = saveStateDict(source, { format: 'pt' });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.fromEntries([...tensors].map(([k, t]) => [k, [t.dtype, t.shape]]))).toEqual({
      'conv.weight': ['F32', [2, 1, 1, 1]],
      'bn.running_var': ['F32', [2]],
      'bn.num_batches_tracked': ['I64', []],
    });
    const target = entries();
    tf.tidy(() => {
      for (const e of target) e.variable.assign(tf.zerosLike(e.variable));
    });
    loadStateDict(target, bytes, 'Tiny');
    expect(target.map((e) => Array.from(e.variable.dataSync()))).toEqual([[1, 2], [3, 4], [5]]);
    expect(target[2]?.variable.dtype).toBe('int32');
    expect(saveStateDict(target, { format: 'pt' })).toEqual(bytes);
    for (const e of [...source, ...target]) e.variable.dispose();
  });

  it('load nothing unless everything fits', () => {
    const source = entries();
    const target = entries();
    tf.tidy(() => target[0]?.variable.assign(tf.zerosLike(target[0].variable)));
    const partial = saveStateDict(source.slice(0, 2), {});
    expect(() => loadStateDict(target, partial, 'Tiny')).toThrow(WeightsMismatchError);
    expect(Array.from(target[0]?.variable.dataSync() ?? [])).toEqual([0, 0]);
    for (const e of [...source, ...target]) e.variable.dispose();
  });
});
