// OpenVINO session: read once, reshape + compile per input shape (LRU of a
// few), run into a buffer the caller then owns.
#include "openvino_session.h"

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace ledpipe {
namespace ov {
namespace {

std::mutex g_core_mutex;
Core* g_core = nullptr;

// One Core per process (it owns the device plugins); never freed, like the library.
Core* SharedCore(const Api& api) {
  std::lock_guard<std::mutex> lock(g_core_mutex);
  if (!g_core) {
    const Status s = api.core_create(&g_core);
    if (s != kOk || !g_core) {
      g_core = nullptr;
      throw std::runtime_error(ErrorText(api, s, "cannot create the OpenVINO core"));
    }
  }
  return g_core;
}

void Check(const Api& api, Status s, const char* what) {
  if (s != kOk) throw std::runtime_error(ErrorText(api, s, what));
}

std::string ShapeText(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); i++) {
    if (i) s += ", ";
    s += dims[i] < 0 ? std::string("?") : std::to_string(dims[i]);
  }
  return s + "]";
}

PortInfo ReadPort(const Api& api, ConstPort* port, const char* role) {
  PortInfo info;
  char* name = nullptr;
  if (api.port_get_any_name(port, &name) == kOk && name) {
    info.name = name;
    api.free_str(name);
  }
  int type = -1;
  Check(api, api.port_get_element_type(port, &type), "cannot read the element type");
  if (type == api.f32) {
    info.dtype = DType::kF32;
  } else if (type == api.f16) {
    info.dtype = DType::kF16;
  } else {
    throw std::runtime_error(std::string(role) + " '" + info.name + "' has OpenVINO element type code " +
                             std::to_string(type) + "; the OpenVINO backend takes float32 or float16 images");
  }
  PartialShape ps{{0, 0}, nullptr};
  Check(api, api.port_get_partial_shape(port, &ps), "cannot read the shape");
  const bool dynamic_rank = ps.rank.min != ps.rank.max || ps.rank.max < 0;
  if (!dynamic_rank) {
    for (int64_t i = 0; i < ps.rank.max; i++) {
      const Dimension d = ps.dims[i];
      info.dims.push_back(d.min == d.max && d.min >= 0 ? d.min : -1);
    }
  }
  api.partial_shape_free(&ps);
  if (dynamic_rank) throw std::runtime_error(std::string(role) + " '" + info.name + "' has a dynamic rank");
  return info;
}

PortInfo ModelPort(const Api& api, Model* model, bool input) {
  ConstPort* port = nullptr;
  Check(api, input ? api.model_const_input_by_index(model, 0, &port) : api.model_const_output_by_index(model, 0, &port),
        input ? "cannot read the input" : "cannot read the output");
  try {
    PortInfo info = ReadPort(api, port, input ? "input" : "output");
    api.output_const_port_free(port);
    return info;
  } catch (...) {
    api.output_const_port_free(port);
    throw;
  }
}

}  // namespace

void FreeOutput(void* data) { std::free(data); }

std::shared_ptr<Session> Session::Open(const std::string& model_path, const SessionOptions& options) {
  const Api* api = LoadedApi();
  if (!api) throw std::runtime_error("the OpenVINO library is not loaded");
  Core* core = SharedCore(*api);
  Model* model = nullptr;
  Check(*api, api->core_read_model(core, model_path.c_str(), nullptr, &model), "OpenVINO cannot read the model");
  std::shared_ptr<Session> session(new Session(api, model, options));
  size_t inputs = 0;
  size_t outputs = 0;
  Check(*api, api->model_inputs_size(model, &inputs), "cannot count the inputs");
  Check(*api, api->model_outputs_size(model, &outputs), "cannot count the outputs");
  if (inputs != 1 || outputs != 1) {
    throw std::runtime_error("has " + std::to_string(inputs) + " inputs and " + std::to_string(outputs) +
                             " outputs; expected one image in, one image out");
  }
  session->input_ = ModelPort(*api, model, true);
  session->output_ = ModelPort(*api, model, false);
  return session;
}

Session::~Session() {
  Close();
  if (model_) api_->model_free(model_);
}

void Session::Release(Compiled* c) {
  if (c->request) api_->infer_request_free(c->request);
  if (c->model) api_->compiled_model_free(c->model);
  c->request = nullptr;
  c->model = nullptr;
}

void Session::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (Compiled& c : compiled_) Release(&c);
  compiled_.clear();
  closed_ = true;
}

size_t Session::compiled_shapes() {
  std::lock_guard<std::mutex> lock(mutex_);
  return compiled_.size();
}

