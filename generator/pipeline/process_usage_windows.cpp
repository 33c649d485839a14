// getrusage() for SHNOR_TIMINGS on Windows (pipeline/stage_clock.hpp); on
// Linux this file is empty.
#ifdef _WIN32

#include "pipeline/stage_clock.hpp"

#include <windows.h>
#include <psapi.h>

int getrusage(int, struct rusage* usage) {
    PROCESS_MEMORY_COUNTERS counters{};
    counters.cb = sizeof counters;
    if (!::K32GetProcessMemoryInfo(::GetCurrentProcess(), &counters, sizeof counters)) return -1;
    usage->ru_minflt = static_cast<long>(counters.PageFaultCount);
    usage->ru_maxrss = static_cast<long>(counters.PeakWorkingSetSize / 1024);
    return 0;
}

#endif
