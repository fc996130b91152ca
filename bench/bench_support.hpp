// What the benchmark programs share: repeated timing, peak memory, the
// memory-streaming lower bound and a small JSON writer.
//
// Timing repeats a job until a time budget is spent (and at least a minimum
// number of times), so that quick runs stay quick and slow workloads are not
// repeated needlessly. Jobs that take microseconds run in batches long
// enough for the clock, and each sample is the batch time per call.
//
// The same header builds natively and with Emscripten: memory is the
// process's peak resident size natively and the top of the wasm heap in
// WebAssembly, where the linear memory never shrinks.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <functional>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#ifdef __EMSCRIPTEN__
#include <unistd.h>
#endif

namespace hs3::bench {

inline double now() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

struct TimingOptions {
  double budget = 0.5;  // seconds of repetitions per workload
  int minReps = 3;
  int maxReps = 1000;
  // Batches of fast calls last at least this long.
  double minBatch = 2e-3;
};

// Per-call times in seconds, one per sample.
inline std::vector<double> timeRepeated(const std::function<void()>& job,
                                        const TimingOptions& options,
                                        bool batched) {
  std::size_t batch = 1;
  if (batched) {
    // Doubling until a batch outlasts the clock's noise; the calibration
    // runs also warm the caches for the samples that follow.
    for (;;) {
      const double start = now();
      for (std::size_t i = 0; i < batch; ++i) job();
      if (now() - start >= options.minBatch || batch >= (1u << 24)) break;
      batch *= 2;
    }
  }
  std::vector<double> samples;
  const double begin = now();
  while (static_cast<int>(samples.size()) < options.maxReps) {
    const double start = now();
    for (std::size_t i = 0; i < batch; ++i) job();
    samples.push_back((now() - start) / static_cast<double>(batch));
    const bool enough = static_cast<int>(samples.size()) >= options.minReps;
    if (enough && now() - begin >= options.budget) break;
  }
  return samples;
}

// Bytes of memory in use at the high-water mark, as far as the platform
// tells: VmHWM natively, the heap's top in WebAssembly.
inline double peakMemoryBytes() {
#ifdef __EMSCRIPTEN__
  return static_cast<double>(reinterpret_cast<std::size_t>(sbrk(0)));
#else
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stod(line.substr(6)) * 1024.0;
    }
  }
  return 0.0;
#endif
}

// Memory in use now, to subtract the program's own footprint.
inline double currentMemoryBytes() {
#ifdef __EMSCRIPTEN__
  return peakMemoryBytes();
#else
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stod(line.substr(6)) * 1024.0;
    }
  }
  return 0.0;
#endif
}

// The lower bound of one likelihood evaluation: reading `bytes` of doubles
// once, from wherever they live after repeated passes (cache for small
// models, main memory for large ones), as every evaluation must.
inline std::vector<double> streamSamples(std::size_t bytes,
                                         const TimingOptions& options) {
  const std::size_t n = std::max<std::size_t>(1, bytes / sizeof(double));
  std::vector<double> data(n);
  std::iota(data.begin(), data.end(), 1.0);
  volatile double sink = 0.0;
  // Four accumulators so the adds do not serialise on one register.
  auto pass = [&] {
    double a = 0, b = 0, c = 0, d = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      a += data[i];
      b += data[i + 1];
      c += data[i + 2];
      d += data[i + 3];
    }
    for (; i < n; ++i) a += data[i];
    sink = sink + a + b + c + d;
  };
  return timeRepeated(pass, options, true);
}

// A JSON object written field by field; enough for numbers, strings and
// arrays of numbers.
class JsonWriter {
 public:
  JsonWriter& field(const std::string& key, double value) {
    key_(key);
    number_(value);
    return *this;
  }
  JsonWriter& field(const std::string& key, const std::string& value) {
    key_(key);
    string_(value);
    return *this;
  }
  JsonWriter& field(const std::string& key, const std::vector<double>& values) {
    key_(key);
    out_ << "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) out_ << ",";
      number_(values[i]);
    }
    out_ << "]";
    return *this;
  }
  // A value that is already JSON text.
  JsonWriter& raw(const std::string& key, const std::string& json) {
    key_(key);
    out_ << json;
    return *this;
  }
  std::string str() const { return "{" + out_.str() + "}"; }

 private:
  void key_(const std::string& key) {
    if (!first_) out_ << ",";
    first_ = false;
    string_(key);
    out_ << ":";
  }
  void number_(double value) {
    if (value != value || value - value != 0) {
      out_ << "null";  // JSON has no NaN or infinity
      return;
    }
    char text[32];
    std::snprintf(text, sizeof(text), "%.9g", value);
    out_ << text;
  }
  void string_(const std::string& text) {
    out_ << '"';
    for (char c : text) {
      if (c == '"' || c == '\\') {
        out_ << '\\' << c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        out_ << ' ';
      } else {
        out_ << c;
      }
    }
    out_ << '"';
  }

  std::ostringstream out_;
  bool first_ = true;
};

}  // namespace hs3::bench
