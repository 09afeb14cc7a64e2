// extractTile(src, channels, width, height, dst, x0, y0, tileW, tileH)
// blendTile(out, weight, width, height, channels, tile, tileW, tileH, x0, y0, fLeft, fRight, fTop, fBottom)
#include <napi.h>

#include "js_args.h"
#include "tiles.h"

namespace ledpipe {
namespace {

constexpr int32_t kMaxOffset = 1 << 20;

Napi::Value ExtractTile(const Napi::CallbackInfo& info) {
  TileExtractJob job;
  const ByteView src = ViewArg(info, 0, "src");
  job.channels = IntArg(info, 1, "channels", 1, 64);
  job.width = IntArg(info, 2, "width", 1, kMaxDim);
  job.height = IntArg(info, 3, "height", 1, kMaxDim);
  const ByteView dst = ViewArg(info, 4, "dst");
  job.x0 = IntArg(info, 5, "x", -kMaxOffset, kMaxOffset);
  job.y0 = IntArg(info, 6, "y", -kMaxOffset, kMaxOffset);
  job.tile_w = IntArg(info, 7, "tileWidth", 1, kMaxDim);
  job.tile_h = IntArg(info, 8, "tileHeight", 1, kMaxDim);
  const PlaneType pt = PlaneTypeOf(info, src, "src");
  if (PlaneTypeOf(info, dst, "dst") != pt) throw Napi::TypeError::New(info.Env(), "Expected dst of the same type as src");
  job.elem_bytes = PlaneBytes(pt);
  RequireBytes(info, src, static_cast<size_t>(job.channels) * job.width * job.height * job.elem_bytes, "src");
  RequireBytes(info, dst, static_cast<size_t>(job.channels) * job.tile_w * job.tile_h * job.elem_bytes, "dst");
  job.src = src.data;
  job.dst = dst.data;
  job.Run();
  return info[4];
}

Napi::Value BlendTile(const Napi::CallbackInfo& info) {
  TileBlendJob job;
  const ByteView out = ViewArg(info, 0, "out");
  const ByteView weight = ViewArg(info, 1, "weight");
  if (out.type != napi_float32_array || weight.type != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), "Expected Float32Arrays for out and weight");
  }
  job.width = IntArg(info, 2, "width", 1, kMaxDim);
  job.height = IntArg(info, 3, "height", 1, kMaxDim);
  job.channels = IntArg(info, 4, "channels", 1, 64);
  const ByteView tile = ViewArg(info, 5, "tile");
  job.tile_type = PlaneTypeOf(info, tile, "tile");
  job.tile_w = IntArg(info, 6, "tileWidth", 1, kMaxDim);
  job.tile_h = IntArg(info, 7, "tileHeight", 1, kMaxDim);
  job.x0 = IntArg(info, 8, "x", -kMaxOffset, kMaxOffset);
  job.y0 = IntArg(info, 9, "y", -kMaxOffset, kMaxOffset);
  job.feather_left = IntArg(info, 10, "feather.left", 0, job.tile_w);
  job.feather_right = IntArg(info, 11, "feather.right", 0, job.tile_w);
  job.feather_top = IntArg(info, 12, "feather.top", 0, job.tile_h);
  job.feather_bottom = IntArg(info, 13, "feather.bottom", 0, job.tile_h);
  const size_t pixels = static_cast<size_t>(job.width) * job.height;
  RequireBytes(info, out, pixels * job.channels * 4, "out");
  RequireBytes(info, weight, pixels * 4, "weight");
  RequireBytes(info, tile, static_cast<size_t>(job.tile_w) * job.tile_h * job.channels * PlaneBytes(job.tile_type),
               "tile");
  job.out = reinterpret_cast<float*>(out.data);
  job.weight = reinterpret_cast<float*>(weight.data);
  job.tile = tile.data;
  job.isa = ActiveIsa();
  job.Run();
  return info.Env().Undefined();
}

}  // namespace

void RegisterTiles(Napi::Env env, Napi::Object exports) {
  exports.Set("extractTile", Napi::Function::New(env, ExtractTile, "extractTile"));
  exports.Set("blendTile", Napi::Function::New(env, BlendTile, "blendTile"));
}

}  // namespace ledpipe
