// Runs independent jobs on a few threads: fits that share nothing but the
// immutable Model (scan points, patches, ranking entries). Each job owns its
// own Likelihood; results go to slots indexed by the job.
//
//   std::vector<double> limits(patches.size());
//   hs3::parallelFor(patches.size(), 2, [&](std::size_t i) {
//     limits[i] = limitOf(patches[i]);
//   });
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hs3 {

// Calls job(i) for i in [0, count) on up to `threads` threads (1: in the
// calling thread). The first exception is rethrown after all threads end.
inline void parallelFor(std::size_t count, unsigned threads,
                        const std::function<void(std::size_t)>& job) {
  threads = std::max(1u, std::min<unsigned>(threads, count));
  if (threads == 1) {
    for (std::size_t i = 0; i < count; ++i) job(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failureMutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        job(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failureMutex);
        if (!failure) failure = std::current_exception();
        next = count;
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (std::thread& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace hs3
