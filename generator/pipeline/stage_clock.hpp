// SHNOR_TIMINGS=1 prints how long each stage of a build took, for profiling.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/resource.h>

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
