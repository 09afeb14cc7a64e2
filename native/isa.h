// Instruction-set selection for the pixel kernels: what the CPU offers, what
// LEDPIPE_NATIVE_ISA asks for, and which path the next call will use.
#pragma once

#include <string>
#include <vector>

namespace ledpipe {

enum class Isa { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

const char* IsaName(Isa isa);
bool ParseIsa(const std::string& name, Isa* out);

// True when this CPU (and OS) can run the path.
bool IsaSupported(Isa isa);
Isa BestIsa();

// The path new calls use. Starts as LEDPIPE_NATIVE_ISA (capped to what the CPU
// supports) or the best path; SetActiveIsa changes it for later calls only.
Isa ActiveIsa();
void SetActiveIsa(Isa isa);

// What LEDPIPE_NATIVE_ISA asked for at load ("" when unset) and whether it was honoured.
const std::string& RequestedIsa();
bool RequestHonoured();

std::vector<std::string> CpuFeatures();

}  // namespace ledpipe
