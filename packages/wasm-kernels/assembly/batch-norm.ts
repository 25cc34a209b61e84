// BatchNorm's training-mode statistics, normalisation and gradient over a rows × channels
// (NHWC) map. Parts are fixed ranges of rows; each part writes its own per-channel sums, which
// the caller adds in part order, so the results do not depend on how parts meet threads. The
// element-wise kernels split by the same rows. Channels go four at a time, a rest of 1–3 one
// at a time.

/** Rows summed on their own before they join a part's total (shorter sums round less). */
const blockRows: i32 = 64;

/**
 * For each part p: sums[p·2·channels + j] = Σ x[r, j] over the part's rows [p·rowsPerPart,
 * (p + 1)·rowsPerPart); the part's next `channels` floats are its block scratch. Parts
 * [partFrom, partTo) of ⌈rows / rowsPerPart⌉.
 */
export function channelSums(
  x: usize,
  sums: usize,
  rows: i32,
  channels: i32,
  rowsPerPart: i32,
  partFrom: i32,
  partTo: i32,
): void {
  partSums(x, 0, false, sums, rows, channels, rowsPerPart, partFrom, partTo);
}

/** channelSums of (x[r, j] − mean[j])² (the batch variance's sums, mean known). */
export function centredSquareSums(
  x: usize,
  mean: usize,
  sums: usize,
  rows: i32,
  channels: i32,
  rowsPerPart: i32,
  partFrom: i32,
  partTo: i32,
): void {
  partSums(x, mean, true, sums, rows, channels, rowsPerPart, partFrom, partTo);
}

function partSums(
  x: usize,
  centre: usize,
  squared: bool,
  sums: usize,
  rows: i32,
  channels: i32,
  rowsPerPart: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const row = (<usize>channels) << 2;
  const vectors = (<usize>(channels & ~3)) << 2;
  for (let part = partFrom; part < partTo; part++) {
    const total = sums + <usize>part * (row << 1);
    const block = total + row;
    memory.fill(total, 0, row);
    const end = min(rows, (part + 1) * rowsPerPart);
    for (let first = part * rowsPerPart; first < end; first += blockRows) {
      const last = min(end, first + blockRows);
      memory.fill(block, 0, row);
      for (let r = first; r < last; r++) {
        const at = x + <usize>r * row;
        if (!squared) {
          for (let j: usize = 0; j < vectors; j += 16) {
            v128.store(block + j, f32x4.add(v128.load(block + j), v128.load(at + j)));
          }
          for (let j = vectors; j < row; j += 4) {
            store<f32>(block + j, load<f32>(block + j) + load<f32>(at + j));
          }
        } else {
          for (let j: usize = 0; j < vectors; j += 16) {
            const d = f32x4.sub(v128.load(at + j), v128.load(centre + j));
            v128.store(block + j, f32x4.add(v128.load(block + j), f32x4.mul(d, d)));
          }
          for (let j = vectors; j < row; j += 4) {
            const d = load<f32>(at + j) - load<f32>(centre + j);
            store<f32>(block + j, load<f32>(block + j) + d * d);
          }
        }
      }
      addInto(total, block, row, vectors);
    }
  }
}

/**
 * For each part p (rows as in channelSums): sums[p·4·channels + j] = Σ dy[r, j] and
 * sums[p·4·channels + channels + j] = Σ dy[r, j] · xHat[r, j]; the part's next 2·channels floats
 * are its block scratch.
 */
