"""The ResNet-9 of David Page's DAWNBench entry ("How to train your ResNet", Myrtle.ai, 2018),
as @cnnkit/models' ResNet9 builds it, with the same state_dict names and layouts:

    prep     conv_bn(C → 64)
    layer1   conv_bn(64 → 128) → max-pool 2 → residual(128)
    layer2   conv_bn(128 → 256) → max-pool 2
    layer3   conv_bn(256 → 512) → max-pool 2 → residual(512)
    global max-pool (Page's MaxPool2d(4): the map is 4×4 for 32×32 inputs), flatten
    linear   512 → classes, no bias; output × scale (0.125)

conv_bn is conv 3×3 (padding 1, no bias) → BatchNorm → ReLU; residual(c) is
x + res2(res1(x)) with res1, res2 = conv_bn(c → c). The names follow Page's graph
(prep.conv.weight, prep.bn.weight, …, layer1.residual.res1.conv.weight, …, linear.weight).
"""

import torch.nn as nn
import torch.nn.functional as F

DEFAULT_WIDTHS = {"prep": 64, "layer1": 128, "layer2": 256, "layer3": 512}


class ConvBN(nn.Module):
    def __init__(self, c_in, c_out, eps, momentum, train_weight):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c_out, eps=eps, momentum=momentum)
        self.bn.weight.requires_grad = train_weight

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Residual(nn.Module):
    def __init__(self, c, eps, momentum, train_weight):
        super().__init__()
        self.res1 = ConvBN(c, c, eps, momentum, train_weight)
        self.res2 = ConvBN(c, c, eps, momentum, train_weight)

    def forward(self, x):
        return x + self.res2(self.res1(x))


class Layer(nn.Module):
    def __init__(self, c_in, c_out, residual, eps, momentum, train_weight):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c_out, eps=eps, momentum=momentum)
        self.bn.weight.requires_grad = train_weight
        self.residual = Residual(c_out, eps, momentum, train_weight) if residual else None

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return self.residual(x) if self.residual is not None else x


class ResNet9(nn.Module):
    def __init__(self, widths=None, num_classes=10, in_channels=3, scale=0.125, batchnorm_momentum=0.1,
                 batchnorm_eps=1e-5, train_batchnorm_weight=True):
        super().__init__()
        w = {**DEFAULT_WIDTHS, **(widths or {})}
        bn = (batchnorm_eps, batchnorm_momentum, train_batchnorm_weight)
        self.prep = ConvBN(in_channels, w["prep"], *bn)
        self.layer1 = Layer(w["prep"], w["layer1"], True, *bn)
        self.layer2 = Layer(w["layer1"], w["layer2"], False, *bn)
        self.layer3 = Layer(w["layer2"], w["layer3"], True, *bn)
        self.linear = nn.Linear(w["layer3"], num_classes, bias=False)
        self.scale = scale

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.prep(x))))
        x = F.adaptive_max_pool2d(x, 1).flatten(1)
        return self.linear(x) * self.scale
