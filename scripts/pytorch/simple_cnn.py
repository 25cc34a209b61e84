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


def feature_map_size(image_size):
    """Side of conv2's pooled map: 32 → 5 (the tutorial's 16 * 5 * 5 inputs of fc1), 64 → 13."""
    return ((image_size - 4) // 2 - 4) // 2


class Net(nn.Module):
    """Exactly the tutorial's network (same module names, so the same state_dict keys). Other
    class counts and square input sizes change fc3's outputs and fc1's inputs, as cnnkit's
    SimpleCNN.create({ numClasses, imageSize }) does."""

    def __init__(self, num_classes=10, image_size=32):
        super().__init__()
        side = feature_map_size(image_size)
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * side * side, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

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
    "BOOL": np.bool_,
}
_DTYPE_NAMES = {np.dtype(v): k for k, v in _DTYPES.items()}
_DTYPE_BYTES = {"BF16": 2, **{k: np.dtype(v).itemsize for k, v in _DTYPES.items()}}
# The reference writer (huggingface/safetensors) stores tensors by its Dtype enum order,
# descending, then by name; @cnnkit/safetensors does the same, so both give identical bytes.
_REFERENCE_DTYPE_ORDER = ["BOOL", "U8", "I8", "I16", "F16", "BF16", "I32", "F32", "F64", "I64"]


def save_safetensors(path, tensors, metadata=None):
    """Writes {name: torch.Tensor or np.ndarray} as little-endian safetensors, in the
    reference writer's order (widest dtype first, then by name)."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    arrays = {}
    for name, value in tensors.items():
        array = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
        dtype = _DTYPE_NAMES.get(array.dtype)
        if dtype is None:
            raise ValueError(f"{name}: dtype {array.dtype} cannot be written to safetensors")
        # ascontiguousarray turns a 0-d array (num_batches_tracked) into shape [1]; keep [].
        arrays[name] = (dtype, np.ascontiguousarray(array).reshape(array.shape))
    order = sorted(arrays, key=lambda n: (-_REFERENCE_DTYPE_ORDER.index(arrays[n][0]), n.encode("utf-8")))
    blobs = []
    offset = 0
    for name in order:
        dtype, array = arrays[name]
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
    """Returns ({name: np.ndarray}, metadata) from a safetensors file; BF16 becomes float32.
    Raises ValueError naming the tensor when the file breaks the format."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: {len(data)} bytes is too short for a safetensors file")
    (length,) = struct.unpack("<Q", data[:8])
    if length > len(data) - 8:
        raise ValueError(f"{path}: header length {length} exceeds the file ({len(data)} bytes)")
    header = json.loads(data[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    base = 8 + length
    tensors = {}
    spans = []
    for name, entry in header.items():
        dtype, shape, (begin, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in _DTYPE_BYTES:
            raise ValueError(f"{path}: tensor {name!r} has unsupported dtype {dtype!r}")
        expected = int(np.prod(shape, dtype=np.int64)) * _DTYPE_BYTES[dtype]
        if end - begin != expected or begin < 0 or base + end > len(data):
            raise ValueError(f"{path}: tensor {name!r} {dtype} {shape} needs {expected} bytes, "
                             f"data_offsets are [{begin}, {end}] of {len(data) - base}")
        raw = data[base + begin:base + end]
        if dtype == "BF16":
            # bfloat16 is the top half of a float32.
            array = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            array = np.frombuffer(raw, dtype=np.dtype(_DTYPES[dtype]).newbyteorder("<"))
        tensors[name] = array.reshape(shape)
        spans.append((begin, end, name))
    position = 0
    for begin, end, name in sorted(spans):
        if begin != position:
            raise ValueError(f"{path}: tensor {name!r} starts at {begin}, expected {position} "
                             "(overlapping or non-contiguous data)")
        position = end
    if base + position != len(data):
        raise ValueError(f"{path}: {len(data) - base - position} bytes after the last tensor")
    return tensors, metadata


# ---- weights metadata (the keys of @cnnkit/models' WEIGHTS_INFO_KEYS) ----------------------

def weights_metadata(class_names=CLASS_NAMES, image_size=32, resize="squash"):
    """The __metadata__ cnnkit writes for SimpleCNN weights: model name and options, class
    names, input shape, normalisation (the tutorial's Normalize(0.5, 0.5)) and resize policy."""
    return {
        "format": "pt",
        "cnnkit.model": "SimpleCNN",
        "cnnkit.model_name": "simple-cnn",
        "cnnkit.model_options": json.dumps({"numClasses": len(class_names), "imageSize": image_size},
                                           separators=(",", ":")),
        "cnnkit.classes": json.dumps(list(class_names), separators=(",", ":"), ensure_ascii=False),
        "cnnkit.input_shape": json.dumps([image_size, image_size, 3], separators=(",", ":")),
        "cnnkit.normalize": json.dumps({"mean": [0.5] * 3, "std": [0.5] * 3}, separators=(",", ":")),
        "cnnkit.resize": resize,
    }


def read_weights_info(metadata):
    """(class_names, image_size, normalize) from a file's metadata, with CIFAR-10's defaults for
    what it does not say (files PyTorch wrote without cnnkit's keys)."""
    class_names = tuple(json.loads(metadata["cnnkit.classes"])) if "cnnkit.classes" in metadata else CLASS_NAMES
    image_size = json.loads(metadata["cnnkit.input_shape"])[0] if "cnnkit.input_shape" in metadata else 32
    normalize = json.loads(metadata["cnnkit.normalize"]) if "cnnkit.normalize" in metadata else {
        "mean": [0.5] * 3, "std": [0.5] * 3}
    return class_names, image_size, normalize


def save_state_dict(path, model, metadata=None):
    """Writes SimpleCNN weights; pass weights_metadata(...) to label them (the default, the bare
    {"format", "cnnkit.model"}, is what cnnkit's SimpleCNN.saveWeights() itself writes)."""
    save_safetensors(path, {k: v.float() for k, v in model.state_dict().items()},
                     metadata or {"format": "pt", "cnnkit.model": "SimpleCNN"})


def load_state_dict(path, model):
    tensors, _ = load_safetensors(path)
    model.load_state_dict({k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in tensors.items()})


def load_net(path):
    """(Net sized from the file's metadata with its weights loaded, class names)."""
    _, metadata = load_safetensors(path)
    class_names, image_size, _ = read_weights_info(metadata)
    net = Net(num_classes=len(class_names), image_size=image_size)
    load_state_dict(path, net)
    return net, class_names


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
