// SHNOR_TIMINGS=1 prints how long each stage of a build took, for profiling.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#ifdef _WIN32
// The two figures of getrusage() used for SHNOR_TIMINGS, from Windows
// (process_usage_windows.cpp): page faults, and the peak working set in KiB
// as ru_maxrss is. <windows.h> stays out of this header.
struct rusage {
    long ru_minflt;
    long ru_maxrss;
};
constexpr int RUSAGE_SELF = 0;
int getrusage(int who, struct rusage* usage);
#else
#include <sys/resource.h>
#endif

namespace shnor::pipeline {

class StageClock {
public:
    StageClock() : enabled_(std::getenv("SHNOR_TIMINGS") != nullptr), last_(std::chrono::steady_clock::now()) {}
    bool enabled() const { return enabled_; }
    void lap(const char* stage) {
        if (!enabled_) return;
        auto now = std::chrono::steady_clock::now();
        struct rusage usage {};
        ::getrusage(RUSAGE_SELF, &usage);
        std::fprintf(stderr, "%-14s %7.3f s %7ld faults %6ld MB peak\n", stage,
                     std::chrono::duration<double>(now - last_).count(), usage.ru_minflt - last_faults_,
                     usage.ru_maxrss / 1024);
        last_faults_ = usage.ru_minflt;
        last_ = now;
    }
    void lap(const std::string& stage) {
        if (enabled_) lap(stage.c_str());
    }

private:
    bool enabled_;
    std::chrono::steady_clock::time_point last_;
    long last_faults_ = 0;
};

// The one clock of the process.
inline StageClock& stage_clock() {
    static StageClock clock;
    return clock;
}

}  // namespace shnor::pipeline
