// resize(src, srcW, srcH, dst, dstW, dstH, format, filter) and its async twin.
#include <napi.h>

#include "async_job.h"
#include "js_args.h"
#include "resize.h"

namespace ledpipe {
namespace {

ResizeJob ReadResize(const Napi::CallbackInfo& info) {
  ResizeJob job;
  const ByteView src = ViewArg(info, 0, "src");
  job.src_w = IntArg(info, 1, "srcWidth", 1, kMaxDim);
  job.src_h = IntArg(info, 2, "srcHeight", 1, kMaxDim);
  const ByteView dst = ViewArg(info, 3, "dst");
  job.dst_w = IntArg(info, 4, "dstWidth", 1, kMaxDim);
  job.dst_h = IntArg(info, 5, "dstHeight", 1, kMaxDim);
  job.sample = FormatArg(info, 6);
  const std::string filter = StringArg(info, 7, "filter");
  if (filter == "lanczos3") {
    job.filter = ResizeFilter::kLanczos3;
  } else if (filter == "cubic") {
    job.filter = ResizeFilter::kCubic;
  } else {
    throw Napi::RangeError::New(info.Env(), "Expected 'lanczos3' or 'cubic' for filter but received '" + filter + "'");
  }
  const size_t sb = SampleBytes(job.sample);
  RequireBytes(info, src, static_cast<size_t>(job.src_w) * job.src_h * 3 * sb, "src");
  RequireBytes(info, dst, static_cast<size_t>(job.dst_w) * job.dst_h * 3 * sb, "dst");
  if (src.data < dst.data + dst.bytes && dst.data < src.data + src.bytes) {
    throw Napi::RangeError::New(info.Env(), "Expected src and dst not to overlap");
  }
  job.src = src.data;
  job.dst = dst.data;
  job.isa = ActiveIsa();
  return job;
}

Napi::Value Resize(const Napi::CallbackInfo& info) {
  ReadResize(info).Run();
  return info[3];
}

Napi::Value ResizeAsync(const Napi::CallbackInfo& info) {
  const ResizeJob job = ReadResize(info);
  return AsyncJob<ResizeJob>::Start(info.Env(), job, {info[0], info[3]}, info[3]);
}

}  // namespace

void RegisterResize(Napi::Env env, Napi::Object exports) {
  exports.Set("resize", Napi::Function::New(env, Resize, "resize"));
  exports.Set("resizeAsync", Napi::Function::New(env, ResizeAsync, "resizeAsync"));
}

}  // namespace ledpipe
