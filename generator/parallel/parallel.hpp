// parallel: run independent tasks on all cores. Tasks are taken in index
// order by whichever worker is free, so uneven tasks still balance; callers
// write results into per-index slots and merge them in order afterwards,
// which keeps the output independent of scheduling.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace shnor::parallel {

// Workers to use: the cores of the machine, or SHNOR_THREADS when set (≥ 1).
unsigned worker_count();

// Calls task(i) for every i in [0, count) on up to `workers` threads
// (worker_count() when 0). The first exception thrown by a task is rethrown
// here after every worker has stopped; remaining tasks are skipped.
template <typename Task>
void for_each_index(std::size_t count, Task&& task, unsigned workers = 0) {
    if (workers == 0) workers = worker_count();
    if (workers > count) workers = static_cast<unsigned>(count);
    if (workers <= 1) {
        for (std::size_t i = 0; i < count; ++i) task(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&] {
        for (std::size_t i = next++; i < count && !failed; i = next++) {
            try {
                task(i);
            } catch (...) {
                std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
                failed = true;
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work);
    work();
    for (auto& thread : threads) thread.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace shnor::parallel
