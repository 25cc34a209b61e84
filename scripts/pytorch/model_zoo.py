"""Builds the reference PyTorch module for a @cnnkit/models registry name and its options,
given as the same JSON object cnnkit's createModel takes (camelCase keys; seed is ignored:
cnnkit and PyTorch draw initial weights from different generators)."""

from airbench_net import AirbenchNet
from resnet9 import ResNet9
from simple_cnn import Net

# cnnkit option → PyTorch keyword argument
_KEYWORDS = {
    "numClasses": "num_classes",
    "inputChannels": "in_channels",
    "widths": "widths",
    "whiteningKernelSize": "whitening_kernel_size",
    "outputScale": "scale",
    "batchNormMomentum": "batchnorm_momentum",
    "batchNormEps": "batchnorm_eps",
    "batchNormWeightTrainable": "train_batchnorm_weight",
    "imageSize": "image_size",
}

MODELS = {
    "simple-cnn": ("SimpleCNN", Net),
    "airbench": ("AirbenchNet", AirbenchNet),
    "resnet9": ("ResNet9", ResNet9),
}


def build_model(name, options=None):
    """(module, cnnkit class name) for a registry name such as "airbench" or "simple-cnn"."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    class_name, constructor = MODELS[name]
    kwargs = {}
    for key, value in (options or {}).items():
        if key == "seed":
            continue
        if key not in _KEYWORDS:
            raise ValueError(f"option {key!r} has no PyTorch counterpart; known: {', '.join(_KEYWORDS)}")
        kwargs[_KEYWORDS[key]] = tuple(value) if key == "widths" and isinstance(value, list) else value
    return constructor(**kwargs), class_name
