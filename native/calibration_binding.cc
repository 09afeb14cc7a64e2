// calibrationCreate(options) -> plan (External); calibrationApply(plan, data,
// flags, ditherIndex, ditherX, ditherY, threads) and its async twin. The plan
// holds copies of every table, so JS may drop its arrays; a job keeps its plan
// alive (shared_ptr) even if the stage swaps to a new plan meanwhile.
#include <napi.h>

#include <cstring>
#include <memory>
#include <string>

#include "async_job.h"
#include "calibration.h"
#include "js_args.h"

namespace ledpipe {
namespace {

using PlanPtr = std::shared_ptr<const CalibrationPlan>;

[[noreturn]] void Fail(Napi::Env env, const std::string& m) { throw Napi::RangeError::New(env, m); }

int IntField(Napi::Env env, const Napi::Object& o, const char* name, int lo, int hi) {
  const Napi::Value v = o.Get(name);
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string("Expected an integer for ") + name);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= lo && d <= hi) || d != static_cast<double>(static_cast<int64_t>(d))) {
    Fail(env, std::string("Expected an integer between ") + std::to_string(lo) + " and " + std::to_string(hi) +
                  " for " + name);
  }
  return static_cast<int>(d);
}

// Copies a typed array field (of the given type) with exactly `count` elements (or one of `alt` when alt > 0).
template <typename T>
std::vector<T> ArrayField(Napi::Env env, const Napi::Object& o, const char* name, napi_typedarray_type type,
                          size_t count, size_t alt = 0) {
  const Napi::Value v = o.Get(name);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(env, std::string("Expected a typed array of the right type for ") + name);
  }
  const Napi::TypedArray ta = v.As<Napi::TypedArray>();
  const size_t n = ta.ElementLength();
  if (n != count && !(alt > 0 && n == alt)) {
    Fail(env, std::string("Expected ") + std::to_string(count) + " elements for " + name + " but received " +
                  std::to_string(n));
  }
  std::vector<T> out(n);
  std::memcpy(out.data(), static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset(), n * sizeof(T));
  return out;
}

void Triple(Napi::Env env, const Napi::Object& o, const char* name, float* out) {
  const Napi::Value v = o.Get(name);
  if (!v.IsArray() || v.As<Napi::Array>().Length() != 3) throw Napi::TypeError::New(env, std::string("Expected 3 numbers for ") + name);
  const Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < 3; ++i) out[i] = static_cast<float>(a.Get(i).As<Napi::Number>().DoubleValue());
}

void Finalize(Napi::Env, PlanPtr* p) { delete p; }

// Frames may live in a SharedArrayBuffer (the threaded reader's slots): take the data pointer from
// napi_get_typedarray_info, which, unlike napi_get_arraybuffer_info, accepts shared buffers.
ByteView FrameArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray()) throw Napi::TypeError::New(info.Env(), std::string("Expected a Buffer or TypedArray for ") + name);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value ab;
  size_t offset = 0;
  if (napi_get_typedarray_info(info.Env(), v, &type, &length, &data, &ab, &offset) != napi_ok || data == nullptr) {
    throw Napi::TypeError::New(info.Env(), std::string("Cannot read the memory of ") + name);
  }
  ByteView out;
  out.data = static_cast<uint8_t*>(data);
  out.bytes = length * v.As<Napi::TypedArray>().ElementSize();
  out.type = type;
  return out;
}

