// JS surface of the OpenVINO backend (src/native/openvino.ts wraps it):
//   openvinoLoad(libPath) -> { version, description, path }        (sync; throws with dlopen's reason)
//   openvinoOpen(modelPath, device, threads) -> Promise<{ handle, input, output }>
//   openvinoRun(handle, data: Float32Array | Uint16Array, shape: number[], output?: Float32Array | Uint16Array)
//     -> Promise<{ data, shape, dtype }>   (data is `output` when it has exactly the output's size and dtype)
//   openvinoClose(handle)
// Model reading, compiling and inference run on the libuv pool; the input
// array is pinned until the run settles and the output is a new ArrayBuffer
// over memory OpenVINO wrote (no copy), or the caller's output array, written in place.
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "js_args.h"
#include "openvino_session.h"

namespace ledpipe {
namespace {

using SessionPtr = std::shared_ptr<ov::Session>;

Napi::Object PortObject(Napi::Env env, const ov::PortInfo& port) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", port.name);
  o.Set("dtype", ov::DTypeName(port.dtype));
  Napi::Array dims = Napi::Array::New(env, port.dims.size());
  for (size_t i = 0; i < port.dims.size(); i++) {
    if (port.dims[i] < 0) {
      dims.Set(i, env.Null());
    } else {
      dims.Set(i, Napi::Number::New(env, static_cast<double>(port.dims[i])));
    }
  }
  o.Set("shape", dims);
  return o;
}

Napi::Value Load(const Napi::CallbackInfo& info) {
  const std::string path = StringArg(info, 0, "libPath");
  std::string error;
  std::string loaded;
  const ov::Api* api = ov::LoadApi(path, &error, &loaded);
  if (!api) throw Napi::Error::New(info.Env(), error);
  ov::Version v{nullptr, nullptr};
  Napi::Object out = Napi::Object::New(info.Env());
  if (api->get_openvino_version(&v) == ov::kOk) {
    out.Set("version", v.build_number ? v.build_number : "");
    out.Set("description", v.description ? v.description : "");
    api->version_free(&v);
  }
  out.Set("path", loaded);
  return out;
}

class OpenWorker : public Napi::AsyncWorker {
 public:
  OpenWorker(Napi::Env env, std::string path, ov::SessionOptions options)
      : Napi::AsyncWorker(env, "ledpipe:openvino-open"), path_(std::move(path)), options_(std::move(options)),
        deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      session_ = ov::Session::Open(path_, options_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("handle", Napi::External<SessionPtr>::New(env, new SessionPtr(session_),
                                                      [](Napi::Env, SessionPtr* p) { delete p; }));
    out.Set("input", PortObject(env, session_->input()));
    out.Set("output", PortObject(env, session_->output()));
    deferred_.Resolve(out);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::string path_;
  ov::SessionOptions options_;
  Napi::Promise::Deferred deferred_;
  SessionPtr session_;
};

Napi::Value Open(const Napi::CallbackInfo& info) {
  if (!ov::LoadedApi()) throw Napi::Error::New(info.Env(), "the OpenVINO library is not loaded (call openvinoLoad first)");
  const std::string path = StringArg(info, 0, "modelPath");
  ov::SessionOptions options;
  options.device = StringArg(info, 1, "device");
  options.threads = IntArg(info, 2, "threads", 0, 1024);
  auto* worker = new OpenWorker(info.Env(), path, options);
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

SessionPtr HandleArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsExternal()) throw Napi::TypeError::New(info.Env(), "Expected an OpenVINO session handle");
  return *info[i].As<Napi::External<SessionPtr>>().Data();
}

class RunWorker : public Napi::AsyncWorker {
 public:
  RunWorker(Napi::Env env, SessionPtr session, Napi::TypedArray input, std::vector<int64_t> shape, Napi::Value output)
      : Napi::AsyncWorker(env, "ledpipe:openvino-run"), session_(std::move(session)), shape_(std::move(shape)),
        deferred_(Napi::Promise::Deferred::New(env)) {
    pin_ = Napi::Persistent(static_cast<Napi::Object>(input));
    data_ = static_cast<uint8_t*>(input.ArrayBuffer().Data()) + input.ByteOffset();
    bytes_ = input.ByteLength();
    dtype_ = input.TypedArrayType() == napi_float32_array ? ov::DType::kF32 : ov::DType::kF16;
    if (output.IsTypedArray()) {
      const Napi::TypedArray o = output.As<Napi::TypedArray>();
      // Only an array of the output's dtype is written; a mismatch falls back to a new block.
      const napi_typedarray_type want = session_->output().dtype == ov::DType::kF32 ? napi_float32_array : napi_uint16_array;
      auto* o_ptr = static_cast<uint8_t*>(o.ArrayBuffer().Data()) + o.ByteOffset();
      const bool overlaps = o_ptr < static_cast<const uint8_t*>(data_) + bytes_ && data_ < o_ptr + o.ByteLength();
      if (o.TypedArrayType() == want && !overlaps) {
        out_pin_ = Napi::Persistent(static_cast<Napi::Object>(o));
        out_ptr_ = o_ptr;
        out_bytes_ = o.ByteLength();
      }
    }
  }
  ~RunWorker() override {
    if (out_.data && !out_.caller_owned) ov::FreeOutput(out_.data);
  }
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      out_ = session_->Run(data_, bytes_, dtype_, shape_, out_ptr_, out_bytes_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object result = Napi::Object::New(env);
    if (out_.caller_owned) {
      result.Set("data", out_pin_.Value());
    } else {
      void* data = out_.data;
      const size_t bytes = out_.bytes;
      out_.data = nullptr;  // the ArrayBuffer owns it now
      Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, data, bytes, [](Napi::Env, void* p) { ov::FreeOutput(p); });
      if (out_.dtype == ov::DType::kF32) {
        result.Set("data", Napi::Float32Array::New(env, bytes / 4, ab, 0));
      } else {
        result.Set("data", Napi::Uint16Array::New(env, bytes / 2, ab, 0));
      }
    }
    Napi::Array shape = Napi::Array::New(env, out_.shape.size());
    for (size_t i = 0; i < out_.shape.size(); i++) shape.Set(i, Napi::Number::New(env, static_cast<double>(out_.shape[i])));
    result.Set("shape", shape);
    result.Set("dtype", ov::DTypeName(out_.dtype));
    deferred_.Resolve(result);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  SessionPtr session_;
  std::vector<int64_t> shape_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference pin_;
  Napi::ObjectReference out_pin_;
  void* out_ptr_ = nullptr;
  size_t out_bytes_ = 0;
  const void* data_ = nullptr;
  size_t bytes_ = 0;
  ov::DType dtype_ = ov::DType::kF32;
  ov::RunOutput out_;
};

Napi::Value Run(const Napi::CallbackInfo& info) {
  SessionPtr session = HandleArg(info, 0);
  if (!info[1].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "Expected a Float32Array or Uint16Array for data");
  const Napi::TypedArray input = info[1].As<Napi::TypedArray>();
  if (input.TypedArrayType() != napi_float32_array && input.TypedArrayType() != napi_uint16_array) {
    throw Napi::TypeError::New(info.Env(), "Expected a Float32Array (float32) or Uint16Array (float16 bits) for data");
  }
  if (!info[2].IsArray()) throw Napi::TypeError::New(info.Env(), "Expected an array of dimensions for shape");
  const Napi::Array dims = info[2].As<Napi::Array>();
  std::vector<int64_t> shape;
  for (uint32_t i = 0; i < dims.Length(); i++) {
    const Napi::Value d = dims.Get(i);
    if (!d.IsNumber()) throw Napi::TypeError::New(info.Env(), "Expected integer dimensions for shape");
    shape.push_back(d.As<Napi::Number>().Int64Value());
  }
  auto* worker = new RunWorker(info.Env(), session, input, shape, info[3]);
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  HandleArg(info, 0)->Close();
  return info.Env().Undefined();
}

}  // namespace

void RegisterOpenVino(Napi::Env env, Napi::Object exports) {
  exports.Set("openvinoLoad", Napi::Function::New(env, Load, "openvinoLoad"));
  exports.Set("openvinoOpen", Napi::Function::New(env, Open, "openvinoOpen"));
  exports.Set("openvinoRun", Napi::Function::New(env, Run, "openvinoRun"));
  exports.Set("openvinoClose", Napi::Function::New(env, Close, "openvinoClose"));
}

}  // namespace ledpipe
