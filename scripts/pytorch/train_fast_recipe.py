"""cnnkit's `fast` recipe (airbench93) end to end in PyTorch, the reference side of
`pnpm bench --time-to-accuracy`: the pieces of fast_recipe.py on airbench_net.AirbenchNet,
float32 on the CPU. Prints one JSON line per epoch and a final one:

    {"type": "epoch", "epoch": 1, "step": 48, "trainSeconds": 171.2, "accuracy": 0.61, ...}
    {"type": "result", "accuracy": 0.930, "tta": "mirror-translate", "trainSeconds": ..., ...}

`trainSeconds` counts training steps only (cumulative; the whitening set-up included, the
per-epoch evaluations excluded), as cnnkit's time-to-accuracy does. Epochs before the last
are evaluated plainly, the last with test-time augmentation, as cnnkit's `train` does.

    /usr/bin/python3 scripts/pytorch/train_fast_recipe.py --data ../shared/data/cifar-10-binary.tar.gz \
        --threads 2 --seed 0      # add --limit 2048 --test-limit 500 --epochs 1 to try it quickly
"""

import argparse
import json
import sys
import time

import torch
import torch.nn.functional as F

from airbench_net import AirbenchNet, patch_covariance, whitening_weights
from bench_reference import read_split
from fast_recipe import (FAST_RECIPE, AlternatingFlipTranslate, Lookahead, label_smoothed_loss,
                         lookahead_decays, lr_factor, normalize, sgd_param_groups, torch_sgd_settings,
                         total_steps, tta_logits)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="cifar-10-binary.tar.gz or its extracted directory")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=FAST_RECIPE["epochs"])
    p.add_argument("--batch-size", type=int, default=FAST_RECIPE["batchSize"])
    p.add_argument("--widths", default=",".join(map(str, FAST_RECIPE["widths"])))
    p.add_argument("--limit", type=int, help="train on the first n training images only")
    p.add_argument("--test-limit", type=int, help="evaluate on the first n test images only")
    p.add_argument("--eval-batch", type=int, default=1000)
    return p.parse_args()


def evaluate(model, images, labels, batch, tta):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            logits = tta_logits(model, images[i:i + batch], tta)
            correct += (logits.argmax(1) == labels[i:i + batch]).sum().item()
    model.train()
    return correct / len(labels)


def emit(record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    recipe = dict(FAST_RECIPE, epochs=args.epochs, batchSize=args.batch_size,
                  widths=[int(w) for w in args.widths.split(",")])

    train_images, train_labels = read_split(args.data, "train")
    test_images, test_labels = read_split(args.data, "test")
    if args.limit:
        train_images, train_labels = train_images[:args.limit], train_labels[:args.limit]
    if args.test_limit:
        test_images, test_labels = test_images[:args.test_limit], test_labels[:args.test_limit]
    train_x = normalize(torch.from_numpy(train_images.copy()))
    train_y = torch.from_numpy(train_labels)
    test_x = normalize(torch.from_numpy(test_images.copy()))
    test_y = torch.from_numpy(test_labels)

    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    started = time.perf_counter()
    model = AirbenchNet(widths=recipe["widths"])
    count = min(recipe["whiteningImages"], len(train_x))
    weights, _, _ = whitening_weights(patch_covariance(train_x[:count]), 3, eps=recipe["whiteningEps"])
    model.whiten.weight.data.copy_(weights)
    settings = torch_sgd_settings(recipe["lr"], recipe["momentum"], recipe["weightDecay"],
                                  recipe["biasLrScale"], recipe["batchSize"])
    groups = sgd_param_groups(model, settings)
    optimizer = torch.optim.SGD(groups, momentum=recipe["momentum"], nesterov=True)
    initial_lrs = [group["lr"] for group in optimizer.param_groups]
    loader = AlternatingFlipTranslate(train_x, train_y, recipe["batchSize"], recipe["translate"], generator)
    steps = total_steps(loader.batches_per_epoch(), recipe["epochs"])
    decays = lookahead_decays(steps, recipe["lookaheadDecay"], recipe["lookaheadPower"])
    lookahead = Lookahead(model)
    train_seconds = time.perf_counter() - started

    step = 0
    images_trained = 0
    accuracy = None
    for epoch in range(recipe["epochs"]):
        t0 = time.perf_counter()
        model.whiten.bias.requires_grad = epoch < recipe["whiteningBiasEpochs"]
        loss_sum = 0.0
        for inputs, labels in loader.epoch(epoch):
            for group, lr in zip(optimizer.param_groups, initial_lrs):
                group["lr"] = lr * lr_factor(step, steps, recipe["lrSchedule"])
            loss = label_smoothed_loss(model(inputs), labels, recipe["labelSmoothing"], "sum")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
            step += 1
            images_trained += len(labels)
            if step % recipe["lookaheadEvery"] == 0:
                lookahead.update(model, decays[step].item())
            if step == steps:
                lookahead.update(model, 1.0)
        train_seconds += time.perf_counter() - t0
        last = epoch + 1 == recipe["epochs"]
        tta = recipe["tta"] if last else "none"
        accuracy = evaluate(model, test_x, test_y, args.eval_batch, tta)
        emit({"type": "epoch", "epoch": epoch + 1, "step": step, "trainSeconds": train_seconds,
              "trainLoss": loss_sum / max(1, loader.batches_per_epoch() * recipe["batchSize"]),
              "accuracy": accuracy, "tta": tta})
    emit({"type": "result", "accuracy": accuracy, "tta": recipe["tta"], "epochs": recipe["epochs"],
          "steps": step, "trainSeconds": train_seconds, "imagesPerSecond": images_trained / train_seconds,
          "threads": args.threads, "seed": args.seed, "testImages": len(test_y),
          "trainImages": len(train_y), "torch": torch.__version__, "recipe": recipe})


if __name__ == "__main__":
    main()
