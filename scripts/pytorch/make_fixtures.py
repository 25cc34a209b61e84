"""Writes the PyTorch-parity fixtures of packages/models (run from anywhere):

    /usr/bin/python3 scripts/pytorch/make_fixtures.py

simple-cnn-weights.safetensors  the tutorial Net's state_dict from torch.manual_seed(0)
simple-cnn-io.safetensors       images_nhwc [2,32,32,3] (normalized, as cnnkit feeds them),
                                logits [2,10] from PyTorch for those images and weights
simple-cnn-grads.safetensors    labels [2] and PyTorch's gradients of the mean cross-entropy
                                loss for them: every small parameter in full, and the first
                                two rows of fc1.weight (enough to check its feature order)
                                while keeping the fixtures under 300 KB
"""

import os

import numpy as np
import torch

from simple_cnn import Net, save_safetensors, save_state_dict

GRADIENTS_IN_FULL = ("conv1.weight", "conv1.bias", "conv2.bias", "fc1.bias", "fc2.bias", "fc3.weight", "fc3.bias")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packages", "models", "src", "fixtures")


def main():
    torch.manual_seed(0)
    net = Net()
    # Two images in [-1, 1], the range of the tutorial's Normalize(0.5, 0.5).
    images_nchw = torch.rand(2, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        logits = net(images_nchw)
    labels = torch.tensor([3, 7])
    torch.nn.functional.cross_entropy(net(images_nchw), labels).backward()
    grads = {f"{name}.grad": p.grad for name, p in net.named_parameters() if name in GRADIENTS_IN_FULL}
    grads["fc1.weight.grad"] = net.fc1.weight.grad[:2]
    os.makedirs(OUT, exist_ok=True)
    save_state_dict(os.path.join(OUT, "simple-cnn-weights.safetensors"), net)
    save_safetensors(
        os.path.join(OUT, "simple-cnn-io.safetensors"),
        {"images_nhwc": images_nchw.permute(0, 2, 3, 1).contiguous(), "logits": logits},
        {"torch": torch.__version__, "made_by": "scripts/pytorch/make_fixtures.py"},
    )
    save_safetensors(
        os.path.join(OUT, "simple-cnn-grads.safetensors"),
        {"labels": labels.to(torch.int32), **grads},
        {"torch": torch.__version__, "loss": "cross_entropy(mean)", "fc1.weight.grad": "rows 0..1"},
    )
    print(np.array2string(logits.numpy(), precision=5))


if __name__ == "__main__":
    main()
