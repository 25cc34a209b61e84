"""The CNN of PyTorch's "Training a Classifier" tutorial, plus the file formats cnnkit shares
with it: safetensors (written and read with struct + json, no extra packages) and the
CIFAR-10 binary archive (cifar-10-binary.tar.gz).

cnnkit's @cnnkit/models SimpleCNN uses the same parameter names and layouts, so weights
saved by either side load in the other.
"""

import json
import struct
import tarfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASS_NAMES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)


class Net(nn.Module):
    """Exactly the tutorial's network (same module names, so the same state_dict keys)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


# ---- safetensors -------------------------------------------------------------------------

_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8,
}
_DTYPE_NAMES = {np.dtype(v): k for k, v in _DTYPES.items()}


def save_safetensors(path, tensors, metadata=None):
    """Writes {name: torch.Tensor or np.ndarray} as little-endian safetensors, in dict order."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, value in tensors.items():
        array = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
        array = np.ascontiguousarray(array)
        dtype = _DTYPE_NAMES.get(array.dtype)
        if dtype is None:
            raise ValueError(f"{name}: dtype {array.dtype} cannot be written to safetensors")
        blob = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # Pad with spaces to 8 bytes so tensor data stays aligned, as the reference writer does.
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def load_safetensors(path):
    """Returns ({name: np.ndarray}, metadata) from a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = np.dtype(_DTYPES[entry["dtype"]]).newbyteorder("<")
        tensors[name] = np.frombuffer(data[base + begin:base + end], dtype=dtype).reshape(entry["shape"])
    return tensors, metadata


def save_state_dict(path, model):
    save_safetensors(path, {k: v.float() for k, v in model.state_dict().items()},
                     {"format": "pt", "cnnkit.model": "SimpleCNN"})


def load_state_dict(path, model):
    tensors, _ = load_safetensors(path)
    model.load_state_dict({k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in tensors.items()})


# ---- CIFAR-10 ------------------------------------------------------------------------------

_RECORD_BYTES = 1 + 3 * 32 * 32


def read_cifar10(archive, split):
    """(images uint8 [n, 3, 32, 32] CHW as stored, labels int64 [n]) for split "train" or "test"."""
    wanted = [f"data_batch_{i}.bin" for i in range(1, 6)] if split == "train" else ["test_batch.bin"]
    found = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            base = member.name.rsplit("/", 1)[-1]
            if member.isfile() and base in wanted:
                found[base] = tar.extractfile(member).read()
    missing = [w for w in wanted if w not in found]
    if missing:
        raise FileNotFoundError(f"{archive}: missing {', '.join(missing)}; is it cifar-10-binary.tar.gz?")
    records = np.frombuffer(b"".join(found[w] for w in wanted), dtype=np.uint8).reshape(-1, _RECORD_BYTES)
    labels = records[:, 0].astype(np.int64)
    images = records[:, 1:].reshape(-1, 3, 32, 32)
    return images, labels


def to_normalized_tensor(images):
    """The tutorial's ToTensor() + Normalize((0.5,)*3, (0.5,)*3) on a uint8 CHW batch."""
    return (torch.from_numpy(images.astype(np.float32)) / 255.0 - 0.5) / 0.5


def evaluate(model, images, labels, batch_size=1000):
    """{accuracy, perClassAccuracy: {class: acc}, count} like the tutorial's test loop."""
    model.eval()
    correct = np.zeros(10, dtype=np.int64)
    total = np.zeros(10, dtype=np.int64)
    with torch.no_grad():
        for start in range(0, len(labels), batch_size):
            x = to_normalized_tensor(images[start:start + batch_size])
            y = labels[start:start + batch_size]
            predicted = model(x).argmax(1).numpy()
            np.add.at(total, y, 1)
            np.add.at(correct, y, (predicted == y).astype(np.int64))
    return {
        "accuracy": float(correct.sum() / max(total.sum(), 1)),
        "perClassAccuracy": {name: (float(correct[i] / total[i]) if total[i] else None)
                             for i, name in enumerate(CLASS_NAMES)},
        "count": int(total.sum()),
    }
