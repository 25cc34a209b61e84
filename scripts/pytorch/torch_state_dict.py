"""A module's state_dict as safetensors, dtypes kept: float32 tensors as F32 and BatchNorm's
int64 num_batches_tracked as I64, exactly as cnnkit's saveWeights writes them (same names,
same order, same metadata), so a file round-tripped through cnnkit comes back byte for byte.
"""

import numpy as np
import torch

from simple_cnn import load_safetensors, save_safetensors


def save_module(path, module, model_name):
    """Writes module.state_dict() with metadata {"format": "pt", "cnnkit.model": model_name}."""
    tensors = {}
    for name, value in module.state_dict().items():
        if value.dtype == torch.int64:
            tensors[name] = value
        else:
            tensors[name] = value.float()
    save_safetensors(path, tensors, {"format": "pt", "cnnkit.model": model_name})


def load_module(path, module):
    """Loads a safetensors state_dict into module (strict: every key must match); float
    tensors take the module's dtype, integer tensors become int64."""
    tensors, metadata = load_safetensors(path)
    reference = module.state_dict()
    state = {}
    for name, array in tensors.items():
        target = reference.get(name)
        dtype = target.dtype if target is not None else torch.float32
        state[name] = torch.from_numpy(np.array(array)).to(dtype)
    module.load_state_dict(state, strict=True)
    return metadata
