#include "parallel/parallel.hpp"

#include <cstdlib>
#include <string>

namespace shnor::parallel {

unsigned worker_count() {
    if (const char* configured = std::getenv("SHNOR_THREADS")) {
        try {
            int value = std::stoi(configured);
            if (value >= 1) return static_cast<unsigned>(value);
        } catch (const std::exception&) {
        }
    }
    unsigned cores = std::thread::hardware_concurrency();
    return cores == 0 ? 1 : cores;
}

}  // namespace shnor::parallel
