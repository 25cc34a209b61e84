"""Evaluates safetensors weights (from train_reference.py or cnnkit's SimpleCNN.saveWeights)
with the tutorial's Net on the CIFAR-10 test set; prints one JSON line. The weights' metadata
(cnnkit.classes, cnnkit.input_shape) sizes the Net; files without it are CIFAR-10's.

    /usr/bin/python3 scripts/pytorch/eval_reference.py --data cifar-10-binary.tar.gz \
        --weights simple-cnn.safetensors [--limit N]
"""

import argparse
import json

from simple_cnn import CLASS_NAMES, evaluate, load_net, read_cifar10


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="path to cifar-10-binary.tar.gz")
    parser.add_argument("--weights", required=True, help="SimpleCNN weights (.safetensors)")
    parser.add_argument("--limit", type=int, default=None, help="evaluate the first N test images only")
    args = parser.parse_args()
    net, class_names = load_net(args.weights)
    if tuple(class_names) != CLASS_NAMES:
        parser.error(f"{args.weights} was trained on other classes ({', '.join(class_names)}); "
                     "this script evaluates on CIFAR-10")
    images, labels = read_cifar10(args.data, "test")
    if args.limit is not None:
        images, labels = images[:args.limit], labels[:args.limit]
    print(json.dumps(evaluate(net, images, labels)))


if __name__ == "__main__":
    main()
