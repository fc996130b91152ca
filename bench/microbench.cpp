// Google Benchmark microbenchmarks of the likelihood kernel: NLL and NLL
// with gradient at the initial point, for every workspace named on the
// command line (the scaling family that bench/generate_models.py writes),
// each beside the time to stream that model's arrays once.
//
//   hs3_microbench bench/results/models/*.json --benchmark_format=json
//
// Counters: bins_x_modifiers (the work the kernel must do) and the time per
// unit of it, so linear growth reads as a flat column.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "hs3/load.hpp"
#include "hs3/log.hpp"
#include "hs3/model.hpp"

namespace {

// Sizes that bench/generate_models.py writes into the file's name:
// ..._w<bins x modifiers>_a<array bytes>.json. Missing: 0.
double sizeFromName(const std::string& path, char tag) {
  const std::string key = std::string("_") + tag;
  const std::size_t at = path.rfind(key);
  if (at == std::string::npos) return 0;
  return std::atof(path.c_str() + at + key.size());
}

void likelihoodBenchmark(benchmark::State& state, const std::string& path,
                         bool gradient) {
  const auto model = hs3::loadModel(path, hs3::LoadOptions());
  hs3::Likelihood nll(model, model->observedData());
  std::vector<double> x = model->initialValues(), grad(x.size());
  for (auto _ : state) {
    const double value = gradient ? nll.valueAndGradient(x.data(), grad.data())
                                  : nll.value(x.data());
    benchmark::DoNotOptimize(value);
  }
  const double work = sizeFromName(path, 'w');
  state.counters["parameters"] = static_cast<double>(model->size());
  state.counters["bins_x_modifiers"] = work;
  if (work > 0) {
    // Per unit of work: flat when time grows linearly with it.
    state.counters["s_per_work"] =
        benchmark::Counter(work, benchmark::Counter::kIsIterationInvariantRate |
                                     benchmark::Counter::kInvert);
  }
}

// The time to read the model's arrays once: what no evaluation can beat.
void streamBenchmark(benchmark::State& state, const std::string& path) {
  const auto bytes = static_cast<std::size_t>(sizeFromName(path, 'a'));
  std::vector<double> data(std::max<std::size_t>(1, bytes / sizeof(double)),
                           1.0);
  for (auto _ : state) {
    double a = 0, b = 0;
    for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
      a += data[i];
      b += data[i + 1];
    }
    benchmark::DoNotOptimize(a + b);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes));
}

std::string stem(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::size_t dot = name.rfind(".json");
  return dot == std::string::npos ? name : name.substr(0, dot);
}

}  // namespace

int main(int argc, char** argv) {
  hs3::log::setLevel(hs3::log::Level::kError);
  benchmark::Initialize(&argc, argv);
  // What Google Benchmark left are the model files.
  for (int i = 1; i < argc; ++i) {
    const std::string path = argv[i];
    const std::string name = stem(path);
    benchmark::RegisterBenchmark(("nll/" + name).c_str(), likelihoodBenchmark,
                                 path, false);
    benchmark::RegisterBenchmark(("nll_grad/" + name).c_str(),
                                 likelihoodBenchmark, path, true);
    benchmark::RegisterBenchmark(("stream/" + name).c_str(), streamBenchmark,
                                 path);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
