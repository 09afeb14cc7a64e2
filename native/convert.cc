#include "convert.h"

#include "async_job.h"
#include "js_args.h"

namespace ledpipe {

void ConvertJob::Run() const {
  const ConvertKernels& k = ConvertKernelsFor(isa);
  const size_t pb = PlaneBytes(plane_type);
  auto* base = static_cast<uint8_t*>(planes);
  if (to_planar) {
    k.to_planar(interleaved, pixels, sample, PlanarRef{base, base + pixels * pb, base + 2 * pixels * pb}, plane_type);
  } else {
    k.to_interleaved(ConstPlanarRef{base, base + pixels * pb, base + 2 * pixels * pb}, plane_type, pixels,
                     interleaved, sample);
  }
}

namespace {

// toPlanar(src, width, height, format, dst) / toInterleaved(src, width, height, dst, format)
ConvertJob ReadConvert(const Napi::CallbackInfo& info, bool to_planar) {
  const size_t frame_i = to_planar ? 0 : 3;
  const size_t planes_i = to_planar ? 4 : 0;
  const size_t format_i = 3;
  const size_t width_i = 1, height_i = 2;
  ConvertJob job;
  job.to_planar = to_planar;
  const ByteView frame = ViewArg(info, frame_i, to_planar ? "src" : "dst");
  const ByteView planes = ViewArg(info, planes_i, to_planar ? "dst" : "src");
  const int32_t w = IntArg(info, width_i, "width", 1, kMaxDim);
  const int32_t h = IntArg(info, height_i, "height", 1, kMaxDim);
  job.sample = FormatArg(info, to_planar ? format_i : 4);
  job.plane_type = PlaneTypeOf(info, planes, to_planar ? "dst" : "src");
  job.pixels = static_cast<size_t>(w) * h;
  RequireBytes(info, frame, job.pixels * 3 * SampleBytes(job.sample), to_planar ? "src" : "dst");
  RequireBytes(info, planes, job.pixels * 3 * PlaneBytes(job.plane_type), to_planar ? "dst" : "src");
  job.interleaved = frame.data;
  job.planes = planes.data;
  job.isa = ActiveIsa();
  return job;
}

Napi::Value ToPlanar(const Napi::CallbackInfo& info) {
  ReadConvert(info, true).Run();
  return info[4];
}

Napi::Value ToPlanarAsync(const Napi::CallbackInfo& info) {
  const ConvertJob job = ReadConvert(info, true);
  return AsyncJob<ConvertJob>::Start(info.Env(), job, {info[0], info[4]}, info[4]);
}

Napi::Value ToInterleaved(const Napi::CallbackInfo& info) {
  ReadConvert(info, false).Run();
  return info[3];
}

Napi::Value ToInterleavedAsync(const Napi::CallbackInfo& info) {
  const ConvertJob job = ReadConvert(info, false);
  return AsyncJob<ConvertJob>::Start(info.Env(), job, {info[0], info[3]}, info[3]);
}

}  // namespace

void RegisterConvert(Napi::Env env, Napi::Object exports) {
  exports.Set("toPlanar", Napi::Function::New(env, ToPlanar, "toPlanar"));
  exports.Set("toPlanarAsync", Napi::Function::New(env, ToPlanarAsync, "toPlanarAsync"));
  exports.Set("toInterleaved", Napi::Function::New(env, ToInterleaved, "toInterleaved"));
  exports.Set("toInterleavedAsync", Napi::Function::New(env, ToInterleavedAsync, "toInterleavedAsync"));
}

}  // namespace ledpipe
