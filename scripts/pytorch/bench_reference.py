"""PyTorch side of `pnpm bench`: times training steps and test-set evaluation of the tutorial's
Net on CIFAR-10, the same images in the same order and with the same per-batch transform
(ToTensor + Normalize(0.5, 0.5)) as cnnkit's benchmark, and prints JSON.

    # one shot: warm-up, then `--repeats` timed runs per batch size, and the evaluation
    /usr/bin/python3 scripts/pytorch/bench_reference.py --data cifar-10-binary.tar.gz \
        [--batch-sizes 4,64 --warmup 20 --batches 100 --repeats 3 --eval-batch 1000 --threads 1]

    # serve: one JSON request per stdin line, one JSON reply per stdout line (what the node
    # benchmark uses, so that it can alternate cnnkit and PyTorch runs)
    /usr/bin/python3 scripts/pytorch/bench_reference.py --data cifar-10-binary.tar.gz --serve

Requests in serve mode:
    {"op": "info"}
    {"op": "threads", "threads": 2}                        torch.set_num_threads, replies like info
    {"op": "train-setup", "batchSize": 4, "warmup": 20}   new Net + SGD, then warm-up batches
    {"op": "train", "batchSize": 4, "batches": 100}        timed batches, continuing the cursor
    {"op": "eval", "batchSize": 1000, "limit": 10000}      timed evaluation of the first `limit`
Every reply is one JSON object with "ok": true, or "ok": false and "error".

Batch k of a run holds training images [(k mod n) * b, (k mod n) * b + b) with n = count // b
(no shuffle, last partial batch dropped), exactly what cnnkit's DataLoader(shuffle: false,
dropLast: true) yields. A step is zero_grad, forward, cross-entropy, backward, SGD(lr 0.001,
momentum 0.9), loss.item(): cnnkit reads every loss back too.
"""

import argparse
import json
import os
import re
import sys
import tarfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from simple_cnn import Net, to_normalized_tensor

_RECORD_BYTES = 1 + 3 * 32 * 32
_TRAIN_FILE = re.compile(r"^data_batch_(\d+)\.bin$")


def read_split(path, split):
    """(images uint8 [n, 3, 32, 32], labels int64 [n]) from a cifar-10-binary.tar.gz or an
    extracted directory. Unlike simple_cnn.read_cifar10 it takes whichever data_batch_N.bin
    files exist (in N order), as cnnkit's reader does, so the embedded 2,000-image sample
    (data_batch_1.bin only) works too."""
    files = {}
    if os.path.isdir(path):
        for root, _, names in os.walk(path):
            for name in names:
                if name == "test_batch.bin" or _TRAIN_FILE.match(name):
                    with open(os.path.join(root, name), "rb") as f:
                        files[name] = f.read()
    else:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                name = member.name.rsplit("/", 1)[-1]
                if member.isfile() and (name == "test_batch.bin" or _TRAIN_FILE.match(name)):
                    files[name] = tar.extractfile(member).read()
    if split == "test":
        wanted = ["test_batch.bin"] if "test_batch.bin" in files else []
    else:
        wanted = sorted((n for n in files if _TRAIN_FILE.match(n)),
                        key=lambda n: int(_TRAIN_FILE.match(n).group(1)))
    if not wanted:
        raise FileNotFoundError(f"{path}: no CIFAR-10 {split} files (data_batch_N.bin / test_batch.bin); "
                                "give cifar-10-binary.tar.gz or its extracted directory")
    records = np.frombuffer(b"".join(files[n] for n in wanted), dtype=np.uint8).reshape(-1, _RECORD_BYTES)
    return records[:, 1:].reshape(-1, 3, 32, 32), records[:, 0].astype(np.int64)


