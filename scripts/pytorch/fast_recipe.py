"""cnnkit's `fast` recipe in PyTorch: airbench93's training (KellerJordan/cifar10-airbench,
`airbench/utils.py` and `lib_airbench93.py`), re-derived piece by piece. The pieces are the
numeric oracle of @cnnkit/trainer's tests (make_recipe_fixtures.py imports them) and
train_fast_recipe.py runs them end to end for `pnpm bench --time-to-accuracy`.

Hyper-parameters are airbench's decoupled ones (per 1,024 examples, see FAST_RECIPE) and are
turned into torch.optim.SGD's coupled form exactly as airbench does (sgd_param_groups).
"""

import math

import torch
import torch.nn.functional as F

CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2470, 0.2435, 0.2616)

# airbench93's hyper-parameters (hyp in lib_airbench93.py and utils.train's defaults).
FAST_RECIPE = {
    "model": "airbench",
    "widths": [64, 128, 128],
    "epochs": 11,
    "batchSize": 1024,
    "lr": 11.5,  # per 1,024 examples, decoupled from momentum
    "momentum": 0.85,
    "weightDecay": 0.0153,  # per 1,024 examples, decoupled from the learning rate
    "biasLrScale": 64.0,  # BatchNorm biases: lr × 64, weight decay unchanged
    "labelSmoothing": 0.2,
    "whiteningBiasEpochs": 3,
    "whiteningImages": 5000,
    "whiteningEps": 5e-4,
    "translate": 2,
    "flip": "alternating",
    "tta": "mirror-translate",
    # learning-rate factor: 0.2 → 1 over the first 23 % of the steps, then → 0.07
    "lrSchedule": [[0.0, 0.2], [0.23, 1.0], [1.0, 0.07]],
    "lookaheadEvery": 5,
    "lookaheadDecay": 0.95 ** 5,
    "lookaheadPower": 3,
}


def torch_sgd_settings(lr, momentum, weight_decay, bias_lr_scale, batch_size):
    """airbench's conversion of its decoupled hyper-parameters to torch.optim.SGD's:
    (lr of the other parameters, lr of BatchNorm biases, weight decay of each group). The
    learning rate is divided by k = 1024·(1 + 1/(1 − momentum)), the size of a Nesterov step
    relative to a constant gradient; torch's weight_decay of a group is (wd·batch/k) / its lr,
    so that lr·weight_decay, the actual decay per step, is the same for both groups."""
    kilostep = 1024 * (1 + 1 / (1 - momentum))
    torch_lr = lr / kilostep
    decay = weight_decay * batch_size / kilostep
    bias_lr = torch_lr * bias_lr_scale
    return {"lr": torch_lr, "biasLr": bias_lr, "weightDecay": decay / torch_lr,
            "biasWeightDecay": decay / bias_lr}


def sgd_param_groups(model, settings):
    """Two groups as airbench builds them: BatchNorm biases (trainable 'norm' parameters) and
    every other trainable parameter."""
    norm_biases = [p for k, p in model.named_parameters() if "norm" in k and p.requires_grad]
    others = [p for k, p in model.named_parameters() if "norm" not in k and p.requires_grad]
    return [dict(params=norm_biases, lr=settings["biasLr"], weight_decay=settings["biasWeightDecay"]),
            dict(params=others, lr=settings["lr"], weight_decay=settings["weightDecay"])]


def lr_factor(step, total_steps, points):
    """The learning-rate multiplier of (0-based) step `step`: linear between `points`, each
    (fraction of the run, factor), the breakpoint of fraction f at step int(total · f) — for
    airbench's [(0, 0.2), (0.23, 1), (1, 0.07)] exactly its get_lr."""
    for (f0, v0), (f1, v1) in zip(points, points[1:]):
        start, end = int(total_steps * f0), int(total_steps * f1)
        if step < end or (f1 >= 1 and step >= end):
            frac = (step - start) / (end - start)
            return v0 * (1 - frac) + v1 * frac
    raise ValueError(f"no segment for step {step}")


