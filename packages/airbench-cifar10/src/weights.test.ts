// tfjs-core first: @cnnkit/tfjs-gradients loads tfjs-core's per-file modules, which must find
// the engine the package's own entry created.
import '@tensorflow/tfjs-core';
import '@cnnkit/tfjs-gradients';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { CIFAR10_CLASS_NAMES } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { readWeightsInfo } from '@cnnkit/models';
import { decodeSafetensors } from '@cnnkit/safetensors';
import { describe, expect, it } from 'vitest';
import { correctPredictions, loadShippedNet } from './test-support/shipped-net.js';
import { AIRBENCH_CIFAR10 } from './weights-facts.js';
import { airbenchCifar10WeightsPath } from './weights-path.js';

describe('the shipped AirbenchNet weights', () => {
  it('are the file whose name, size and SHA-256 the package states', async () => {
    const path = airbenchCifar10WeightsPath();
    expect(basename(path)).toBe(AIRBENCH_CIFAR10.fileName);
    const bytes = await readFile(path);
    expect(bytes.length).toBe(AIRBENCH_CIFAR10.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(AIRBENCH_CIFAR10.sha256);
  });

  it('say in their metadata what they are: AirbenchNet 64/128/128 on CIFAR-10, normalised with its statistics', async () => {
    const bytes = await readFile(airbenchCifar10WeightsPath());
    const info = readWeightsInfo(decodeSafetensors(bytes).metadata);
    expect(info.model).toBe(AIRBENCH_CIFAR10.model);
    expect(info.modelOptions?.widths).toEqual([...AIRBENCH_CIFAR10.widths]);
    expect(info.classNames).toEqual([...AIRBENCH_CIFAR10.classNames]);
    expect(AIRBENCH_CIFAR10.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect(info.inputShape).toEqual([32, 32, 3]);
    expect(info.normalize?.mean.map((m) => m.toFixed(4))).toEqual(['0.4914', '0.4822', '0.4465']);
  });

  it("classify the embedded sample's 500 test images as a trained model does", async () => {
    const net = await loadShippedNet();
    const { test } = await openCifar10(cifar10SamplePath());
    const { withTta, withoutTta } = await correctPredictions(net, test);
    net.dispose();
    console.log(`sample test images: ${withTta}/500 with TTA, ${withoutTta}/500 without`);
    // Chance is 50 of 500; the full test set's accuracy is AIRBENCH_CIFAR10.testAccuracy.
    expect(withTta / 500).toBeGreaterThan(AIRBENCH_CIFAR10.testAccuracy - 0.05);
    expect(withoutTta / 500).toBeGreaterThan(AIRBENCH_CIFAR10.testAccuracyWithoutTta - 0.05);
  });
});
