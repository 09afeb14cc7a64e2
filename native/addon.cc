// Module entry: registers the kernels and reports how the addon was built and
// which instruction-set path it runs.
#include <napi.h>

#include <string>

#include "convert.h"
#include "isa.h"
#include "js_args.h"
#include "sr_luma.h"

namespace ledpipe {

void RegisterResize(Napi::Env env, Napi::Object exports);
void RegisterTiles(Napi::Env env, Napi::Object exports);
void RegisterCalibration(Napi::Env env, Napi::Object exports);
void RegisterThermal(Napi::Env env, Napi::Object exports);
void RegisterOpenVino(Napi::Env env, Napi::Object exports);
void RegisterTensorRt(Napi::Env env, Napi::Object exports);

namespace {

std::string CompilerName() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("gcc ") + __VERSION__;
#else
  return "unknown";
#endif
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("isa", IsaName(ActiveIsa()));
  out.Set("bestIsa", IsaName(BestIsa()));
  Napi::Array features = Napi::Array::New(env);
  uint32_t i = 0;
  for (const std::string& f : CpuFeatures()) features.Set(i++, f);
  out.Set("cpuFeatures", features);
  Napi::Array supported = Napi::Array::New(env);
  i = 0;
  for (Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512}) {
    if (IsaSupported(isa)) supported.Set(i++, IsaName(isa));
  }
  out.Set("supportedIsas", supported);
  if (!RequestedIsa().empty()) {
    out.Set("requestedIsa", RequestedIsa());
    out.Set("requestHonoured", RequestHonoured());
  }
  out.Set("compiler", CompilerName());
  out.Set("napiVersion", NAPI_VERSION);
  out.Set("built", true);
  return out;
}

// setIsa(name): later calls use that path; returns the path now active.
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  const std::string name = StringArg(info, 0, "isa");
  Isa isa;
  if (!ParseIsa(name, &isa)) {
    throw Napi::RangeError::New(info.Env(), "Expected 'scalar', 'avx2' or 'avx512' for isa but received '" + name + "'");
  }
  if (!IsaSupported(isa)) {
    throw Napi::RangeError::New(info.Env(), "This CPU does not support the " + name + " path");
  }
  SetActiveIsa(isa);
  return Napi::String::New(info.Env(), IsaName(ActiveIsa()));
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  RegisterConvert(env, exports);
  RegisterResize(env, exports);
  RegisterTiles(env, exports);
  RegisterCalibration(env, exports);
  RegisterThermal(env, exports);
  RegisterSrLuma(env, exports);
  RegisterOpenVino(env, exports);
  RegisterTensorRt(env, exports);
  return exports;
}

}  // namespace ledpipe

static Napi::Object InitLedpipeNative(Napi::Env env, Napi::Object exports) { return ledpipe::Init(env, exports); }

NODE_API_MODULE(ledpipe_native, InitLedpipeNative)