class Bench:
    def __init__(self, data, threads, seed):
        torch.set_num_threads(threads)
        self.threads = threads
        self.seed = seed
        self.train_images, self.train_labels = read_split(data, "train")
        self.test_images, self.test_labels = read_split(data, "test")
        self.runs = {}
        self.eval_net = None

    def info(self):
        return {"torch": torch.__version__, "threads": torch.get_num_threads(),
                "trainImages": int(len(self.train_labels)), "testImages": int(len(self.test_labels))}

    def _steps(self, run, count):
        net, optimizer, batch_size = run["net"], run["optimizer"], run["batchSize"]
        per_epoch = len(self.train_labels) // batch_size
        for _ in range(count):
            start = (run["cursor"] % per_epoch) * batch_size
            run["cursor"] += 1
            # Transformed per batch, as cnnkit's DataLoader does (and the tutorial's loader).
            x = to_normalized_tensor(self.train_images[start:start + batch_size])
            y = torch.from_numpy(self.train_labels[start:start + batch_size])
            optimizer.zero_grad()
            loss = F.cross_entropy(net(x), y)
            loss.backward()
            optimizer.step()
            run["lastLoss"] = loss.item()

    def train_setup(self, batch_size, warmup):
        if len(self.train_labels) < batch_size:
            raise ValueError(f"batch size {batch_size} is larger than the {len(self.train_labels)} training images")
        torch.manual_seed(self.seed)
        net = Net()
        net.train()
        optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
        run = {"net": net, "optimizer": optimizer, "batchSize": batch_size, "cursor": 0, "lastLoss": None}
        self.runs[batch_size] = run
        started = time.perf_counter()
        self._steps(run, warmup)
        return {"batchSize": batch_size, "warmupBatches": warmup,
                "warmupSeconds": time.perf_counter() - started}

    def train(self, batch_size, batches):
        run = self.runs.get(batch_size)
        if run is None:
            raise ValueError(f"send train-setup for batch size {batch_size} first")
        started = time.perf_counter()
        self._steps(run, batches)
        seconds = time.perf_counter() - started
        return {"batchSize": batch_size, "batches": batches, "images": batches * batch_size,
                "seconds": seconds, "loss": run["lastLoss"]}

    def evaluate(self, batch_size, limit):
        if self.eval_net is None:
            torch.manual_seed(self.seed)
            self.eval_net = Net()
            self.eval_net.eval()
        count = min(limit or len(self.test_labels), len(self.test_labels))
        correct = 0
        loss_sum = 0.0
        started = time.perf_counter()
        # The same work as cnnkit's evaluate: logits, summed cross-entropy and argmax per batch.
        with torch.no_grad():
            for start in range(0, count, batch_size):
                end = min(start + batch_size, count)
                x = to_normalized_tensor(self.test_images[start:end])
                y = torch.from_numpy(self.test_labels[start:end])
                logits = self.eval_net(x)
                loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
                correct += int((logits.argmax(1) == y).sum().item())
        seconds = time.perf_counter() - started
        return {"batchSize": batch_size, "images": count, "seconds": seconds,
                "accuracy": correct / count, "loss": loss_sum / count}

    def set_threads(self, threads):
        # The benchmark compares each batch size with PyTorch at its own best setting (1 thread
        # at batch 4, all cores at batch 64), so the thread count changes between requests.
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        torch.set_num_threads(threads)
        self.threads = threads
        return self.info()

    def handle(self, request):
        op = request.get("op")
        if op == "info":
            return self.info()
        if op == "threads":
            return self.set_threads(int(request["threads"]))
        if op == "train-setup":
            return self.train_setup(int(request["batchSize"]), int(request.get("warmup", 0)))
        if op == "train":
            return self.train(int(request["batchSize"]), int(request["batches"]))
        if op == "eval":
            return self.evaluate(int(request["batchSize"]), request.get("limit"))
        raise ValueError(f"unknown op {op!r}; use info, threads, train-setup, train or eval")


def serve(bench):
    print(json.dumps({"ok": True, "ready": True, **bench.info()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = {"ok": True, **bench.handle(json.loads(line))}
        except Exception as error:  # the caller shows the message; the server keeps going
            reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


def one_shot(bench, args):
    train = []
    for batch_size in args.batch_sizes:
        bench.train_setup(batch_size, args.warmup)
        runs = [bench.train(batch_size, args.batches) for _ in range(args.repeats)]
        train.append({"batchSize": batch_size, "warmupBatches": args.warmup, "timedBatches": args.batches,
                      "imagesPerSecond": [r["images"] / r["seconds"] for r in runs]})
    bench.evaluate(args.eval_batch, args.eval_batch)  # warm-up on one batch
    evals = [bench.evaluate(args.eval_batch, None) for _ in range(args.repeats)]
    print(json.dumps({
        **bench.info(),
        "train": train,
        "eval": {"batchSize": args.eval_batch, "images": evals[0]["images"],
                 "imagesPerSecond": [r["images"] / r["seconds"] for r in evals]},
    }))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="cifar-10-binary.tar.gz or its extracted directory")
    parser.add_argument("--serve", action="store_true", help="answer JSON requests on stdin, one per line")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="torch.manual_seed before each new Net")
    parser.add_argument("--batch-sizes", type=lambda s: [int(v) for v in s.split(",")], default=[4, 64])
    parser.add_argument("--warmup", type=int, default=20, help="untimed batches before timing")
    parser.add_argument("--batches", type=int, default=100, help="timed batches per repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--eval-batch", type=int, default=1000)
    return parser.parse_args()


def main():
    args = parse_args()
    bench = Bench(args.data, args.threads, args.seed)
    if args.serve:
        serve(bench)
    else:
        one_shot(bench, args)


if __name__ == "__main__":
    main()
