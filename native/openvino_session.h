// One OpenVINO model, single image in, single image out, compiled per input
// shape (a few shapes cached) and run synchronously on the calling thread (the
// binding calls it from the libuv pool). Thread-safe: runs are serialised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "openvino_api.h"

namespace ledpipe {
namespace ov {

enum class DType { kF32, kF16 };

inline size_t DTypeBytes(DType t) { return t == DType::kF32 ? 4 : 2; }
inline const char* DTypeName(DType t) { return t == DType::kF32 ? "float32" : "float16"; }

struct PortInfo {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> dims;  // -1: dynamic
};

struct RunOutput {
  void* data = nullptr;  // aligned; ownership passes to the caller (FreeOutput) unless caller_owned
  bool caller_owned = false;
  size_t bytes = 0;
  std::vector<int64_t> shape;
  DType dtype = DType::kF32;
};

void FreeOutput(void* data);

struct SessionOptions {
  std::string device = "CPU";
  int threads = 0;        // 0: the plugin's default
  int max_shapes = 4;     // compiled shapes kept
};

class Session {
 public:
  // Reads the model and checks its contract; throws std::runtime_error with OpenVINO's message.
  static std::shared_ptr<Session> Open(const std::string& model_path, const SessionOptions& options);
  ~Session();

  const PortInfo& input() const { return input_; }
  const PortInfo& output() const { return output_; }

  // Runs one tensor of `shape` (rank and dtype as the input port). Throws std::runtime_error.
  // With `out`, the result is written there when `out_bytes` is exactly the output's size
  // (no allocation; RunOutput::caller_owned), else into a new block.
  RunOutput Run(const void* data, size_t bytes, DType dtype, const std::vector<int64_t>& shape, void* out = nullptr,
                size_t out_bytes = 0);
  void Close();
  size_t compiled_shapes();

 private:
  struct Compiled {
    std::vector<int64_t> shape;
    std::vector<int64_t> out_shape;
    CompiledModel* model = nullptr;
    InferRequest* request = nullptr;
    uint64_t last_use = 0;
  };

  Session(const Api* api, Model* model, SessionOptions options) : api_(api), model_(model), options_(std::move(options)) {}
  Compiled& CompiledFor(const std::vector<int64_t>& shape);
  void Release(Compiled* c);

  const Api* api_;
  Model* model_;
  SessionOptions options_;
  PortInfo input_;
  PortInfo output_;
  std::mutex mutex_;
  std::vector<Compiled> compiled_;
  uint64_t clock_ = 0;
  bool closed_ = false;
};

}  // namespace ov
}  // namespace ledpipe
