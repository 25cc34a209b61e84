"""The airbench-style network of @cnnkit/models' AirbenchNet, as a PyTorch module with the
same state_dict names and layouts, and the patch-whitening initialisation from data.

Architecture of KellerJordan/cifar10-airbench (airbench93: widths 64/128/128), re-derived:

    whiten   conv k×k (k = 2), C → 2·C·k² channels, no padding, with bias; weight frozen
    GELU
    layers.i (i = 0, 1, 2), a ConvGroup each:
        conv1 3×3 "same" no bias → max-pool 2 → norm1 → GELU → conv2 3×3 "same" → norm2 → GELU
    global max-pool (airbench's MaxPool2d(3): the map is 3×3 for 32×32 inputs)
    head     linear width → classes, no bias; output × scale (1/9)

BatchNorm: eps 1e-12, momentum 0.4 in PyTorch's convention (airbench writes 1 − 0.6),
weight frozen at 1. Conv init: PyTorch's default, then identity (Dirac) kernels in the first
in_channels filters and a zero bias (airbench's Conv.reset_parameters).

state_dict keys: whiten.weight, whiten.bias, then for each group i
layers.i.conv1.weight, layers.i.norm1.{weight, bias, running_mean, running_var,
num_batches_tracked}, layers.i.conv2.weight, layers.i.norm2.{…}, and head.weight.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Conv(nn.Conv2d):
    """nn.Conv2d whose reset_parameters zeroes the bias and makes the first in_channels filters
    identity kernels, so the layer starts by passing its input through."""

    def reset_parameters(self):
        super().reset_parameters()
        if self.bias is not None:
            self.bias.data.zero_()
        w = self.weight.data
        torch.nn.init.dirac_(w[:w.size(1)])


class BatchNorm(nn.BatchNorm2d):
    """nn.BatchNorm2d with momentum in PyTorch's convention and an optionally frozen weight."""

    def __init__(self, num_features, momentum=0.4, eps=1e-12, train_weight=False):
        super().__init__(num_features, eps=eps, momentum=momentum)
        self.weight.requires_grad = train_weight


class ConvGroup(nn.Module):
    def __init__(self, channels_in, channels_out, momentum, eps, train_weight):
        super().__init__()
        self.conv1 = Conv(channels_in, channels_out, 3, padding="same", bias=False)
        self.pool = nn.MaxPool2d(2)
        self.norm1 = BatchNorm(channels_out, momentum, eps, train_weight)
        self.conv2 = Conv(channels_out, channels_out, 3, padding="same", bias=False)
        self.norm2 = BatchNorm(channels_out, momentum, eps, train_weight)
        self.activ = nn.GELU()

    def forward(self, x):
        x = self.activ(self.norm1(self.pool(self.conv1(x))))
        return self.activ(self.norm2(self.conv2(x)))


class AirbenchNet(nn.Module):
    def __init__(self, widths=(64, 128, 128), num_classes=10, in_channels=3, whitening_kernel_size=2,
                 scale=1 / 9, batchnorm_momentum=0.4, batchnorm_eps=1e-12, train_batchnorm_weight=False):
        super().__init__()
        k = whitening_kernel_size
        whiten_width = 2 * in_channels * k * k
        self.whiten = Conv(in_channels, whiten_width, k, padding=0, bias=True)
        self.whiten.weight.requires_grad = False
        self.activ = nn.GELU()
        channels = [whiten_width, *widths]
        self.layers = nn.ModuleList(
            ConvGroup(channels[i], channels[i + 1], batchnorm_momentum, batchnorm_eps, train_batchnorm_weight)
            for i in range(len(widths)))
        self.head = nn.Linear(widths[-1], num_classes, bias=False)
        self.scale = scale

    def forward(self, x):
        x = self.activ(self.whiten(x))
        for group in self.layers:
            x = group(x)
        x = F.adaptive_max_pool2d(x, 1).flatten(1)
        return self.head(x) * self.scale


def patch_covariance(images, kernel_size=2, chunk=256):
    """E[p pᵀ] over every k×k patch p (flattened in (channel, row, column) order, the conv
    weight's own order) of NCHW images, uncentred, as airbench estimates it. As cnnkit's
    patchCovariance, chunk by chunk of images, but summed in float64 throughout: one float32
    matmul over millions of patches can lose enough precision (e.g. with a plain reference
    BLAS) to make the small eigenvalues negative and the whitening weights NaN."""
    n, c, h, w = images.shape
    d = c * kernel_size * kernel_size
    total = torch.zeros(d, d, dtype=torch.float64)
    count = 0
    for part in images.split(chunk):
        patches = part.unfold(2, kernel_size, 1).unfold(3, kernel_size, 1)
        patches = patches.permute(0, 2, 3, 1, 4, 5).reshape(-1, d).double()
        total += patches.T @ patches
        count += len(patches)
    return (total / count).to(images.dtype)


def whitening_weights(covariance, in_channels, kernel_size=2, eps=5e-4):
    """The whitening conv's weight: eigenvectors of the covariance, largest eigenvalue first,
    each divided by sqrt(eigenvalue + eps), then the same filters negated."""
    eigenvalues, eigenvectors = torch.linalg.eigh(covariance, UPLO="U")
    eigenvalues, eigenvectors = eigenvalues.flip(0), eigenvectors.T.flip(0)
    if not bool((eigenvalues + eps > 0).all()):
        raise ValueError(
            f"whitening_weights: eigenvalue {eigenvalues.min().item()} + eps {eps} is not "
            "positive: the covariance is not positive semi-definite; raise eps"
        )
    scaled = eigenvectors / torch.sqrt(eigenvalues + eps).view(-1, 1)
    filters = scaled.reshape(-1, in_channels, kernel_size, kernel_size)
    return torch.cat((filters, -filters)), eigenvalues, eigenvectors
