// Where a Winograd tile's outputs and input patch are: tiles are size × size blocks of outputs,
// numbered in (image, tile row, tile column) order over NHWC float32 buffers.

/** The image of a tile. */
export function tileImage(tile: i32, tilesH: i32, tilesW: i32): i32 {
  return tile / (tilesH * tilesW);
}

/** The top row of a tile's outputs in its image (that of its patch in the padded input). */
export function tileTop(tile: i32, tilesH: i32, tilesW: i32, size: i32): i32 {
  return ((tile % (tilesH * tilesW)) / tilesW) * size;
}

/** The left column of a tile's outputs (and of its patch in the padded input). */
export function tileLeft(tile: i32, tilesW: i32, size: i32): i32 {
  return (tile % tilesW) * size;
}

/** The address of pixel (b, row, column) of an NHWC float32 buffer of rows × columns pixels. */
export function pixelAt(
  base: usize,
  b: i32,
  row: i32,
  column: i32,
  rows: i32,
  columns: i32,
  channels: i32,
): usize {
  return (
    base + (((<usize>(b * rows + row) * <usize>columns + <usize>column) * <usize>channels) << 2)
  );
}
