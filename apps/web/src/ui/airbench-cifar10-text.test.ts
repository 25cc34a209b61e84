import { AIRBENCH_CIFAR10 } from '@cnnkit/airbench-cifar10';
import { expect, test } from 'vitest';
import { airbenchLoadedText, airbenchLoadingText } from './airbench-cifar10-text.js';

test("says the shipped file's size and accuracies as the package states them", () => {
  expect(airbenchLoadingText()).toBe('Loading AirbenchNet trained on CIFAR-10 (2.3 MB)…');
  expect(airbenchLoadedText('Test accuracy: 88.6 %')).toBe(
    `Loaded airbench-cifar10.safetensors: AirbenchNet trained by cnnkit's fast recipe on the full CIFAR-10 (89.5 % on its 10,000 test images with test-time augmentation, 88.2 % without). Test accuracy: 88.6 %. Classify your own image with it (6), or fine-tune it: 3 · Train, fast recipe, start from "AirbenchNet trained on CIFAR-10".`,
  );
});

test('follows the facts of other weights', () => {
  const retrained = {
    ...AIRBENCH_CIFAR10,
    bytes: 9_870_000,
    testAccuracy: 0.9312,
    testAccuracyWithoutTta: 0.921,
  };
  expect(airbenchLoadingText(retrained)).toMatch(/\(9\.9 MB\)…$/);
  expect(airbenchLoadedText('x', retrained)).toMatch(
    /\(93\.1 % on its 10,000 test images with test-time augmentation, 92\.1 % without\)/,
  );
});
