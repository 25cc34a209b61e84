"""Exports the tutorial's `Net` with weights from a .safetensors file (cnnkit's or PyTorch's)
through `torch.onnx.export`, as a PyTorch user would, for cnnkit's ONNX comparison test:

    /usr/bin/python3 scripts/pytorch/export_onnx.py --weights w.safetensors --out net.onnx

The file has opset 17 (what cnnkit writes), input `images` (NCHW float32, batch dimension
dynamic) and output `logits`, evaluation mode.
"""

import argparse

import torch

from simple_cnn import Net, load_state_dict


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", required=True, help="the tutorial Net's state_dict (.safetensors)")
    parser.add_argument("--out", required=True, help="where to write the ONNX file")
    args = parser.parse_args()
    net = Net()
    load_state_dict(args.weights, net)
    net.eval()
    torch.onnx.export(
        net,
        torch.zeros(1, 3, 32, 32),
        args.out,
        opset_version=17,
        input_names=["images"],
        output_names=["logits"],
        dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}},
    )


if __name__ == "__main__":
    main()
