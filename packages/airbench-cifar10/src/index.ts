/**
 * AirbenchNet (64/128/128) trained on CIFAR-10 by cnnkit's `fast` recipe, shipped as a
 * `.safetensors` file with PyTorch `state_dict` names and cnnkit's weights metadata (model,
 * options, class names, normalisation): load it with `@cnnkit/models`, or pass its path to
 * the `cnnkit` CLI.
 *
 * @packageDocumentation
 */
export { AIRBENCH_CIFAR10, type AirbenchCifar10Facts } from './weights-facts.js';
export { airbenchCifar10WeightsUrl } from './weights-url.js';
