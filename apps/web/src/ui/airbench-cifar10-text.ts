import { AIRBENCH_CIFAR10, type AirbenchCifar10Facts } from '@cnnkit/airbench-cifar10';

const percent = (fraction: number): string => `${(100 * fraction).toFixed(1)} %`;

/** The weights status while the shipped AirbenchNet downloads. */
export function airbenchLoadingText(facts: AirbenchCifar10Facts = AIRBENCH_CIFAR10): string {
  return `Loading AirbenchNet trained on CIFAR-10 (${(facts.bytes / 1e6).toFixed(1)} MB)…`;
}

/**
 * The weights status once the shipped AirbenchNet is the page's model: what it is, how good
 * the package says it is, `measured` (its accuracy on the page's test images), and what to do
 * with it next.
 */
export function airbenchLoadedText(
  measured: string,
  facts: AirbenchCifar10Facts = AIRBENCH_CIFAR10,
): string {
  return (
    `Loaded ${facts.fileName}: AirbenchNet trained by cnnkit's fast recipe on the full CIFAR-10 ` +
    `(${percent(facts.testAccuracy)} on its 10,000 test images with test-time augmentation, ` +
    `${percent(facts.testAccuracyWithoutTta)} without). ${measured}. Classify your own image ` +
    `with it (6), or fine-tune it: 3 · Train, fast recipe, start from "AirbenchNet trained on CIFAR-10".`
  );
}