def lookahead_decays(total_steps, base, power):
    """airbench's alpha_schedule: base · (step / total)^power for step 0…total, in float32."""
    return base * (torch.arange(total_steps + 1) / total_steps) ** power


class Lookahead:
    """airbench's LookaheadState: an EMA copy of every state_dict tensor; update() moves the
    float ones toward the network (lerp by 1 − decay) and puts the network back on the EMA."""

    def __init__(self, model):
        self.ema = {k: v.clone() for k, v in model.state_dict().items()}

    def update(self, model, decay):
        for ema, current in zip(self.ema.values(), model.state_dict().values()):
            if current.dtype in (torch.half, torch.float, torch.double):
                ema.lerp_(current, 1 - decay)
                current.copy_(ema)


def label_smoothed_loss(logits, labels, smoothing, reduction):
    return F.cross_entropy(logits, labels, label_smoothing=smoothing, reduction=reduction)


def mirror(images):
    """Left-right mirror of NCHW images."""
    return images.flip(-1)


def tta_logits(model, images, level):
    """airbench's infer: 'none', 'mirror' (image and mirror, averaged) or 'mirror-translate'
    (that, averaged with the mirrored pair of each 1-pixel translation: reflect-pad 1, crops
    at (0, 0) and (2, 2))."""
    if level == "none":
        return model(images)
    both = 0.5 * model(images) + 0.5 * model(mirror(images))
    if level == "mirror":
        return both
    if level != "mirror-translate":
        raise ValueError(f"unknown TTA level {level!r}")
    h, w = images.shape[-2:]
    padded = F.pad(images, (1, 1, 1, 1), "reflect")
    shifted = [padded[:, :, 0:h, 0:w], padded[:, :, 2:h + 2, 2:w + 2]]
    translated = torch.stack([0.5 * model(x) + 0.5 * model(mirror(x)) for x in shifted]).mean(0)
    return 0.5 * both + 0.5 * translated


def normalize(images_uint8_nchw):
    """uint8 NCHW → float32, CIFAR mean/std normalised."""
    x = images_uint8_nchw.float() / 255
    mean = torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR_STD).view(1, 3, 1, 1)
    return (x - mean) / std


class AlternatingFlipTranslate:
    """airbench's CifarLoader(aug={'flip': True, 'translate': r}, altflip=True): each image is
    mirrored at random once, then all are mirrored together every other epoch; each epoch a new
    random crop of the reflect-padded images, and a new order; the last partial batch dropped."""

    def __init__(self, images, labels, batch_size, translate, generator):
        self.labels = labels
        self.batch_size = batch_size
        self.translate = translate
        self.generator = generator
        flip = torch.rand(len(images), generator=generator) < 0.5
        flipped = torch.where(flip.view(-1, 1, 1, 1), mirror(images), images)
        r = translate
        self.padded = F.pad(flipped, (r, r, r, r), "reflect") if r > 0 else flipped
        self.size = images.shape[-1]

    def batches_per_epoch(self):
        return len(self.labels) // self.batch_size

    def epoch(self, epoch):
        r, size = self.translate, self.size
        n = len(self.labels)
        if r > 0:
            shifts = torch.randint(-r, r + 1, size=(n, 2), generator=self.generator)
            images = torch.empty((n, 3, size, size))
            for sy in range(-r, r + 1):
                for sx in range(-r, r + 1):
                    mask = (shifts[:, 0] == sy) & (shifts[:, 1] == sx)
                    images[mask] = self.padded[mask, :, r + sy:r + sy + size, r + sx:r + sx + size]
        else:
            images = self.padded
        if epoch % 2 == 1:
            images = mirror(images)
        order = torch.randperm(n, generator=self.generator)
        for i in range(self.batches_per_epoch()):
            indices = order[i * self.batch_size:(i + 1) * self.batch_size]
            yield images[indices], self.labels[indices]


def total_steps(batches_per_epoch, epochs):
    return math.ceil(batches_per_epoch * epochs)
