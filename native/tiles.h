// Tiles of a planar (C x H x W) tensor: extraction with edge replication, and
// seam-free blending of processed tiles back into a full-size tensor.
#pragma once

#include <cstddef>
#include <cstdint>

#include "convert_kernels.h"
#include "isa.h"

namespace ledpipe {

// Copies the tile_w x tile_h window at (x0, y0) of every plane into dst
// (channels x tile_h x tile_w). Coordinates outside the plane take the nearest
// edge sample. elem_bytes is 2 (f16) or 4 (f32); values are copied bit for bit.
struct TileExtractJob {
  const uint8_t* src = nullptr;
  int channels = 0;
  int width = 0;
  int height = 0;
  size_t elem_bytes = 4;
  int x0 = 0;
  int y0 = 0;
  int tile_w = 0;
  int tile_h = 0;
  uint8_t* dst = nullptr;

  void Run() const;
};

// Blends a tile (channels x tile_h x tile_w, f32 or f16) placed at (x0, y0) into
// `out` (channels x height x width, f32), with `weight` (height x width, f32) the
// running weight sum. Tile parts outside `out` are skipped. Each tile pixel has
// weight ramp_x * ramp_y: a linear ramp (i + 0.5) / feather over `feather_*`
// pixels at that edge, 1 elsewhere. `out` holds the running weighted mean:
//   W' = W + w;  t = w / W';  out' = (t == 1) ? v : out + (v - out) * t
// so a pixel covered once gets v bit for bit, equal overlapping values are
// returned unchanged, and `out` needs no initialisation where W == 0.
struct TileBlendJob {
  float* out = nullptr;
  float* weight = nullptr;
  int width = 0;
  int height = 0;
  int channels = 0;
  const void* tile = nullptr;
  PlaneType tile_type = PlaneType::kF32;
  int tile_w = 0;
  int tile_h = 0;
  int x0 = 0;
  int y0 = 0;
  int feather_left = 0;
  int feather_right = 0;
  int feather_top = 0;
  int feather_bottom = 0;
  Isa isa = Isa::kScalar;

  void Run() const;
};

}  // namespace ledpipe