Napi::Value Create(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "Expected an options object");
  const Napi::Object o = info[0].As<Napi::Object>();
  auto plan = std::make_shared<CalibrationPlan>();
  CalibrationPlan& p = *plan;
  p.width = IntField(env, o, "width", 1, kMaxDim);
  p.height = IntField(env, o, "height", 1, kMaxDim);
  const std::string format = o.Get("format").ToString().Utf8Value();
  if (format == "rgb24") p.sample = SampleType::kU8;
  else if (format == "rgb48le") p.sample = SampleType::kU16;
  else Fail(env, "Expected 'rgb24' or 'rgb48le' for format but received '" + format + "'");
  p.out_bits = IntField(env, o, "outBits", 1, p.sample == SampleType::kU8 ? 8 : 16);
  p.in_codes = p.sample == SampleType::kU8 ? 256 : 65536;
  const size_t codes = static_cast<size_t>(p.in_codes);
  p.decode_store = ArrayField<float>(env, o, "decode", napi_float32_array, 3 * codes, codes);
  for (int c = 0; c < 3; ++c) p.decode[c] = p.decode_store.data() + (p.decode_store.size() == codes ? 0 : c * codes);
  p.has_matrix = o.Has("matrices") && !o.Get("matrices").IsUndefined() && !o.Get("matrices").IsNull();
  if (p.has_matrix) {
    p.anchors = IntField(env, o, "anchors", 1, 64);
    p.mod_w = IntField(env, o, "moduleWidth", 1, p.width);
    p.mod_h = IntField(env, o, "moduleHeight", 1, p.height);
    p.mod_cols = (p.width + p.mod_w - 1) / p.mod_w;
    p.mod_rows = (p.height + p.mod_h - 1) / p.mod_h;
    p.pos = ArrayField<float>(env, o, "pos", napi_float32_array, codes);
    for (float v : p.pos) {
      if (!(v >= 0.0f && v <= static_cast<float>(p.anchors - 1))) Fail(env, "Expected pos values in [0, anchors - 1]");
    }
    p.matrices = ArrayField<float>(env, o, "matrices", napi_float32_array,
                                   static_cast<size_t>(p.mod_rows) * p.mod_cols * p.anchors * 9);
    const size_t plane = static_cast<size_t>(p.width) * p.height;
    const Napi::Value g = o.Get("gain");
    if (g.IsTypedArray()) {
      if (g.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
        p.gain_type = 1;
        p.gain = ArrayField<uint8_t>(env, o, "gain", napi_uint8_array, 3 * plane);
      } else {
        p.gain_type = 2;
        const std::vector<uint16_t> g16 = ArrayField<uint16_t>(env, o, "gain", napi_uint16_array, 3 * plane);
        p.gain.resize(g16.size() * 2);
        std::memcpy(p.gain.data(), g16.data(), p.gain.size());
      }
      Triple(env, o, "gainScale", p.gain_scale);
      Triple(env, o, "gainOffset", p.gain_offset);
    }
    if (o.Get("seamCol").IsTypedArray()) {
      p.has_seam = true;
      p.seam_col = ArrayField<float>(env, o, "seamCol", napi_float32_array, static_cast<size_t>(p.mod_rows) * p.width);
      p.seam_row = ArrayField<float>(env, o, "seamRow", napi_float32_array, static_cast<size_t>(p.height) * p.mod_cols);
    }
    const size_t es = static_cast<size_t>(kEncodeSize);
    std::vector<float> val = ArrayField<float>(env, o, "encodeValues", napi_float32_array, 3 * es, es);
    std::vector<float> del = ArrayField<float>(env, o, "encodeDeltas", napi_float32_array, val.size());
    p.enc_store.resize(val.size() * 2);
    for (size_t i = 0; i < val.size(); ++i) {
      p.enc_store[2 * i] = val[i];
      p.enc_store[2 * i + 1] = del[i];
    }
    const bool shared = val.size() == es;
    for (int c = 0; c < 3; ++c) p.enc_pair[c] = p.enc_store.data() + (shared ? 0 : 2 * c * es);
    if (o.Get("encodeNearest").IsTypedArray()) {
      const size_t ns = static_cast<size_t>(kEncodeNearSize);
      p.enc_near_store = ArrayField<float>(env, o, "encodeNearest", napi_float32_array, 3 * ns, ns);
      const bool nshared = p.enc_near_store.size() == ns;
      for (int c = 0; c < 3; ++c) p.enc_near[c] = p.enc_near_store.data() + (nshared ? 0 : c * ns);
    }
    Triple(env, o, "encodeZero", p.enc_zero);
  }
  if (o.Get("lut").IsTypedArray()) {
    p.lut_size = IntField(env, o, "lutSize", 2, 256);
    const size_t n3 = static_cast<size_t>(p.lut_size) * p.lut_size * p.lut_size;
    p.lut = ArrayField<float>(env, o, "lut", napi_float32_array, 3 * n3);
  }
  const Napi::Value dv = o.Get("dither");
  if (!dv.IsArray() || dv.As<Napi::Array>().Length() == 0) throw Napi::TypeError::New(env, "Expected an array of dither tiles");
  const Napi::Array da = dv.As<Napi::Array>();
  for (uint32_t i = 0; i < da.Length(); ++i) {
    Napi::Object holder = Napi::Object::New(env);
    holder.Set("tile", da.Get(i));
    p.dither.push_back(ArrayField<float>(env, holder, "tile", napi_float32_array,
                                         static_cast<size_t>(kDitherSize) * kDitherStride));
  }
  FinalizeCalibrationPlan(p);
  return Napi::External<PlanPtr>::New(env, new PlanPtr(plan), Finalize);
}

