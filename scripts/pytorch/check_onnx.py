"""Runs ONNX's own checker on ONNX files, for cnnkit's export tests (needs only the `onnx`
package; Debian's python3-onnx is 1.12.0, which knows opsets up to 17):

    /usr/bin/python3 scripts/pytorch/check_onnx.py a.onnx [b.onnx ...]

Each file must pass `onnx.checker.check_model(model, full_check=True)` (the structural checks
plus strict shape inference); one JSON line per file gives its opset, IR version and metadata.
"""

import json
import sys

import onnx


def main():
    for path in sys.argv[1:]:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        opsets = {o.domain or "ai.onnx": o.version for o in model.opset_import}
        print(json.dumps({
            "file": path,
            "opset": opsets.get("ai.onnx"),
            "ir_version": model.ir_version,
            "metadata": {p.key: p.value for p in model.metadata_props},
            "onnx": onnx.__version__,
        }))


if __name__ == "__main__":
    main()
