"""Writes the model-parity fixtures of packages/models (deterministic; run from anywhere):

    /usr/bin/python3 scripts/pytorch/make_model_fixtures.py

For each model, at small widths so the files stay small (the code paths are those of the
full-width nets, which the live round-trip test checks against PyTorch directly):

{name}-weights.safetensors  the reference module's state_dict from torch.manual_seed(0), with
                            BatchNorm weights, biases and running statistics randomised (so
                            loading, eval mode and frozen scales are really exercised) and
                            num_batches_tracked = 5
{name}-io.safetensors       images_nhwc [3, 32, 32, 3] and images_odd_nhwc (another size);
                            eval-mode logits for both; labels; then one train-mode forward of
                            images_nhwc: train_logits and the state after it (after.{key} for
                            running_mean, running_var, num_batches_tracked)
{name}-grads.safetensors    gradients of the mean cross-entropy of train_logits for labels,
                            {key}.grad for every parameter with requires_grad

PyTorch computes every output in float64 from the float32 weights and images and stores it as
float32, so a test's tolerance measures cnnkit's float32 error alone. The metadata of
{name}-io.safetensors lists the state_dict keys in PyTorch's order, the trainable ones, and
the createModel options.
"""

import copy
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from model_zoo import build_model
from simple_cnn import save_safetensors
from torch_state_dict import save_module

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packages", "models", "src", "fixtures")

CASES = {
    "airbench": {"options": {"widths": [8, 16, 16]}, "odd": (40, 36)},
    "resnet9": {"options": {"widths": {"prep": 8, "layer1": 16, "layer2": 16, "layer3": 16}, "numClasses": 7},
                "odd": (24, 40)},
}


def nhwc(t):
    return t.permute(0, 2, 3, 1).contiguous()


def randomise_batch_norms(model):
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                n = module.num_features
                module.weight.copy_(torch.rand(n) + 0.5)
                module.bias.copy_(torch.randn(n) * 0.1)
                module.running_mean.copy_(torch.randn(n) * 0.1)
                module.running_var.copy_(torch.rand(n) + 0.5)
                module.num_batches_tracked.fill_(5)
        whiten = getattr(model, "whiten", None)
        if whiten is not None:
            whiten.bias.copy_(torch.randn(whiten.bias.shape) * 0.1)


def make(name, case):
    torch.manual_seed(0)
    model, class_name = build_model(name, case["options"])
    randomise_batch_norms(model)
    save_module(os.path.join(OUT, f"{name}-weights.safetensors"), model, class_name)
    keys = list(model.state_dict().keys())
    trainable = [k for k, p in model.named_parameters() if p.requires_grad]
    num_classes = model.head.out_features if hasattr(model, "head") else model.linear.out_features

    images = torch.randn(3, 3, 32, 32)
    images_odd = torch.randn(2, 3, *case["odd"])
    labels = torch.randint(0, num_classes, (3,))
    reference = copy.deepcopy(model).double()
    reference.eval()
    with torch.no_grad():
        logits = reference(images.double())
        logits_odd = reference(images_odd.double())
    reference.train()
    train_logits = reference(images.double())
    F.cross_entropy(train_logits, labels).backward()
    after = {f"after.{k}": (v if v.dtype == torch.int64 else v.float())
             for k, v in reference.state_dict().items()
             if k.endswith(("running_mean", "running_var", "num_batches_tracked"))}
    grads = {f"{k}.grad": p.grad.float() for k, p in reference.named_parameters() if p.requires_grad}
    metadata = {"torch": torch.__version__, "made_by": "scripts/pytorch/make_model_fixtures.py",
                "state_dict_keys": json.dumps(keys), "trainable": json.dumps(trainable),
                "options": json.dumps(case["options"]), "loss": "cross_entropy(mean)"}
    save_safetensors(os.path.join(OUT, f"{name}-io.safetensors"), {
        "images_nhwc": nhwc(images), "images_odd_nhwc": nhwc(images_odd), "labels": labels,
        "logits": logits.float(), "logits_odd": logits_odd.float(), "train_logits": train_logits.detach().float(),
        **after}, metadata)
    save_safetensors(os.path.join(OUT, f"{name}-grads.safetensors"), grads, metadata)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, case in CASES.items():
        make(name, case)


if __name__ == "__main__":
    main()