export function gradientSums(
  dy: usize,
  xHat: usize,
  sums: usize,
  rows: i32,
  channels: i32,
  rowsPerPart: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const row = (<usize>channels) << 2;
  const vectors = (<usize>(channels & ~3)) << 2;
  for (let part = partFrom; part < partTo; part++) {
    const total = sums + <usize>part * (row << 2);
    const totalProducts = total + row;
    const block = total + 2 * row;
    const blockProducts = total + 3 * row;
    memory.fill(total, 0, row << 1);
    const end = min(rows, (part + 1) * rowsPerPart);
    for (let first = part * rowsPerPart; first < end; first += blockRows) {
      const last = min(end, first + blockRows);
      memory.fill(block, 0, row << 1);
      for (let r = first; r < last; r++) {
        const g = dy + <usize>r * row;
        const h = xHat + <usize>r * row;
        for (let j: usize = 0; j < vectors; j += 16) {
          const d = v128.load(g + j);
          v128.store(block + j, f32x4.add(v128.load(block + j), d));
          v128.store(
            blockProducts + j,
            f32x4.add(v128.load(blockProducts + j), f32x4.mul(d, v128.load(h + j))),
          );
        }
        for (let j = vectors; j < row; j += 4) {
          const d = load<f32>(g + j);
          store<f32>(block + j, load<f32>(block + j) + d);
          store<f32>(blockProducts + j, load<f32>(blockProducts + j) + d * load<f32>(h + j));
        }
      }
      addInto(total, block, row, vectors);
      addInto(totalProducts, blockProducts, row, vectors);
    }
  }
}

/** total[j] += block[j] for a row of `row` bytes, whole vectors up to `vectors` bytes. */
function addInto(total: usize, block: usize, row: usize, vectors: usize): void {
  for (let j: usize = 0; j < vectors; j += 16) {
    v128.store(total + j, f32x4.add(v128.load(total + j), v128.load(block + j)));
  }
  for (let j = vectors; j < row; j += 4) {
    store<f32>(total + j, load<f32>(total + j) + load<f32>(block + j));
  }
}

/**
 * xHat = (x − mean) · invStd and y = xHat · scale + offset, per channel, for rows
 * [p·rowsPerPart, (p + 1)·rowsPerPart) of parts [partFrom, partTo).
 */
export function batchNormApply(
  x: usize,
  mean: usize,
  invStd: usize,
  scale: usize,
  offset: usize,
  y: usize,
  xHat: usize,
  rows: i32,
  channels: i32,
  rowsPerPart: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const row = (<usize>channels) << 2;
  const vectors = (<usize>(channels & ~3)) << 2;
  const end = <usize>min(rows, partTo * rowsPerPart) * row;
  for (let at = <usize>(partFrom * rowsPerPart) * row; at < end; at += row) {
    for (let j: usize = 0; j < vectors; j += 16) {
      const h = f32x4.mul(
        f32x4.sub(v128.load(x + at + j), v128.load(mean + j)),
        v128.load(invStd + j),
      );
      v128.store(xHat + at + j, h);
      v128.store(y + at + j, f32x4.add(f32x4.mul(h, v128.load(scale + j)), v128.load(offset + j)));
    }
    for (let j = vectors; j < row; j += 4) {
      const h = (load<f32>(x + at + j) - load<f32>(mean + j)) * load<f32>(invStd + j);
      store<f32>(xHat + at + j, h);
      store<f32>(y + at + j, h * load<f32>(scale + j) + load<f32>(offset + j));
    }
  }
}

/**
 * dx = coefficient · (dy − dyMean − xHat · productMean), per channel, for the rows of parts
 * [partFrom, partTo) as in batchNormApply.
 */
export function batchNormGradApply(
  dy: usize,
  xHat: usize,
  coefficient: usize,
  dyMean: usize,
  productMean: usize,
  dx: usize,
  rows: i32,
  channels: i32,
  rowsPerPart: i32,
  partFrom: i32,
  partTo: i32,
): void {
  const row = (<usize>channels) << 2;
  const vectors = (<usize>(channels & ~3)) << 2;
  const end = <usize>min(rows, partTo * rowsPerPart) * row;
  for (let at = <usize>(partFrom * rowsPerPart) * row; at < end; at += row) {
    for (let j: usize = 0; j < vectors; j += 16) {
      const centred = f32x4.sub(v128.load(dy + at + j), v128.load(dyMean + j));
      const d = f32x4.sub(centred, f32x4.mul(v128.load(xHat + at + j), v128.load(productMean + j)));
      v128.store(dx + at + j, f32x4.mul(v128.load(coefficient + j), d));
    }
    for (let j = vectors; j < row; j += 4) {
      const d =
        load<f32>(dy + at + j) -
        load<f32>(dyMean + j) -
        load<f32>(xHat + at + j) * load<f32>(productMean + j);
      store<f32>(dx + at + j, load<f32>(coefficient + j) * d);
    }
  }
}
