"""Writes the fast recipe's fixtures of packages/trainer (deterministic; run from anywhere):

    /usr/bin/python3 scripts/pytorch/make_recipe_fixtures.py

recipe-pieces.json            PyTorch's numbers for each piece on its own:
  labelSmoothing              F.cross_entropy(label_smoothing=0.2 and 0, mean and sum): loss
                              and gradient, in float64
  sgdGroups                   torch.optim.SGD with two parameter groups (airbench's: BatchNorm
                              biases lr × 64, the rest; weight decay converted per group),
                              Nesterov momentum 0.85, airbench's learning-rate schedule via
                              LambdaLR, and one parameter without a gradient (frozen) from step
                              3 on; float32, like cnnkit's optimizer
  lrSchedule                  airbench's get_lr for every step of runs of 528, 10 and 3 steps
  lookahead                   airbench's alpha_schedule (float32) at every 5th step of 528, and
                              one LookaheadState update of a vector
recipe-training.safetensors   nine steps of the whole recipe (three epochs of three batches of
                              eight 12×12 images) on an AirbenchNet of widths 4/8/8, in
                              float64: train-mode BatchNorm, summed label-smoothed loss, SGD
                              groups, schedule, lookahead every 2 steps, whitening bias trained
                              in epoch 1 only. initial.{key}, the batches (images NHWC,
                              labels), losses, final.{key}; then, for the final weights,
                              tta.images and the logits with each TTA level (tta.none,
                              tta.mirror, tta.mirror-translate). Metadata: the settings.
"""

import json
import os

import numpy as np
import torch

from airbench_net import AirbenchNet
from fast_recipe import (FAST_RECIPE, Lookahead, label_smoothed_loss, lookahead_decays, lr_factor,
                         sgd_param_groups, torch_sgd_settings, tta_logits)
from simple_cnn import save_safetensors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packages", "trainer", "src", "fixtures")
POINTS = FAST_RECIPE["lrSchedule"]


def floats(t):
    return [float(v) for v in t.detach().flatten().tolist()]


def label_smoothing_cases():
    torch.manual_seed(1)
    logits = (torch.randn(6, 5, dtype=torch.float64) * 3)
    labels = torch.tensor([0, 3, 4, 3, 1, 2])
    cases = []
    for smoothing in (0.2, 0.0):
        for reduction in ("mean", "sum"):
            x = logits.clone().requires_grad_()
            loss = label_smoothed_loss(x, labels, smoothing, reduction)
            loss.backward()
            cases.append({"smoothing": smoothing, "reduction": reduction, "loss": loss.item(),
                          "grad": floats(x.grad)})
    return {"logits": floats(logits), "shape": list(logits.shape), "labels": labels.tolist(), "cases": cases}


def sgd_groups_case():
    torch.manual_seed(2)
    shapes = {"conv.weight": ([2, 3], "weight"), "norm.bias": ([3], "norm-bias"), "fc.bias": ([2], "bias")}
    params = {name: torch.nn.Parameter(torch.randn(*shape)) for name, (shape, _) in shapes.items()}
    initial = {name: floats(p) for name, p in params.items()}
    settings = torch_sgd_settings(11.5, 0.85, 0.0153, 64.0, batch_size=16)
    groups = [dict(params=[params["norm.bias"]], lr=settings["biasLr"], weight_decay=settings["biasWeightDecay"]),
              dict(params=[params["conv.weight"], params["fc.bias"]], lr=settings["lr"],
                   weight_decay=settings["weightDecay"])]
    optimizer = torch.optim.SGD(groups, momentum=0.85, nesterov=True)
    steps = 6
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, steps, POINTS))
    grads = []
    frozen_from = 3
    for step in range(steps):
        optimizer.zero_grad(set_to_none=True)
        step_grads = {}
        for name, p in params.items():
            if name == "fc.bias" and step >= frozen_from:
                continue  # requires_grad off: no gradient, SGD skips it
            g = torch.randn(*p.shape)
            p.grad = g.clone()
            step_grads[name] = floats(g)
        grads.append(step_grads)
        optimizer.step()
        scheduler.step()
    return {
        "settings": settings,
        "momentum": 0.85,
        "parameters": [{"name": n, "shape": s, "kind": k} for n, (s, k) in shapes.items()],
        "initial": initial,
        "grads": grads,
        "frozenFrom": frozen_from,
        "frozen": "fc.bias",
        "final": {name: floats(p) for name, p in params.items()},
        "momentumBuffers": {name: floats(optimizer.state[p]["momentum_buffer"]) for name, p in params.items()},
    }


