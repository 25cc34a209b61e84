"""Writes the layer-parity fixtures of packages/models (deterministic; run from anywhere):

    /usr/bin/python3 scripts/pytorch/make_layer_fixtures.py

Inputs are float32; PyTorch computes every expected value in float64 from them (so the
fixtures carry PyTorch's exact answer and a test's tolerance measures cnnkit's float32 error
alone) and stores it as float32, except the eigen-decomposition fixtures, kept in float64.
Images are NHWC, as cnnkit feeds them; weights are in PyTorch's layouts.

batch-norm-2d.safetensors  x, upstream gradient, and for two settings — "default"
                           (nn.BatchNorm2d defaults: eps 1e-5, momentum 0.1) and "airbench"
                           (eps 1e-12, momentum 0.4, weight frozen) — the state before,
                           eval-mode output (from that state), train-mode output, the
                           state after that one train-mode forward, and the gradients of
                           sum(train-mode output · upstream)
gelu.safetensors           x over [-8, 8] and random, nn.GELU() (exact erf form), gradient
conv2d.safetensors         3×3 "same" without bias, and 2×2 "valid" with bias: y, dx, dw, db
max-pool-2d.safetensors    7×7 maps: max-pool 2, max-pool 3 and global max, with gradients
linear.safetensors         an NHWC feature map flattened in PyTorch's (C, H, W) order into a
                           linear layer without bias: y and dw
whitening.safetensors      smooth images, their 2×2 patch covariance, its eigenvalues
                           (largest first) and eigenvectors (rows), and the whitening weights
symmetric-eigen.safetensors  symmetric 12×12 matrices and numpy.linalg.eigh's results
"""

import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from airbench_net import patch_covariance, whitening_weights
from simple_cnn import save_safetensors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packages", "models", "src", "fixtures")
META = {"torch": torch.__version__, "made_by": "scripts/pytorch/make_layer_fixtures.py"}


def nhwc(t):
    return t.permute(0, 2, 3, 1).contiguous()


def nchw(t):
    return t.permute(0, 3, 1, 2).contiguous()


def f32(t):
    return t.detach().float()


def save(name, tensors):
    save_safetensors(os.path.join(OUT, name), tensors, META)


def batch_norm():
    x = nhwc(torch.randn(3, 4, 5, 5) * 2 + 3)
    upstream = nhwc(torch.randn(3, 4, 5, 5))
    out = {"x": x, "upstream": upstream}
    settings = {"default": dict(eps=1e-5, momentum=0.1, train_weight=True),
                "airbench": dict(eps=1e-12, momentum=0.4, train_weight=False)}
    for key, s in settings.items():
        bn = nn.BatchNorm2d(4, eps=s["eps"], momentum=s["momentum"])
        with torch.no_grad():
            if s["train_weight"]:
                bn.weight.copy_(torch.rand(4) + 0.5)
            bn.bias.copy_(torch.randn(4))
            bn.running_mean.copy_(torch.randn(4))
            bn.running_var.copy_(torch.rand(4) + 0.5)
            bn.num_batches_tracked.fill_(7 if s["train_weight"] else 0)
        bn.weight.requires_grad = s["train_weight"]
        for name, value in bn.state_dict().items():
            out[f"{key}.before.{name}"] = value.clone() if value.dtype == torch.int64 else f32(value).clone()
        bn = bn.double()
        bn.eval()
        with torch.no_grad():
            out[f"{key}.eval_y"] = f32(nhwc(bn(nchw(x).double())))
        xin = nchw(x).double().requires_grad_(True)
        bn.train()
        y = bn(xin)
        (y * nchw(upstream).double()).sum().backward()
        out[f"{key}.train_y"] = f32(nhwc(y))
        out[f"{key}.dx"] = f32(nhwc(xin.grad))
        if s["train_weight"]:
            out[f"{key}.dweight"] = f32(bn.weight.grad)
        out[f"{key}.dbias"] = f32(bn.bias.grad)
        for name, value in bn.state_dict().items():
            if name.startswith("running") or name == "num_batches_tracked":
                out[f"{key}.after.{name}"] = value.clone() if value.dtype == torch.int64 else f32(value)
    save("batch-norm-2d.safetensors", out)


def gelu():
    x = torch.cat([torch.linspace(-8, 8, 161), torch.randn(64) * 3]).float()
    upstream = torch.randn(x.shape)
    xin = x.double().requires_grad_(True)
    y = nn.GELU()(xin)
    (y * upstream.double()).sum().backward()
    save("gelu.safetensors", {"x": x, "upstream": upstream, "y": f32(y), "dx": f32(xin.grad)})


