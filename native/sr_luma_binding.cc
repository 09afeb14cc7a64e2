// lumaSplit(src, width, height, format, y, chroma) and
// lumaMerge(y, chroma, width, height, scale, dst, format, row0, row1), each with an async twin.
#include <napi.h>

#include "async_job.h"
#include "js_args.h"
#include "sr_luma.h"

namespace ledpipe {
namespace {

void RequireDisjoint(const Napi::CallbackInfo& info, const ByteView& a, const char* an, const ByteView& b,
                     const char* bn) {
  if (a.data < b.data + b.bytes && b.data < a.data + a.bytes) {
    throw Napi::RangeError::New(info.Env(), std::string("Expected ") + an + " and " + bn + " not to overlap");
  }
}

void RequireChroma(const Napi::CallbackInfo& info, const ByteView& v) {
  if (v.type != napi_float32_array) throw Napi::TypeError::New(info.Env(), "Expected a Float32Array for chroma");
}

LumaSplitJob ReadSplit(const Napi::CallbackInfo& info) {
  const ByteView src = ViewArg(info, 0, "src");
  const int32_t w = IntArg(info, 1, "width", 1, kMaxDim);
  const int32_t h = IntArg(info, 2, "height", 1, kMaxDim);
  LumaSplitJob job;
  job.sample = FormatArg(info, 3);
  const ByteView y = ViewArg(info, 4, "y");
  const ByteView chroma = ViewArg(info, 5, "chroma");
  job.y_type = PlaneTypeOf(info, y, "y");
  RequireChroma(info, chroma);
  job.pixels = static_cast<size_t>(w) * h;
  RequireBytes(info, src, job.pixels * 3 * SampleBytes(job.sample), "src");
  RequireBytes(info, y, job.pixels * PlaneBytes(job.y_type), "y");
  RequireBytes(info, chroma, job.pixels * 2 * 4, "chroma");
  RequireDisjoint(info, src, "src", y, "y");
  RequireDisjoint(info, src, "src", chroma, "chroma");
  RequireDisjoint(info, y, "y", chroma, "chroma");
  job.src = src.data;
  job.y = y.data;
  job.chroma = reinterpret_cast<float*>(chroma.data);
  job.isa = ActiveIsa();
  return job;
}

LumaMergeJob ReadMerge(const Napi::CallbackInfo& info) {
  const ByteView y = ViewArg(info, 0, "y");
  const ByteView chroma = ViewArg(info, 1, "chroma");
  LumaMergeJob job;
  job.width = IntArg(info, 2, "width", 1, kMaxDim / 4);
  job.height = IntArg(info, 3, "height", 1, kMaxDim / 4);
  job.scale = IntArg(info, 4, "scale", 1, 4);
  if (job.scale == 3) throw Napi::RangeError::New(info.Env(), "Expected 1, 2 or 4 for scale but received 3");
  const ByteView dst = ViewArg(info, 5, "dst");
  job.sample = FormatArg(info, 6);
  const int32_t out_h = job.height * job.scale;
  job.row0 = IntArg(info, 7, "row0", 0, out_h);
  job.row1 = IntArg(info, 8, "row1", job.row0, out_h);
  job.y_type = PlaneTypeOf(info, y, "y");
  RequireChroma(info, chroma);
  const size_t pixels = static_cast<size_t>(job.width) * job.height;
  const size_t out_pixels = pixels * job.scale * job.scale;
  RequireBytes(info, y, out_pixels * PlaneBytes(job.y_type), "y");
  RequireBytes(info, chroma, pixels * 2 * 4, "chroma");
  RequireBytes(info, dst, out_pixels * 3 * SampleBytes(job.sample), "dst");
  RequireDisjoint(info, dst, "dst", y, "y");
  RequireDisjoint(info, dst, "dst", chroma, "chroma");
  job.y = y.data;
  job.chroma = reinterpret_cast<const float*>(chroma.data);
  job.dst = dst.data;
  job.isa = ActiveIsa();
  return job;
}

Napi::Value LumaSplit(const Napi::CallbackInfo& info) {
  ReadSplit(info).Run();
  return info[4];
}

Napi::Value LumaSplitAsync(const Napi::CallbackInfo& info) {
  const LumaSplitJob job = ReadSplit(info);
  return AsyncJob<LumaSplitJob>::Start(info.Env(), job, {info[0], info[4], info[5]}, info[4]);
}

Napi::Value LumaMerge(const Napi::CallbackInfo& info) {
  ReadMerge(info).Run();
  return info[5];
}

Napi::Value LumaMergeAsync(const Napi::CallbackInfo& info) {
  const LumaMergeJob job = ReadMerge(info);
  return AsyncJob<LumaMergeJob>::Start(info.Env(), job, {info[0], info[1], info[5]}, info[5]);
}

}  // namespace

void RegisterSrLuma(Napi::Env env, Napi::Object exports) {
  exports.Set("lumaSplit", Napi::Function::New(env, LumaSplit, "lumaSplit"));
  exports.Set("lumaSplitAsync", Napi::Function::New(env, LumaSplitAsync, "lumaSplitAsync"));
  exports.Set("lumaMerge", Napi::Function::New(env, LumaMerge, "lumaMerge"));
  exports.Set("lumaMergeAsync", Napi::Function::New(env, LumaMergeAsync, "lumaMergeAsync"));
}

}  // namespace ledpipe
