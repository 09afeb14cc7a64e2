#include "isa.h"

#include <atomic>
#include <cstdlib>

namespace ledpipe {
namespace {

bool HasAvx2() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c");
#else
  return false;
#endif
}

bool HasAvx512() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return HasAvx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl");
#else
  return false;
#endif
}

struct IsaState {
  std::atomic<int> active;
  std::string requested;
  bool honoured = true;

  IsaState() {
    Isa chosen = BestIsa();
    const char* env = std::getenv("LEDPIPE_NATIVE_ISA");
    if (env != nullptr && env[0] != '\0') {
      requested = env;
      Isa wanted;
      if (ParseIsa(requested, &wanted) && IsaSupported(wanted)) {
        chosen = wanted;
      } else {
        honoured = false;
      }
    }
    active.store(static_cast<int>(chosen));
  }
};

IsaState& State() {
  static IsaState state;
  return state;
}

}  // namespace

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx2:
      return "avx2";
    case Isa::kAvx512:
      return "avx512";
    default:
      return "scalar";
  }
}

bool ParseIsa(const std::string& name, Isa* out) {
  if (name == "scalar") {
    *out = Isa::kScalar;
  } else if (name == "avx2") {
    *out = Isa::kAvx2;
  } else if (name == "avx512") {
    *out = Isa::kAvx512;
  } else {
    return false;
  }
  return true;
}

bool IsaSupported(Isa isa) {
  switch (isa) {
    case Isa::kScalar:
      return true;
    case Isa::kAvx2:
      return HasAvx2();
    case Isa::kAvx512:
      return HasAvx512();
  }
  return false;
}

Isa BestIsa() {
  if (HasAvx512()) return Isa::kAvx512;
  if (HasAvx2()) return Isa::kAvx2;
  return Isa::kScalar;
}

Isa ActiveIsa() { return static_cast<Isa>(State().active.load()); }

void SetActiveIsa(Isa isa) { State().active.store(static_cast<int>(isa)); }

const std::string& RequestedIsa() { return State().requested; }

bool RequestHonoured() { return State().honoured; }

std::vector<std::string> CpuFeatures() {
  std::vector<std::string> out;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
#define LEDPIPE_FEATURE(name) \
  if (__builtin_cpu_supports(name)) out.push_back(name);
  LEDPIPE_FEATURE("sse2")
  LEDPIPE_FEATURE("sse4.1")
  LEDPIPE_FEATURE("sse4.2")
  LEDPIPE_FEATURE("avx")
  LEDPIPE_FEATURE("f16c")
  LEDPIPE_FEATURE("fma")
  LEDPIPE_FEATURE("avx2")
  LEDPIPE_FEATURE("avx512f")
  LEDPIPE_FEATURE("avx512bw")
  LEDPIPE_FEATURE("avx512vl")
  LEDPIPE_FEATURE("avx512dq")
#undef LEDPIPE_FEATURE
#endif
  return out;
}

}  // namespace ledpipe