CalibrationJob ReadApply(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (!info[0].IsExternal()) throw Napi::TypeError::New(env, "Expected a calibration plan");
  CalibrationJob job;
  job.plan = *info[0].As<Napi::External<PlanPtr>>().Data();
  const CalibrationPlan& p = *job.plan;
  const ByteView data = FrameArg(info, 1, "data");
  const size_t need = static_cast<size_t>(p.width) * p.height * 3 * (p.sample == SampleType::kU8 ? 1 : 2);
  RequireBytes(info, data, need, "data");
  job.data = data.data;
  job.bytes = need;
  job.flags = IntArg(info, 2, "flags", 0, 255);
  job.dither_index = IntArg(info, 3, "ditherIndex", 0, static_cast<int32_t>(p.dither.size()) - 1);
  job.dither_x = IntArg(info, 4, "ditherX", 0, kDitherSize - 1);
  job.dither_y = IntArg(info, 5, "ditherY", 0, kDitherSize - 1);
  job.threads = IntArg(info, 6, "threads", 1, 64);
  job.isa = ActiveIsa();
  // Optional fused thermal compensation: zones (Float32Array, rows * cols * 9), cols, rows.
  if (info.Length() > 7 && !info[7].IsUndefined() && !info[7].IsNull()) {
    if (!p.has_matrix || p.lut_size > 0) {
      throw Napi::RangeError::New(env, "fused thermal compensation needs a calibration plan with matrices and no 3D LUT");
    }
    const int cols = IntArg(info, 8, "thermalCols", 1, p.width < 1024 ? p.width : 1024);
    const int rows = IntArg(info, 9, "thermalRows", 1, p.height < 1024 ? p.height : 1024);
    if (!info[7].IsTypedArray() || info[7].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      throw Napi::TypeError::New(env, "Expected Float32Array for thermalZones");
    }
    const Napi::Float32Array z = info[7].As<Napi::Float32Array>();
    const size_t n = static_cast<size_t>(cols) * rows * 9;
    if (z.ElementLength() < n) {
      throw Napi::RangeError::New(env, "Expected at least " + std::to_string(n) + " elements for thermalZones but received " +
                                           std::to_string(z.ElementLength()));
    }
    job.thermal_zones.assign(z.Data(), z.Data() + n);  // copied: the caller may move its gains next frame
    job.thermal_cols = cols;
    job.thermal_rows = rows;
    if (info.Length() > 10 && !info[10].IsUndefined()) {
      // The frame is a window of the canvas the zone grid covers (--region).
      job.thermal_canvas_w = IntArg(info, 12, "canvasWidth", p.width, 1 << 20);
      job.thermal_canvas_h = IntArg(info, 13, "canvasHeight", p.height, 1 << 20);
      job.thermal_origin_x = IntArg(info, 10, "originX", 0, job.thermal_canvas_w - p.width);
      job.thermal_origin_y = IntArg(info, 11, "originY", 0, job.thermal_canvas_h - p.height);
    }
  }
  return job;
}

Napi::Value Apply(const Napi::CallbackInfo& info) {
  ReadApply(info).Run();
  return info[1];
}

Napi::Value ApplyAsync(const Napi::CallbackInfo& info) {
  const CalibrationJob job = ReadApply(info);
  return AsyncJob<CalibrationJob>::Start(info.Env(), job, {info[1]}, info[1]);
}

// What FinalizeCalibrationPlan derived (tests, benchmarks): whether the AVX-512 path computes the
// encode in registers (and the fit's largest error in output codes), VBMI decode, anchor permutes.
Napi::Value PlanInfo(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (!info[0].IsExternal()) throw Napi::TypeError::New(env, "Expected a calibration plan");
  const CalibrationPlan& p = **info[0].As<Napi::External<PlanPtr>>().Data();
  Napi::Object o = Napi::Object::New(env);
  o.Set("encodePoly", p.enc_poly);
  o.Set("encodePolyError", static_cast<double>(p.enc_poly_err));
  o.Set("encodePolyTolerance", static_cast<double>(kEncodePolyTol));
  o.Set("bytePlaneDecode", !p.byte_planes.empty());
  o.Set("anchorPermute", !p.mats_ad.empty());
  o.Set("encodeScaled", p.enc_scaled);
  o.Set("encodeScaledError", static_cast<double>(p.enc_scaled_err));
  o.Set("encodeScaledTolerance", static_cast<double>(kEncodeScaledTol));
  // The fused single-pass paths run for rgb24 plans with a scaled encode: AVX-512 on CPUs with VBMI,
  // AVX2 on CPUs with FMA (unless LEDPIPE_CAL_NO_FAST=1).
  o.Set("fastPath", p.enc_scaled && !p.mats_ad.empty() && !p.byte_planes.empty());
  return o;
}

Napi::Value Constants(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("encodeLoBits", kEncodeLoBits);
  o.Set("encodeShift", kEncodeShift);
  o.Set("encodeSize", kEncodeSize);
  o.Set("encodeNearShift", kEncodeNearShift);
  o.Set("encodeNearSize", kEncodeNearSize);
  o.Set("ditherSize", kDitherSize);
  o.Set("ditherStride", kDitherStride);
  return o;
}

}  // namespace

void RegisterCalibration(Napi::Env env, Napi::Object exports) {
  exports.Set("calibrationCreate", Napi::Function::New(env, Create, "calibrationCreate"));
  exports.Set("calibrationApply", Napi::Function::New(env, Apply, "calibrationApply"));
  exports.Set("calibrationApplyAsync", Napi::Function::New(env, ApplyAsync, "calibrationApplyAsync"));
  exports.Set("calibrationPlanInfo", Napi::Function::New(env, PlanInfo, "calibrationPlanInfo"));
  exports.Set("calibrationConstants", Napi::Function::New(env, Constants, "calibrationConstants"));
}

}  // namespace ledpipe
