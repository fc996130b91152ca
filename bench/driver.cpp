// hs3bench: times the engine's workloads on one model and prints one JSON
// object with every sample, the results that prove each workload did its
// work, and the peak memory. bench/run calls it once per model, natively and
// compiled to WebAssembly (the same source), so both engines run exactly
// the same code path through the public API.
//
//   hs3bench --model BkgOnly.json --patch patch.json
//            --workloads nll,nll_grad,fit,hypotest --budget 0.5
//
// (one command line, folded here).
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "hs3/error.hpp"
#include "hs3/fit.hpp"
#include "hs3/infer.hpp"
#include "hs3/load.hpp"
#include "hs3/log.hpp"
#include "hs3/model.hpp"
#include "hs3/workspace.hpp"

namespace {

using hs3::bench::JsonWriter;
using hs3::bench::TimingOptions;

struct Options {
  std::string model;
  std::vector<std::string> patches;
  std::string analysis;
  std::string patchset;  // for the patchset workload
  std::vector<std::string> workloads;
  double streamBytes = 0;
  TimingOptions timing;
};

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

Options parseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::runtime_error(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--model") {
      options.model = value;
    } else if (flag == "--patch") {
      options.patches.push_back(value);
    } else if (flag == "--analysis") {
      options.analysis = value;
    } else if (flag == "--patchset") {
      options.patchset = value;
    } else if (flag == "--workloads") {
      options.workloads = splitList(value);
    } else if (flag == "--stream-bytes") {
      options.streamBytes = std::stod(value);
    } else if (flag == "--budget") {
      options.timing.budget = std::stod(value);
    } else if (flag == "--min-reps") {
      options.timing.minReps = std::stoi(value);
    } else if (flag == "--max-reps") {
      options.timing.maxReps = std::stoi(value);
    } else {
      throw std::runtime_error("unknown option " + flag);
    }
  }
  if (options.model.empty()) throw std::runtime_error("--model is required");
  return options;
}

// The POI grid of the profile scan: 31 points over [0, 3], inside the
// POI's bounds, as `hs3 scan --range 0:3:31`.
std::vector<double> scanGrid(const hs3::Parameter& poi) {
  const double lo = std::max(poi.lower, 0.0);
  const double hi = std::min(poi.upper, 3.0);
  std::vector<double> grid(31);
  for (std::size_t i = 0; i < grid.size(); ++i) {
    grid[i] = lo + (hi - lo) * static_cast<double>(i) / 30.0;
  }
  return grid;
}

class Runner {
 public:
  explicit Runner(Options options) : options_(std::move(options)) {
    load_.patches = options_.patches;
    load_.analysis = options_.analysis;
  }

  std::string run() {
    const double memoryBefore = hs3::bench::currentMemoryBytes();
    const double loadStart = hs3::bench::now();
    model_ = hs3::loadModel(options_.model, load_);
    const double loadSeconds = hs3::bench::now() - loadStart;
    likelihood_ =
        std::make_unique<hs3::Likelihood>(model_, model_->observedData());
    x_ = model_->initialValues();
    grad_.assign(x_.size(), 0.0);
    const double memoryAfterLoad = hs3::bench::peakMemoryBytes();

    JsonWriter workloads;
    for (const std::string& name : options_.workloads) {
      workloads.raw(name, runWorkload(name));
    }
    const double memoryPeak = hs3::bench::peakMemoryBytes();

    JsonWriter out;
#ifdef __EMSCRIPTEN__
    out.field("engine", std::string("wasm"));
#else
    out.field("engine", std::string("native"));
#endif
    out.field("parameters", static_cast<double>(model_->size()))
        .field("main_bins", static_cast<double>(model_->mainDataSize()))
        .field("first_load_s", loadSeconds)
        .field("memory_before_bytes", memoryBefore)
        .field("memory_after_load_bytes", memoryAfterLoad - memoryBefore)
        .field("memory_peak_bytes", memoryPeak - memoryBefore)
        .raw("workloads", workloads.str());
    return out.str();
  }

 private:
  // One workload's samples and result, or its error; an error in one
  // workload does not stop the others.
  std::string runWorkload(const std::string& name) {
    JsonWriter result;
    try {
      std::vector<double> samples = time(name, result);
      result.field("samples", samples);
    } catch (const std::exception& e) {
      JsonWriter failed;
      failed.field("error", std::string(e.what()));
      return failed.str();
    }
    return result.str();
  }

