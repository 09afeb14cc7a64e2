// Reading call arguments on the JS thread. The TypeScript wrappers validate
// first with friendlier messages; these checks keep a direct call from reading
// or writing outside a buffer.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "convert_kernels.h"

namespace ledpipe {

struct ByteView {
  uint8_t* data = nullptr;
  size_t bytes = 0;
  napi_typedarray_type type = napi_uint8_array;
};

inline ByteView ViewArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray()) {
    throw Napi::TypeError::New(info.Env(), std::string("Expected a Buffer or TypedArray for ") + name);
  }
  // napi_get_typedarray_info, not TypedArray::ArrayBuffer(): frames from the threaded reader live in
  // a SharedArrayBuffer, which napi_get_arraybuffer_info rejects ("Invalid argument").
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_value backing;
  size_t offset = 0;
  if (napi_get_typedarray_info(info.Env(), v, &type, &length, &data, &backing, &offset) != napi_ok) {
    throw Napi::TypeError::New(info.Env(), std::string("Cannot read the memory of ") + name);
  }
  ByteView out;
  out.data = static_cast<uint8_t*>(data);
  out.bytes = length * v.As<Napi::TypedArray>().ElementSize();
  out.type = type;
  return out;
}

inline int32_t IntArg(const Napi::CallbackInfo& info, size_t i, const char* name, int32_t lo, int32_t hi) {
  const Napi::Value v = info[i];
  if (!v.IsNumber()) throw Napi::TypeError::New(info.Env(), std::string("Expected an integer for ") + name);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= lo && d <= hi) || d != static_cast<double>(static_cast<int64_t>(d))) {
    throw Napi::RangeError::New(info.Env(), std::string("Expected an integer between ") + std::to_string(lo) +
                                                " and " + std::to_string(hi) + " for " + name);
  }
  return static_cast<int32_t>(d);
}

inline std::string StringArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const Napi::Value v = info[i];
  if (!v.IsString()) throw Napi::TypeError::New(info.Env(), std::string("Expected a string for ") + name);
  return v.As<Napi::String>().Utf8Value();
}

inline SampleType FormatArg(const Napi::CallbackInfo& info, size_t i) {
  const std::string f = StringArg(info, i, "format");
  if (f == "rgb24") return SampleType::kU8;
  if (f == "rgb48le") return SampleType::kU16;
  throw Napi::RangeError::New(info.Env(), "Expected 'rgb24' or 'rgb48le' for format but received '" + f + "'");
}

inline void RequireBytes(const Napi::CallbackInfo& info, const ByteView& v, size_t need, const char* name) {
  if (v.bytes < need) {
    throw Napi::RangeError::New(info.Env(), std::string("Expected at least ") + std::to_string(need) + " bytes for " +
                                                name + " but received " + std::to_string(v.bytes));
  }
}

// Planar tensors: Float32Array for f32, Uint16Array holding half bits for f16.
inline PlaneType PlaneTypeOf(const Napi::CallbackInfo& info, const ByteView& v, const char* name) {
  if (v.type == napi_float32_array) return PlaneType::kF32;
  if (v.type == napi_uint16_array) return PlaneType::kF16;
  throw Napi::TypeError::New(info.Env(),
                             std::string("Expected a Float32Array (f32) or Uint16Array (f16 bits) for ") + name);
}

inline size_t PlaneBytes(PlaneType pt) { return pt == PlaneType::kF32 ? 4 : 2; }

constexpr int32_t kMaxDim = 1 << 15;  // 32768 px per side

}  // namespace ledpipe
