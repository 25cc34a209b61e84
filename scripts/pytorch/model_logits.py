"""Loads a cnnkit-written (or PyTorch-written) state_dict into the reference module of a
@cnnkit/models registry name — strictly, every key and shape must match — and writes what
PyTorch computes from it, for cnnkit's weight round-trip tests:

    /usr/bin/python3 scripts/pytorch/model_logits.py --model airbench --options '{"widths": [8, 16, 16]}' \
        --weights in.safetensors --images images.safetensors --out out.safetensors [--resave copy.safetensors]

--images holds `images_nhwc` (float32 [n, h, w, c], as cnnkit feeds them). --out gets
`logits` (eval mode), `train_logits` (one train-mode forward) and the state_dict after that
forward (running statistics and num_batches_tracked updated, under their own names).
--resave writes the loaded state_dict back, as it was before the forward.
"""

import argparse
import json

import torch

from model_zoo import build_model
from simple_cnn import load_safetensors, save_safetensors
from torch_state_dict import load_module, save_module


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="registry name: simple-cnn, airbench or resnet9")
    parser.add_argument("--options", default="{}", help="the createModel options as JSON")
    parser.add_argument("--weights", required=True, help="state_dict (.safetensors)")
    parser.add_argument("--images", required=True, help="safetensors with images_nhwc")
    parser.add_argument("--out", required=True, help="where to write the results (.safetensors)")
    parser.add_argument("--resave", help="also write the loaded state_dict here")
    args = parser.parse_args()
    torch.set_num_threads(1)
    model, class_name = build_model(args.model, json.loads(args.options))
    load_module(args.weights, model)
    if args.resave:
        save_module(args.resave, model, class_name)
    tensors, _ = load_safetensors(args.images)
    images = torch.from_numpy(tensors["images_nhwc"].copy()).permute(0, 3, 1, 2).contiguous()
    with torch.no_grad():
        model.eval()
        logits = model(images)
        model.train()
        train_logits = model(images)
    after = {name: value for name, value in model.state_dict().items()}
    save_safetensors(args.out, {"logits": logits, "train_logits": train_logits, **after},
                     {"torch": torch.__version__, "made_by": "scripts/pytorch/model_logits.py"})


if __name__ == "__main__":
    main()
