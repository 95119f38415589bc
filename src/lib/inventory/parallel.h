#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace sztp::inventory {

// Internal: runs work(i) for i in [0, count) on every core. Hashing and
// checking clear activation codes (PBKDF2, tens of milliseconds each) is the
// slow part of importing a fleet; everything else is sequential. `work` must
// be safe to call concurrently for different i.
inline void parallelFor(std::size_t count, const std::function<void(std::size_t)>& work,
                        std::size_t minPerThread = 8) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads = std::min(cores, count / std::max<std::size_t>(minPerThread, 1));
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) {
      work(i);
    }
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) {
        work(i);
      }
    });
  }
  for (auto& thread : pool) {
    thread.join();
  }
}

}  // namespace sztp::inventory