  std::vector<double> time(const std::string& name, JsonWriter& result) {
    const TimingOptions& timing = options_.timing;
    if (name == "load") {
      return hs3::bench::timeRepeated(
          [&] { hs3::loadModel(options_.model, load_); }, timing, false);
    }
    if (name == "nll") {
      double value = 0;
      auto samples = hs3::bench::timeRepeated(
          [&] { value = likelihood_->value(x_.data()); }, timing, true);
      result.field("nll", value);
      return samples;
    }
    if (name == "nll_grad") {
      double value = 0;
      auto samples = hs3::bench::timeRepeated(
          [&] {
            value = likelihood_->valueAndGradient(x_.data(), grad_.data());
          },
          timing, true);
      result.field("nll", value);
      return samples;
    }
    if (name == "fit" || name == "fit_noerr") {
      hs3::FitOptions fitOptions;
      fitOptions.computeErrors = name == "fit";
      hs3::FitResult fit;
      auto samples = hs3::bench::timeRepeated(
          [&] {
            fit = hs3::minimize(*likelihood_, model_->parameters(), fitOptions);
          },
          timing, false);
      result.field("twice_nll", 2 * fit.minValue)
          .field("status", std::string(hs3::fitStatusName(fit.status)))
          .field("calls", static_cast<double>(fit.calls));
      if (model_->hasPoi() && !fit.errors.empty()) {
        const auto poi = static_cast<std::size_t>(model_->poiIndex());
        result.field("poi", fit.values[poi])
            .field("poi_error", fit.errors[poi]);
      }
      return samples;
    }
    requirePoi(name);
    // Each repetition builds a new Inference: its cache of free fits would
    // otherwise make every repetition after the first cheaper.
    if (name == "hypotest") {
      hs3::HypotestResult r;
      auto samples = hs3::bench::timeRepeated(
          [&] {
            hs3::Inference inference(model_, model_->observedData());
            r = inference.hypotest(1.0);
          },
          timing, false);
      result.field("cls_obs", r.cls).field("cls_exp_median", r.clsExpected[2]);
      return samples;
    }
    if (name == "limit") {
      hs3::UpperLimitResult r;
      auto samples = hs3::bench::timeRepeated(
          [&] {
            hs3::Inference inference(model_, model_->observedData());
            r = inference.upperLimit(0.95);
          },
          timing, false);
      result.field("obs", r.observed)
          .field("exp_median", r.expected[2])
          .field("hypotests", static_cast<double>(r.points.size()));
      return samples;
    }
    if (name == "scan") {
      const hs3::Parameter& poi =
          model_->parameters()[static_cast<std::size_t>(model_->poiIndex())];
      const std::vector<double> grid = scanGrid(poi);
      hs3::ScanResult r;
      auto samples = hs3::bench::timeRepeated(
          [&] {
            hs3::Inference inference(model_, model_->observedData());
            r = inference.scan(poi.name, grid);
          },
          timing, false);
      result.field("points", static_cast<double>(r.points.size()))
          .field("best_fit", r.bestFit);
      return samples;
    }
    if (name == "patchset") return timePatchset(result);
    if (name == "stream") {
      auto samples = hs3::bench::streamSamples(
          static_cast<std::size_t>(options_.streamBytes), timing);
      result.field("bytes", options_.streamBytes);
      return samples;
    }
    throw std::runtime_error("unknown workload " + name);
  }

  void requirePoi(const std::string& name) const {
    if (!model_->hasPoi()) {
      throw std::runtime_error(name + " needs a parameter of interest");
    }
  }

  // One hypotest at mu = 1 for every patch, one after the other, as
  // `hs3 cls --all -j 1`: loading each patched model is part of the cost.
  std::vector<double> timePatchset(JsonWriter& result) {
    if (options_.patchset.empty()) {
      throw std::runtime_error("the patchset workload needs --patchset");
    }
    const std::string workspace = hs3::readTextFile(options_.model);
    const std::string patchset = hs3::readTextFile(options_.patchset);
    const std::vector<hs3::PatchInfo> patches = hs3::listPatches(patchset);
    hs3::LoadOptions options;
    double sumCls = 0;
    auto samples = hs3::bench::timeRepeated(
        [&] {
          sumCls = 0;
          for (const hs3::PatchInfo& patch : patches) {
            hs3::PatchSource source{patchset, patch.name, options_.patchset};
            const auto model = hs3::parseModel(workspace, {source}, options);
            hs3::Inference inference(model, model->observedData());
            sumCls += inference.hypotest(1.0).cls;
          }
        },
        options_.timing, false);
    result.field("patches", static_cast<double>(patches.size()))
        .field("sum_cls_obs", sumCls);
    return samples;
  }

  Options options_;
  hs3::LoadOptions load_;
  std::shared_ptr<const hs3::Model> model_;
  std::unique_ptr<hs3::Likelihood> likelihood_;
  std::vector<double> x_, grad_;
};

}  // namespace

int main(int argc, char** argv) {
  // Warnings about a model would repeat once per repetition; the results
  // in the output say what matters.
  hs3::log::setLevel(hs3::log::Level::kError);
  try {
    Runner runner(parseOptions(argc, argv));
    std::cout << runner.run() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "hs3bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
