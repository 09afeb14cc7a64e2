// TensorRT presence check. Compiled with LEDPIPE_HAVE_TENSORRT only when the
// build found NvInfer.h (scripts/build-native.mjs); then tensorrtInfo() loads
// libnvinfer at run time and reports its version. Building and running engines
// is not implemented yet: `engine: false` says so.
//   tensorrtInfo() -> { built, headerDir?, loaded?, version?, library?, error?, engine: false }
#include <napi.h>

#include <string>

#ifdef LEDPIPE_HAVE_TENSORRT
#include <NvInferVersion.h>
#include <dlfcn.h>
#endif

namespace ledpipe {
namespace {

#ifdef LEDPIPE_HAVE_TENSORRT

// getInferLibVersion() is extern "C" in NvInferRuntime.h: major*1000 + minor*100 + patch
// before TensorRT 10, major*10000 + minor*100 + patch from 10 on.
std::string VersionText(int v) {
  const int major = v >= 10000 ? v / 10000 : v / 1000;
  const int minor = v >= 10000 ? (v / 100) % 100 : (v / 100) % 10;
  const int patch = v % 100;
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}
#endif

Napi::Value TensorRtInfo(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("engine", false);
#ifdef LEDPIPE_HAVE_TENSORRT
  out.Set("built", true);
  out.Set("headerVersion", std::to_string(NV_TENSORRT_MAJOR) + "." + std::to_string(NV_TENSORRT_MINOR) + "." +
                               std::to_string(NV_TENSORRT_PATCH));
  static void* lib = nullptr;
  static std::string library;
  static std::string error;
  if (!lib && error.empty()) {
    const std::string names[] = {"libnvinfer.so." + std::to_string(NV_TENSORRT_MAJOR), "libnvinfer.so"};
    for (const std::string& name : names) {
      lib = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (lib) {
        library = name;
        break;
      }
      const char* e = dlerror();
      if (!error.empty()) error += "; ";
      error += e ? e : name;
    }
    if (lib) error.clear();
  }
  out.Set("loaded", lib != nullptr);
  if (lib) {
    using VersionFn = int (*)();
    auto fn = reinterpret_cast<VersionFn>(dlsym(lib, "getInferLibVersion"));
    out.Set("library", library);
    if (fn) out.Set("version", VersionText(fn()));
  } else {
    out.Set("error", error);
  }
#else
  out.Set("built", false);
  out.Set("loaded", false);
#endif
  return out;
}

}  // namespace

void RegisterTensorRt(Napi::Env env, Napi::Object exports) {
  exports.Set("tensorrtInfo", Napi::Function::New(env, TensorRtInfo, "tensorrtInfo"));
}

}  // namespace ledpipe
