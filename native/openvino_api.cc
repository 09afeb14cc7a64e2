// Run-time loading of libopenvino_c (see openvino_api.h).
#include "openvino_api.h"

#include <dlfcn.h>

#include <mutex>

namespace ledpipe {
namespace ov {
namespace {

std::mutex g_mutex;
Api g_api;
bool g_loaded = false;
std::string g_path;

template <typename Fn>
bool Resolve(void* lib, const char* name, Fn* out, std::string* missing) {
  void* sym = dlsym(lib, name);
  if (!sym) {
    if (!missing->empty()) *missing += ", ";
    *missing += name;
    return false;
  }
  *out = reinterpret_cast<Fn>(sym);
  return true;
}

// Bytes of one element of type `code`, or 0 when the release rejects it.
size_t ElementBytes(const Api& api, int code) {
  int64_t one = 1;
  Tensor* t = nullptr;
  if (api.tensor_create(code, Shape{1, &one}, &t) != kOk || !t) return 0;
  size_t bytes = 0;
  if (api.tensor_get_byte_size(t, &bytes) != kOk) bytes = 0;
  api.tensor_free(t);
  return bytes;
}

bool ResolveAll(void* lib, Api* api, std::string* missing) {
  bool ok = true;
  ok &= Resolve(lib, "ov_get_openvino_version", &api->get_openvino_version, missing);
  ok &= Resolve(lib, "ov_version_free", &api->version_free, missing);
  ok &= Resolve(lib, "ov_free", &api->free_str, missing);
  ok &= Resolve(lib, "ov_core_create", &api->core_create, missing);
  ok &= Resolve(lib, "ov_core_free", &api->core_free, missing);
  ok &= Resolve(lib, "ov_core_read_model", &api->core_read_model, missing);
  ok &= Resolve(lib, "ov_core_compile_model", &api->core_compile_model, missing);
  ok &= Resolve(lib, "ov_model_free", &api->model_free, missing);
  ok &= Resolve(lib, "ov_model_inputs_size", &api->model_inputs_size, missing);
  ok &= Resolve(lib, "ov_model_outputs_size", &api->model_outputs_size, missing);
  ok &= Resolve(lib, "ov_model_const_input_by_index", &api->model_const_input_by_index, missing);
  ok &= Resolve(lib, "ov_model_const_output_by_index", &api->model_const_output_by_index, missing);
  ok &= Resolve(lib, "ov_model_reshape_by_port_indexes", &api->model_reshape_by_port_indexes, missing);
  ok &= Resolve(lib, "ov_port_get_any_name", &api->port_get_any_name, missing);
  ok &= Resolve(lib, "ov_port_get_element_type", &api->port_get_element_type, missing);
  ok &= Resolve(lib, "ov_port_get_partial_shape", &api->port_get_partial_shape, missing);
  ok &= Resolve(lib, "ov_output_const_port_free", &api->output_const_port_free, missing);
  ok &= Resolve(lib, "ov_partial_shape_free", &api->partial_shape_free, missing);
  ok &= Resolve(lib, "ov_compiled_model_output", &api->compiled_model_output, missing);
  ok &= Resolve(lib, "ov_compiled_model_create_infer_request", &api->compiled_model_create_infer_request, missing);
  ok &= Resolve(lib, "ov_compiled_model_free", &api->compiled_model_free, missing);
  ok &= Resolve(lib, "ov_infer_request_set_input_tensor", &api->infer_request_set_input_tensor, missing);
  ok &= Resolve(lib, "ov_infer_request_set_output_tensor", &api->infer_request_set_output_tensor, missing);
  ok &= Resolve(lib, "ov_infer_request_infer", &api->infer_request_infer, missing);
  ok &= Resolve(lib, "ov_infer_request_free", &api->infer_request_free, missing);
  ok &= Resolve(lib, "ov_tensor_create", &api->tensor_create, missing);
  ok &= Resolve(lib, "ov_tensor_create_from_host_ptr", &api->tensor_create_from_host_ptr, missing);
  ok &= Resolve(lib, "ov_tensor_get_byte_size", &api->tensor_get_byte_size, missing);
  ok &= Resolve(lib, "ov_tensor_free", &api->tensor_free, missing);
  std::string optional;
  Resolve(lib, "ov_get_last_err_msg", &api->get_last_err_msg, &optional);
  return ok;
}

}  // namespace

const Api* LoadApi(const std::string& path, std::string* error, std::string* loaded_path) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_loaded) {
    *loaded_path = g_path;
    return &g_api;
  }
  dlerror();
  // RTLD_LOCAL keeps OpenVINO's symbols (and its TBB) out of the global namespace.
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* e = dlerror();
    *error = e ? e : ("cannot load " + path);
    return nullptr;
  }
  Api api;
  std::string missing;
  if (!ResolveAll(lib, &api, &missing)) {
    *error = path + " lacks " + missing + " (not an OpenVINO 2024/2025 C API library?)";
    dlclose(lib);
    return nullptr;
  }
  // Measure the element type codes: 4 is F16 in releases with DYNAMIC in the
  // enum (F32 = 5), and F32 in those without it (F16 = 3).
  const size_t bytes4 = ElementBytes(api, 4);
  if (bytes4 == 2) {
    api.f16 = 4;
    api.f32 = 5;
  } else if (bytes4 == 4) {
    api.f16 = 3;
    api.f32 = 4;
  }
  if (api.f32 < 0 || ElementBytes(api, api.f32) != 4 || ElementBytes(api, api.f16) != 2) {
    *error = path + ": cannot identify the element type codes of this OpenVINO release";
    dlclose(lib);
    return nullptr;
  }
  // Never unloaded: OpenVINO's plugins and thread pools outlive any one session.
  g_api = api;
  g_loaded = true;
  g_path = path;
  *loaded_path = path;
  return &g_api;
}

const Api* LoadedApi() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_loaded ? &g_api : nullptr;
}

std::string ErrorText(const Api& api, Status status, const char* what) {
  std::string detail;
  if (api.get_last_err_msg) {
    const char* msg = api.get_last_err_msg();
    if (msg) {
      detail = msg;
      api.free_str(msg);
    }
  }
  // OpenVINO's messages start with the C++ source location of the check; keep them whole.
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  if (detail.empty()) detail = "status " + std::to_string(status);
  return std::string(what) + ": " + detail;
}

}  // namespace ov
}  // namespace ledpipe
