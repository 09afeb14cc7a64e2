// The few OpenVINO C API (libopenvino_c, 2024/2025 releases) types and
// functions ledpipe uses, declared here and resolved at run time with dlopen,
// so building the addon needs no OpenVINO headers and running it needs no
// OpenVINO unless that backend is chosen. Signatures follow
// src/bindings/c/include/openvino/c/*.h; only functions whose signatures are
// the same in 2024.x and 2025.x are used (no ov_shape_create /
// ov_partial_shape_create*, whose argument order changed in 2023: shapes are
// filled in directly, which is how the API passes them by value anyway).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ledpipe {
namespace ov {

struct Core;
struct Model;
struct CompiledModel;
struct InferRequest;
struct Tensor;
struct ConstPort;

using Status = int;  // ov_status_e: 0 is OK
constexpr Status kOk = 0;

struct Shape {  // ov_shape_t
  int64_t rank;
  int64_t* dims;
};
struct Dimension {  // ov_dimension_t; min == max for a static dimension, max == -1 when unbounded
  int64_t min;
  int64_t max;
};
struct PartialShape {  // ov_partial_shape_t
  Dimension rank;
  Dimension* dims;
};
struct Version {  // ov_version_t
  const char* build_number;
  const char* description;
};

// ov_element_type_e. 2025 releases dropped DYNAMIC from the enum, which moved
// every later code down by one, so the codes are measured at load (see Api::f32).
struct Api {
  Status (*get_openvino_version)(Version*);
  void (*version_free)(Version*);
  const char* (*get_last_err_msg)();  // optional (absent before 2023.1); result freed with free_str
  void (*free_str)(const char*);

  Status (*core_create)(Core**);
  void (*core_free)(Core*);
  Status (*core_read_model)(const Core*, const char* model_path, const char* bin_path, Model**);
  Status (*core_compile_model)(const Core*, const Model*, const char* device, size_t property_args, CompiledModel**,
                               ...);

  void (*model_free)(Model*);
  Status (*model_inputs_size)(const Model*, size_t*);
  Status (*model_outputs_size)(const Model*, size_t*);
  Status (*model_const_input_by_index)(const Model*, size_t, ConstPort**);
  Status (*model_const_output_by_index)(const Model*, size_t, ConstPort**);
  Status (*model_reshape_by_port_indexes)(const Model*, const size_t* ports, const PartialShape* shapes, size_t n);

  Status (*port_get_any_name)(const ConstPort*, char**);
  Status (*port_get_element_type)(const ConstPort*, int*);
  Status (*port_get_partial_shape)(const ConstPort*, PartialShape*);
  void (*output_const_port_free)(ConstPort*);
  void (*partial_shape_free)(PartialShape*);

  Status (*compiled_model_output)(const CompiledModel*, ConstPort**);
  Status (*compiled_model_create_infer_request)(const CompiledModel*, InferRequest**);
  void (*compiled_model_free)(CompiledModel*);

  Status (*infer_request_set_input_tensor)(InferRequest*, const Tensor*);
  Status (*infer_request_set_output_tensor)(InferRequest*, const Tensor*);
  Status (*infer_request_infer)(InferRequest*);
  void (*infer_request_free)(InferRequest*);

  Status (*tensor_create)(int type, Shape shape, Tensor**);
  Status (*tensor_create_from_host_ptr)(int type, Shape shape, void* host_ptr, Tensor**);
  Status (*tensor_get_byte_size)(const Tensor*, size_t*);
  void (*tensor_free)(Tensor*);

  // Element type codes of the loaded release.
  int f16 = -1;
  int f32 = -1;
};

// Loads the library at `path` (a file, or a bare name for the system loader)
// once per process. Returns the API table, or null with *error set. A later
// call with another path returns the library already loaded (*loaded_path).
const Api* LoadApi(const std::string& path, std::string* error, std::string* loaded_path);

// The table once loaded, else null.
const Api* LoadedApi();

// "what: <OpenVINO's message>" for a failed call.
std::string ErrorText(const Api& api, Status status, const char* what);

}  // namespace ov
}  // namespace ledpipe
