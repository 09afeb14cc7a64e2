// Runs a job struct (a plain "baton" copied on the JS thread) on the libuv
// thread pool and settles a Promise with the output buffer. The buffers the job
// points into are pinned by persistent references until the job ends.
#pragma once

#include <napi.h>

#include <exception>
#include <initializer_list>
#include <vector>

namespace ledpipe {

template <typename Job>
class AsyncJob : public Napi::AsyncWorker {
 public:
  static Napi::Value Start(Napi::Env env, const Job& job, std::initializer_list<Napi::Value> pinned,
                           Napi::Value result) {
    auto* worker = new AsyncJob(env, job, pinned, result);
    Napi::Promise promise = worker->deferred_.Promise();
    worker->Queue();
    return promise;
  }

 protected:
  void Execute() override {
    try {
      job_.Run();
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnOK() override { deferred_.Resolve(result_.Value()); }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  AsyncJob(Napi::Env env, const Job& job, std::initializer_list<Napi::Value> pinned, Napi::Value result)
      : Napi::AsyncWorker(env, "ledpipe:native"), job_(job), deferred_(Napi::Promise::Deferred::New(env)) {
    for (const Napi::Value& v : pinned) pins_.push_back(Napi::Persistent(v.As<Napi::Object>()));
    result_ = Napi::Persistent(result.As<Napi::Object>());
  }

  Job job_;
  Napi::Promise::Deferred deferred_;
  std::vector<Napi::ObjectReference> pins_;
  Napi::ObjectReference result_;
};

}  // namespace ledpipe
