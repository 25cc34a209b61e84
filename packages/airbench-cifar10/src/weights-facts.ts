/** What `data/airbench-cifar10.safetensors` holds and how it was made (README: Provenance). */
export interface AirbenchCifar10Facts {
  /** The `@cnnkit/models` registry name (`createModel`, `cnnkit --model`). */
  readonly model: 'airbench';
  /** AirbenchNet's three conv-group widths. */
  readonly widths: readonly [number, number, number];
  /**
   * CIFAR-10's classes, in label order (the logits' order): `@cnnkit/datasets`'
   * `CIFAR10_CLASS_NAMES`, copied so that this package has no dependency (a test checks both).
   */
  readonly classNames: readonly string[];
  /** The file's name in `data/`, for messages ('airbench-cifar10.safetensors'). */
  readonly fileName: string;
  /** The file's size in bytes, e.g. to say how much a page will download. */
  readonly bytes: number;
  /** SHA-256 of the file, to check a copy fetched over the network. */
  readonly sha256: string;
  /**
   * Top-1 accuracy on the 10,000 CIFAR-10 test images of the data it was trained on, with the
   * recipe's mirror + translate test-time augmentation (`cnnkit eval --tta mirror-translate`).
   */
  readonly testAccuracy: number;
  /** The same without test-time augmentation (`cnnkit eval`'s default). */
  readonly testAccuracyWithoutTta: number;
  /** The command that trained it (cnnkit's CLI, from the repository at `commit`). */
  readonly command: string;
  readonly commit: string;
}

export const AIRBENCH_CIFAR10: AirbenchCifar10Facts = {
  model: 'airbench',
  widths: [64, 128, 128],
  classNames: [
    'airplane',
    'automobile',
    'bird',
    'cat',
    'deer',
    'dog',
    'frog',
    'horse',
    'ship',
    'truck',
  ],
  fileName: 'airbench-cifar10.safetensors',
  bytes: 2_287_680,
  sha256: '1674d07ba1092301802ddc48de6e10cede7ba6d77462ee7a9d3191dfe502d5d9',
  testAccuracy: 0.8951,
  testAccuracyWithoutTta: 0.8816,
  command:
    'cnnkit train --recipe fast --batch-size 512 --data cifar-10-binary.tar.gz --seed 0 --out run',
  commit: 'fd27246',
};