Session::Compiled& Session::CompiledFor(const std::vector<int64_t>& shape) {
  for (Compiled& c : compiled_) {
    if (c.shape == shape) {
      c.last_use = ++clock_;
      return c;
    }
  }
  if (static_cast<int>(compiled_.size()) >= options_.max_shapes) {
    size_t oldest = 0;
    for (size_t i = 1; i < compiled_.size(); i++) {
      if (compiled_[i].last_use < compiled_[oldest].last_use) oldest = i;
    }
    Release(&compiled_[oldest]);
    compiled_.erase(compiled_.begin() + static_cast<std::ptrdiff_t>(oldest));
  }
  // Static shape: the CPU plugin plans memory and picks kernels once per shape.
  std::vector<Dimension> dims;
  for (int64_t d : shape) dims.push_back(Dimension{d, d});
  const PartialShape ps{{static_cast<int64_t>(dims.size()), static_cast<int64_t>(dims.size())}, dims.data()};
  const size_t port = 0;
  Check(*api_, api_->model_reshape_by_port_indexes(model_, &port, &ps, 1),
        ("cannot reshape the model to " + ShapeText(shape)).c_str());

  Compiled c;
  c.shape = shape;
  Core* core = SharedCore(*api_);
  const char* device = options_.device.c_str();
  Status s;
  if (options_.device.rfind("CPU", 0) == 0) {
    // f32 on every CPU (bf16/fp16 hints would change results on AMX / AVX512-FP16 parts).
    const std::string threads = std::to_string(options_.threads);
    if (options_.threads > 0) {
      s = api_->core_compile_model(core, model_, device, 6, &c.model, "INFERENCE_PRECISION_HINT", "f32",
                                   "PERFORMANCE_HINT", "LATENCY", "INFERENCE_NUM_THREADS", threads.c_str());
    } else {
      s = api_->core_compile_model(core, model_, device, 4, &c.model, "INFERENCE_PRECISION_HINT", "f32",
                                   "PERFORMANCE_HINT", "LATENCY");
    }
  } else {
    s = api_->core_compile_model(core, model_, device, 2, &c.model, "PERFORMANCE_HINT", "LATENCY");
  }
  Check(*api_, s, ("cannot compile the model for " + options_.device + " at input " + ShapeText(shape)).c_str());
  try {
    ConstPort* out = nullptr;
    Check(*api_, api_->compiled_model_output(c.model, &out), "cannot read the compiled output");
    PortInfo info;
    try {
      info = ReadPort(*api_, out, "output");
    } catch (...) {
      api_->output_const_port_free(out);
      throw;
    }
    api_->output_const_port_free(out);
    for (int64_t d : info.dims) {
      if (d < 0) throw std::runtime_error("output shape " + ShapeText(info.dims) + " is still dynamic at input " + ShapeText(shape));
    }
    c.out_shape = info.dims;
    Check(*api_, api_->compiled_model_create_infer_request(c.model, &c.request), "cannot create an infer request");
  } catch (...) {
    Release(&c);
    throw;
  }
  c.last_use = ++clock_;
  compiled_.push_back(c);
  return compiled_.back();
}

RunOutput Session::Run(const void* data, size_t bytes, DType dtype, const std::vector<int64_t>& shape, void* out_data,
                       size_t out_bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) throw std::runtime_error("the session is closed");
  if (dtype != input_.dtype) {
    throw std::runtime_error(std::string("expected a ") + DTypeName(input_.dtype) + " input but received " + DTypeName(dtype));
  }
  if (shape.size() != input_.dims.size()) {
    throw std::runtime_error("expected an input of rank " + std::to_string(input_.dims.size()) + " " +
                             ShapeText(input_.dims) + " but received " + ShapeText(shape));
  }
  size_t count = 1;
  for (size_t i = 0; i < shape.size(); i++) {
    if (shape[i] <= 0 || (input_.dims[i] >= 0 && input_.dims[i] != shape[i])) {
      throw std::runtime_error("expected an input of shape " + ShapeText(input_.dims) + " but received " + ShapeText(shape));
    }
    count *= static_cast<size_t>(shape[i]);
  }
  if (bytes != count * DTypeBytes(dtype)) {
    throw std::runtime_error("input shape " + ShapeText(shape) + " needs " + std::to_string(count * DTypeBytes(dtype)) +
                             " bytes but the data has " + std::to_string(bytes));
  }
  Compiled& c = CompiledFor(shape);

  RunOutput out;
  out.dtype = output_.dtype;
  out.shape = c.out_shape;
  size_t out_count = 1;
  for (int64_t d : c.out_shape) out_count *= static_cast<size_t>(d);
  out.bytes = out_count * DTypeBytes(out.dtype);
  if (out_data && out_bytes == out.bytes) {
    // The caller's array (pinned by the binding): OpenVINO writes the result there, nothing to free.
    out.data = out_data;
    out.caller_owned = true;
  } else {
    out.data = std::aligned_alloc(64, (out.bytes + 63) / 64 * 64);
    if (!out.data) throw std::runtime_error("out of memory for a " + std::to_string(out.bytes) + "-byte output");
  }

  std::vector<int64_t> in_dims = shape;
  std::vector<int64_t> out_dims = c.out_shape;
  const int in_type = input_.dtype == DType::kF32 ? api_->f32 : api_->f16;
  const int out_type = out.dtype == DType::kF32 ? api_->f32 : api_->f16;
  Tensor* in_t = nullptr;
  Tensor* out_t = nullptr;
  try {
    // Both tensors wrap memory ledpipe owns: the pinned JS input and the output block.
    Check(*api_, api_->tensor_create_from_host_ptr(in_type, Shape{static_cast<int64_t>(in_dims.size()), in_dims.data()},
                                                   const_cast<void*>(data), &in_t),
          "cannot wrap the input");
    Check(*api_, api_->tensor_create_from_host_ptr(out_type, Shape{static_cast<int64_t>(out_dims.size()), out_dims.data()},
                                                   out.data, &out_t),
          "cannot wrap the output");
    Check(*api_, api_->infer_request_set_input_tensor(c.request, in_t), "cannot set the input");
    Check(*api_, api_->infer_request_set_output_tensor(c.request, out_t), "cannot set the output");
    Check(*api_, api_->infer_request_infer(c.request), "inference failed");
  } catch (...) {
    if (in_t) api_->tensor_free(in_t);
    if (out_t) api_->tensor_free(out_t);
    if (!out.caller_owned) FreeOutput(out.data);
    throw;
  }
  api_->tensor_free(in_t);
  api_->tensor_free(out_t);
  return out;
}

}  // namespace ov
}  // namespace ledpipe
