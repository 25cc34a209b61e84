"""Trains the tutorial's Net on CIFAR-10 with the tutorial's recipe, as the reference that
cnnkit's training is compared with (accuracy and speed).

    /usr/bin/python3 scripts/pytorch/train_reference.py --data cifar-10-binary.tar.gz \
        --out simple-cnn-torch.safetensors [--epochs 2 --batch-size 4 --seed 0 --limit N --threads 1]

Recipe: ToTensor + Normalize(0.5, 0.5), shuffle=True, SGD(lr=0.001, momentum=0.9),
CrossEntropyLoss. For a given --seed the weights are bit-identical to the tutorial's own
DataLoader(TensorDataset(...), shuffle=True) loop (checked on a 400-image, 2-epoch run).
Prints the tutorial's running loss every 2000 mini-batches on stderr and one JSON line on
stdout; writes the state_dict as safetensors.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

from simple_cnn import Net, evaluate, read_cifar10, save_state_dict, to_normalized_tensor, weights_metadata


def dataloader_shuffle_order(count):
    """The order DataLoader(dataset, shuffle=True, num_workers=0) visits samples in one epoch,
    drawn from torch's global RNG exactly as torch 1.13 does (the iterator's base seed, then
    RandomSampler's generator seed), so a seed gives the tutorial's very batches while the
    training loop indexes tensors directly instead of paying for per-sample collation."""
    torch.empty((), dtype=torch.int64).random_()
    seed = int(torch.empty((), dtype=torch.int64).random_().item())
    generator = torch.Generator()
    generator.manual_seed(seed)
    return torch.randperm(count, generator=generator)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="path to cifar-10-binary.tar.gz")
    parser.add_argument("--out", required=True, help="where to write the trained weights (.safetensors)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N training images only")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--momentum", type=float, default=0.9)
    return parser.parse_args()


def main():
    args = parse_args()
    # Fail before training, not after, if the output folder cannot be made.
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    train_images, train_labels = read_cifar10(args.data, "train")
    test_images, test_labels = read_cifar10(args.data, "test")
    if args.limit is not None:
        train_images, train_labels = train_images[:args.limit], train_labels[:args.limit]
    inputs = to_normalized_tensor(train_images)
    targets = torch.from_numpy(train_labels)

    net = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum)
    count = len(targets)
    images_seen = 0
    started = time.perf_counter()
    for epoch in range(args.epochs):
        net.train()
        order = dataloader_shuffle_order(count)
        running_loss = 0.0
        for i, start in enumerate(range(0, count, args.batch_size)):
            index = order[start:start + args.batch_size]
            optimizer.zero_grad()
            loss = criterion(net(inputs[index]), targets[index])
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            images_seen += len(index)
            if i % 2000 == 1999:
                print(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 2000:.3f}", file=sys.stderr)
                running_loss = 0.0
    train_seconds = time.perf_counter() - started

    result = evaluate(net, test_images, test_labels)
    save_state_dict(args.out, net, weights_metadata())
    print(json.dumps({
        "accuracy": result["accuracy"],
        "perClassAccuracy": result["perClassAccuracy"],
        "count": result["count"],
        "trainImages": int(count),
        "epochs": args.epochs,
        "batchSize": args.batch_size,
        "seed": args.seed,
        "threads": args.threads,
        "trainSeconds": round(train_seconds, 3),
        "imagesPerSecond": round(images_seen / train_seconds, 1) if train_seconds > 0 else None,
        "torch": torch.__version__,
        "weights": args.out,
    }))


if __name__ == "__main__":
    main()
