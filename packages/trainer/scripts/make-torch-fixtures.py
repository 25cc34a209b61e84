"""Writes src/fixtures/torch-reference.json: PyTorch's own numbers for the trainer's tests.

Run from packages/trainer:  python3 scripts/make-torch-fixtures.py
Needs torch (made with 1.13). The tests compare SgdOptimizer and crossEntropyLoss with these.
"""
import json
import pathlib

import torch

torch.manual_seed(0)


def sgd_case(name, steps, **options):
    param = torch.nn.Parameter(torch.randn(2, 3))
    initial = param.detach().clone()
    grads = [torch.randn(2, 3) for _ in range(steps)]
    optimizer = torch.optim.SGD([param], **options)
    for grad in grads:
        optimizer.zero_grad()
        param.grad = grad.clone()
        optimizer.step()
    buffer = optimizer.state[param].get("momentum_buffer")
    return {
        "name": name,
        "options": options,
        "shape": list(initial.shape),
        "initial": initial.flatten().tolist(),
        "grads": [g.flatten().tolist() for g in grads],
        "final": param.detach().flatten().tolist(),
        "momentumBuffer": None if buffer is None else buffer.flatten().tolist(),
    }


def cross_entropy_case():
    logits = (torch.randn(4, 5) * 3).requires_grad_()
    labels = torch.tensor([0, 3, 4, 3])
    loss = torch.nn.CrossEntropyLoss()(logits, labels)
    loss.backward()
    return {
        "logits": logits.detach().tolist(),
        "labels": labels.tolist(),
        "loss": loss.item(),
        "grad": logits.grad.tolist(),
    }


fixture = {
    "torch": torch.__version__,
    "sgd": [
        sgd_case("plain", 3, lr=0.1),
        sgd_case("momentum", 4, lr=0.05, momentum=0.9),
        sgd_case("momentum+weight decay", 4, lr=0.05, momentum=0.9, weight_decay=0.01),
        sgd_case("nesterov", 4, lr=0.05, momentum=0.8, nesterov=True),
        sgd_case("nesterov+weight decay", 3, lr=0.2, momentum=0.5, weight_decay=0.1, nesterov=True),
    ],
    "crossEntropy": cross_entropy_case(),
}
out = pathlib.Path(__file__).resolve().parent.parent / "src" / "fixtures" / "torch-reference.json"
out.write_text(json.dumps(fixture, indent=1) + "\n")
print(f"wrote {out}")
