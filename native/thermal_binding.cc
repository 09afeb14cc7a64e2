// thermalApply(data, width, height, format, zones, cols, rows, decode, encode, octaves, shift, dither
//              [, originX, originY, canvasWidth, canvasHeight])
// and its async twin: in-place thermal compensation (see thermal.h).
#include <napi.h>

#include "async_job.h"
#include "js_args.h"
#include "thermal.h"

namespace ledpipe {
namespace {

const float* FloatArg(const Napi::CallbackInfo& info, size_t i, const char* name, size_t need) {
  const ByteView v = ViewArg(info, i, name);
  if (v.type != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), std::string("Expected a Float32Array for ") + name);
  }
  RequireBytes(info, v, need * 4, name);
  return reinterpret_cast<const float*>(v.data);
}

ThermalJob ReadThermal(const Napi::CallbackInfo& info) {
  ThermalJob job;
  const ByteView data = ViewArg(info, 0, "data");
  job.width = IntArg(info, 1, "width", 1, kMaxDim);
  job.height = IntArg(info, 2, "height", 1, kMaxDim);
  job.sample = FormatArg(info, 3);
  job.cols = IntArg(info, 5, "cols", 1, 1024);
  job.rows = IntArg(info, 6, "rows", 1, 1024);
  job.zones = FloatArg(info, 4, "zones", static_cast<size_t>(job.cols) * job.rows * 9);
  job.tables.decode = FloatArg(info, 7, "decode", job.sample == SampleType::kU8 ? 256 : 65536);
  job.tables.octaves = IntArg(info, 9, "octaves", 1, 126);
  job.tables.shift = IntArg(info, 10, "shift", 0, 16);
  job.tables.encode =
      FloatArg(info, 8, "encode", (static_cast<size_t>(job.tables.octaves) << job.tables.shift) + 2);
  job.tables.dither = FloatArg(info, 11, "dither", 16);
  if (info.Length() > 12 && !info[12].IsUndefined()) {
    // The frame is a window of the canvas the zone grid covers (--region).
    job.canvas_width = IntArg(info, 14, "canvasWidth", 1, kMaxDim);
    job.canvas_height = IntArg(info, 15, "canvasHeight", 1, kMaxDim);
    job.origin_x = IntArg(info, 12, "originX", 0, job.canvas_width - job.width);
    job.origin_y = IntArg(info, 13, "originY", 0, job.canvas_height - job.height);
  }
  RequireBytes(info, data, static_cast<size_t>(job.width) * job.height * 3 * SampleBytes(job.sample), "data");
  job.data = data.data;
  job.isa = ActiveIsa();
  return job;
}

Napi::Value ThermalApply(const Napi::CallbackInfo& info) {
  ReadThermal(info).Run();
  return info[0];
}

Napi::Value ThermalApplyAsync(const Napi::CallbackInfo& info) {
  const ThermalJob job = ReadThermal(info);
  return AsyncJob<ThermalJob>::Start(info.Env(), job, {info[0], info[4], info[7], info[8], info[11]}, info[0]);
}

}  // namespace

void RegisterThermal(Napi::Env env, Napi::Object exports) {
  exports.Set("thermalApply", Napi::Function::New(env, ThermalApply, "thermalApply"));
  exports.Set("thermalApplyAsync", Napi::Function::New(env, ThermalApplyAsync, "thermalApplyAsync"));
}

}  // namespace ledpipe
