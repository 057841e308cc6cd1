// A persistent helper thread that runs one task at a time beside the calling thread: the second
// core's share of a split matrix product (genlab_native.cc, SplitSgemm).
//
// Why not OpenMP's team: for the products of small models (M = 128, K and N of 32-784) waking
// an OpenMP team per call costs about what the second core saves. Measured on a 2-core AVX2
// host, mlp-vae's 17 products per step: 13.0-13.5 ms on one thread, 8.8-10.0 ms through
// dnnl_sgemm on 2 OpenMP threads, 7.3-7.4 ms as two single-thread calls with the second on a
// spinning helper. After a task the helper spins for a while (the next product of a training
// step usually follows within a fraction of a millisecond), then sleeps on a condition variable
// so that it does not hold the core through longer stretches of JavaScript.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace genlab {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

class HelperThread {
 public:
  // `init` runs once on the new thread (e.g. to give its library calls one thread each). The
  // thread inherits the creator's signal mask, and it is detached: it lives as long as the process.
  HelperThread(std::function<void()> init, std::chrono::microseconds spin) : spin_(spin) {
    std::thread([this, init] {
      if (init) init();
      Loop();
    }).detach();
  }
  HelperThread(const HelperThread&) = delete;
  HelperThread& operator=(const HelperThread&) = delete;

  // Starts `task` on the helper. One task at a time: call Wait() before the next Start().
  void Start(std::function<void()> task) {
    task_ = std::move(task);
    posted_.fetch_add(1);
    // A helper that reads posted_ after this increment does not sleep; one that went to sleep
    // before it is woken here (sleeping_ is stored before its predicate is checked).
    if (sleeping_.load()) {
      std::lock_guard<std::mutex> lock(mutex_);
      wake_.notify_one();
    }
  }

  // Returns when the task last started has finished.
  void Wait() const {
    const uint64_t want = posted_.load();
    while (finished_.load(std::memory_order_acquire) != want) CpuRelax();
  }

 private:
  // True when a new task was posted within the spin time.
  bool SpinFor(uint64_t seen) const {
    const auto until = std::chrono::steady_clock::now() + spin_;
    for (int i = 0;; i++) {
      if (posted_.load(std::memory_order_acquire) != seen) return true;
      if ((i & 63) == 63 && std::chrono::steady_clock::now() >= until) return false;
      CpuRelax();
    }
  }

  void Loop() {
    uint64_t seen = 0;
    for (;;) {
      if (!SpinFor(seen)) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleeping_.store(true);
        wake_.wait(lock, [&] { return posted_.load() != seen; });
        sleeping_.store(false);
      }
      seen = posted_.load();
      task_();
      finished_.store(seen, std::memory_order_release);
    }
  }

  const std::chrono::microseconds spin_;
  std::function<void()> task_;
  std::atomic<uint64_t> posted_{0};
  std::atomic<uint64_t> finished_{0};
  std::atomic<bool> sleeping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace genlab