def conv2d():
    x = nhwc(torch.randn(2, 3, 6, 5))
    out = {"x": x}
    cases = {"same3": dict(k=3, padding="same", bias=False, out=4),
             "valid2": dict(k=2, padding=0, bias=True, out=5)}
    for key, c in cases.items():
        conv = nn.Conv2d(3, c["out"], c["k"], padding=c["padding"], bias=c["bias"])
        out[f"{key}.weight"] = f32(conv.weight)
        if c["bias"]:
            out[f"{key}.bias"] = f32(conv.bias)
        conv = conv.double()
        xin = nchw(x).double().requires_grad_(True)
        y = conv(xin)
        upstream = torch.randn(y.shape)
        (y * upstream.double()).sum().backward()
        out[f"{key}.upstream"] = nhwc(upstream)
        out[f"{key}.y"] = f32(nhwc(y))
        out[f"{key}.dx"] = f32(nhwc(xin.grad))
        out[f"{key}.dweight"] = f32(conv.weight.grad)
        if c["bias"]:
            out[f"{key}.dbias"] = f32(conv.bias.grad)
    save("conv2d.safetensors", out)


def max_pool():
    x = nhwc(torch.randn(2, 3, 7, 7))
    out = {"x": x}
    pools = {"pool2": lambda t: F.max_pool2d(t, 2), "pool3": lambda t: F.max_pool2d(t, 3),
             "global": lambda t: F.adaptive_max_pool2d(t, 1)}
    for key, pool in pools.items():
        xin = nchw(x).double().requires_grad_(True)
        y = pool(xin)
        upstream = torch.randn(y.shape)
        (y * upstream.double()).sum().backward()
        out[f"{key}.upstream"] = nhwc(upstream)
        out[f"{key}.y"] = f32(nhwc(y))
        out[f"{key}.dx"] = f32(nhwc(xin.grad))
    save("max-pool-2d.safetensors", out)


def linear():
    x = nhwc(torch.randn(2, 4, 3, 2))  # C=4, H=3, W=2
    layer = nn.Linear(24, 5, bias=False)
    weight = f32(layer.weight)
    layer = layer.double()
    y = layer(torch.flatten(nchw(x).double(), 1))
    upstream = torch.randn(y.shape)
    (y * upstream.double()).sum().backward()
    save("linear.safetensors", {"x": x, "weight": weight, "upstream": upstream, "y": f32(y),
                                "dweight": f32(layer.weight.grad)})


def smooth_images(n, size):
    """Images whose neighbouring pixels and channels are correlated, as photographs are, so the
    patch covariance has well-separated eigenvalues (eigenvectors are then well defined)."""
    coarse = torch.rand(n, 3, size // 3, size // 3)
    fine = F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)
    mixing = torch.tensor([[1.0, 0.3, 0.1], [0.4, 1.0, 0.2], [0.2, 0.5, 1.0]])
    mixed = torch.einsum("dc,nchw->ndhw", mixing, fine)
    return (mixed + 0.3 * torch.randn(mixed.shape) - 0.5).float()


def whitening():
    images = smooth_images(6, 12)
    covariance = patch_covariance(images.double(), 2)
    weights, eigenvalues, eigenvectors = whitening_weights(covariance, 3, 2, eps=5e-4)
    gaps = (eigenvalues[:-1] - eigenvalues[1:]) / eigenvalues[0]
    assert gaps.min() > 1e-3, f"eigenvalues too close for a sign-free comparison: {gaps.min()}"
    save("whitening.safetensors", {"images_nhwc": nhwc(images), "covariance": covariance,
                                   "eigenvalues": eigenvalues, "eigenvectors": eigenvectors.contiguous(),
                                   "weights": weights.contiguous()})


def symmetric_eigen():
    rng = np.random.default_rng(0)
    out = {}
    b = rng.standard_normal((12, 12))
    matrices = {"spd": b @ b.T, "indefinite": (b + b.T) / 2,
                "scaled": np.diag(10.0 ** np.arange(-6, 6)) + 1e-7 * np.ones((12, 12))}
    for key, m in matrices.items():
        values, vectors = np.linalg.eigh(m)
        out[f"{key}.matrix"] = m
        out[f"{key}.eigenvalues"] = values[::-1].copy()
        out[f"{key}.eigenvectors"] = vectors.T[::-1].copy()
    save("symmetric-eigen.safetensors", out)


def main():
    os.makedirs(OUT, exist_ok=True)
    for make in (batch_norm, gelu, conv2d, max_pool, linear, whitening, symmetric_eigen):
        # Each fixture from its own seed, so changing one leaves the others' bytes alone.
        torch.manual_seed(0)
        make()


if __name__ == "__main__":
    main()
