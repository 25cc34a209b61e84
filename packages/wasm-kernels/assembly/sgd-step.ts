// SGD (torch.optim.SGD, dampening 0), one tensor per call.

/**
 * d = g (+ p·weightDecay); with a buffer: b' = b·momentum + d, d = nesterov ? d + b'·momentum
 * : b'; p' = p − d·lr. The same float32 operations in the same order as the unfused tfjs ops,
 * so results are bit-identical to them. `hasBuffer` 0 means no momentum buffer. A part is four
 * floats (the last part may have fewer): parts [partFrom, partTo) of ⌈n / 4⌉ are written.
 */
export function sgdStep(
  param: usize,
  grad: usize,
  buffer: usize,
  outParam: usize,
  outBuffer: usize,
  n: i32,
  lr: f32,
  momentum: f32,
  weightDecay: f32,
  hasBuffer: i32,
  nesterov: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const vlr = f32x4.splat(lr);
  const vm = f32x4.splat(momentum);
  const vwd = f32x4.splat(weightDecay);
  const decay = weightDecay !== 0;
  const from = partFrom << 2;
  const to = min(partTo << 2, n);
  const vectorEnd = max(from, to & ~3);
  for (let i = from; i < vectorEnd; i += 4) {
    const at = (<usize>i) << 2;
    const p = v128.load(param + at);
    let d = v128.load(grad + at);
    if (decay) d = f32x4.add(d, f32x4.mul(p, vwd));
    if (hasBuffer) {
      const next = f32x4.add(f32x4.mul(v128.load(buffer + at), vm), d);
      v128.store(outBuffer + at, next);
      d = nesterov ? f32x4.add(d, f32x4.mul(next, vm)) : next;
    }
    v128.store(outParam + at, f32x4.sub(p, f32x4.mul(d, vlr)));
  }
  for (let i = vectorEnd; i < to; i++) {
    const at = (<usize>i) << 2;
    const p = load<f32>(param + at);
    let d = load<f32>(grad + at);
    if (decay) d = d + p * weightDecay;
    if (hasBuffer) {
      const next = load<f32>(buffer + at) * momentum + d;
      store<f32>(outBuffer + at, next);
      d = nesterov ? d + next * momentum : next;
    }
    store<f32>(outParam + at, p - d * lr);
  }
}