def schedule_cases():
    return [{"totalSteps": t, "factors": [lr_factor(s, t, POINTS) for s in range(t)]} for t in (528, 10, 3)]


def lookahead_case():
    total = 528
    decays = lookahead_decays(total, FAST_RECIPE["lookaheadDecay"], FAST_RECIPE["lookaheadPower"])
    torch.manual_seed(3)
    ema, current = torch.randn(7), torch.randn(7)
    decay = decays[265].item()
    moved = ema.clone().lerp_(current, 1 - decay)
    small = ema.clone().lerp_(current, 1 - decays[520].item())
    return {
        "totalSteps": total,
        "decays": {str(s): decays[s].item() for s in range(0, total + 1, 5)},
        "ema": floats(ema), "current": floats(current),
        "lerp": {"265": floats(moved), "520": floats(small)},
    }


def nhwc(t):
    return t.permute(0, 2, 3, 1).contiguous()


def training_case():
    torch.manual_seed(4)
    model = AirbenchNet(widths=(4, 8, 8)).double()
    epochs, batches, batch_size, size = 3, 3, 8, 12
    settings = torch_sgd_settings(11.5, 0.85, 0.0153, 64.0, batch_size)
    smoothing, every, bias_epochs = 0.2, 2, 1
    images = torch.randn(epochs * batches * batch_size, 3, size, size).float().double()
    labels = torch.randint(0, 10, (epochs * batches * batch_size,))
    tensors = {f"initial.{k}": v.clone() for k, v in model.state_dict().items()}
    optimizer = torch.optim.SGD(sgd_param_groups(model, settings), momentum=0.85, nesterov=True)
    total = epochs * batches
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, total, POINTS))
    decays = lookahead_decays(total, FAST_RECIPE["lookaheadDecay"], FAST_RECIPE["lookaheadPower"])
    lookahead = Lookahead(model)
    losses = []
    step = 0
    model.train()
    for epoch in range(epochs):
        model.whiten.bias.requires_grad = epoch < bias_epochs
        for b in range(batches):
            first = (epoch * batches + b) * batch_size
            x, y = images[first:first + batch_size], labels[first:first + batch_size]
            loss = label_smoothed_loss(model(x), y, smoothing, "sum")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
            step += 1
            if step % every == 0:
                lookahead.update(model, decays[step].item())
            if step == total:
                lookahead.update(model, 1.0)
    tensors.update({f"final.{k}": v.clone() for k, v in model.state_dict().items()})
    model.eval()
    tta_images = torch.randn(3, 3, size, size).float().double()
    with torch.no_grad():
        for level in ("none", "mirror", "mirror-translate"):
            tensors[f"tta.{level}"] = tta_logits(model, tta_images, level)
    tensors["tta.images"] = nhwc(tta_images)
    tensors["images"] = nhwc(images)
    tensors["labels"] = labels.to(torch.int32)
    tensors["losses"] = torch.tensor(losses)
    out = {}
    for name, value in tensors.items():
        out[name] = value if value.dtype in (torch.int64, torch.int32) else value.float()
    metadata = {
        "widths": "[4, 8, 8]", "epochs": str(epochs), "batchesPerEpoch": str(batches),
        "batchSize": str(batch_size), "imageSize": str(size), "labelSmoothing": str(smoothing),
        "lookaheadEvery": str(every), "whiteningBiasEpochs": str(bias_epochs),
        "sgd": json.dumps(settings), "momentum": "0.85", "lrSchedule": json.dumps(POINTS),
        "torch": torch.__version__,
    }
    save_safetensors(os.path.join(OUT, "recipe-training.safetensors"), out, metadata)


def main():
    os.makedirs(OUT, exist_ok=True)
    pieces = {
        "torch": torch.__version__,
        "labelSmoothing": label_smoothing_cases(),
        "sgdGroups": sgd_groups_case(),
        "lrSchedule": schedule_cases(),
        "lookahead": lookahead_case(),
    }
    with open(os.path.join(OUT, "recipe-pieces.json"), "w") as f:
        json.dump(pieces, f, indent=1)
        f.write("\n")
    training_case()
    print(f"wrote {os.path.normpath(OUT)}/recipe-pieces.json and recipe-training.safetensors")


if __name__ == "__main__":
    np.random.seed(0)
    main()
