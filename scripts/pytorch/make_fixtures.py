"""Writes the PyTorch-parity fixtures of packages/models (run from anywhere):

    /usr/bin/python3 scripts/pytorch/make_fixtures.py

simple-cnn-weights.safetensors  the tutorial Net's state_dict from torch.manual_seed(0)
simple-cnn-io.safetensors       images_nhwc [2,32,32,3] (normalized, as cnnkit feeds them),
                                logits [2,10] from PyTorch for those images and weights
"""

import os

import numpy as np
import torch

from simple_cnn import Net, save_safetensors, save_state_dict

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packages", "models", "src", "fixtures")


def main():
    torch.manual_seed(0)
    net = Net()
    # Two images in [-1, 1], the range of the tutorial's Normalize(0.5, 0.5).
    images_nchw = torch.rand(2, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        logits = net(images_nchw)
    os.makedirs(OUT, exist_ok=True)
    save_state_dict(os.path.join(OUT, "simple-cnn-weights.safetensors"), net)
    save_safetensors(
        os.path.join(OUT, "simple-cnn-io.safetensors"),
        {"images_nhwc": images_nchw.permute(0, 2, 3, 1).contiguous(), "logits": logits},
        {"torch": torch.__version__, "made_by": "scripts/pytorch/make_fixtures.py"},
    )
    print(np.array2string(logits.numpy(), precision=5))


if __name__ == "__main__":
    main()
