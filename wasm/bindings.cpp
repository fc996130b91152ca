// The Embind table of hs3web: what JavaScript can reach of the engine.
//
// A ModelHandle owns one built model and one likelihood of its observed data.
// Arguments are converted here and nowhere else; defaults, option parsing,
// workers and the Hs3Error class live in the JavaScript layer (hs3web.mjs).
// Inference results cross as the JSON text of hs3::report, the same text the
// native `hs3` prints, so that both frontends agree field by field.
//
// The error boundary is guarded(): every bound call that can fail runs inside
// it, and any exception comes back as an ErrorInfo object in place of the
// result. Emscripten 3.1.6 cannot hand a C++ exception's message to JavaScript,
// and a JavaScript exception thrown through wasm frames would skip the C++
// destructors, so the JS layer checks `result instanceof ErrorInfo` and
// throws its own Hs3Error with the same code, path and message. For the same
// reason JavaScript callbacks (progress, log sink) must not throw: the JS
// layer wraps them.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "hs3/error.hpp"
#include "hs3/fit.hpp"
#include "hs3/infer.hpp"
#include "hs3/load.hpp"
#include "hs3/log.hpp"
#include "hs3/model.hpp"
#include "hs3/report.hpp"
#include "hs3/workspace.hpp"

namespace {

using emscripten::val;

struct ErrorInfo {
  std::string code;
  std::string path;
  std::string message;
};

// Thrown from inside a long computation when its progress callback asks to
// stop; unwinds the C++ frames and becomes ErrorInfo{"aborted"}.
struct Aborted {};

// Runs f (which returns a val) and turns every exception into an ErrorInfo.
// The codes are errorCodeName()'s, plus "aborted" for a cancelled call and
// "internal_error" for what is not an hs3::Error: that is a bug in the
// engine, not in the input.
template <typename F>
val guarded(F&& f) {
  try {
    return f();
  } catch (const hs3::Error& e) {
    return val(ErrorInfo{hs3::errorCodeName(e.code()), e.path(), e.message()});
  } catch (const Aborted&) {
    return val(ErrorInfo{"aborted", "", "the computation was cancelled"});
  } catch (const std::bad_alloc&) {
    return val(ErrorInfo{hs3::errorCodeName(hs3::ErrorCode::kLimitExceeded), "",
                         "the engine ran out of memory"});
  } catch (const std::exception& e) {
    return val(ErrorInfo{"internal_error", "", e.what()});
  } catch (...) {
    return val(ErrorInfo{"internal_error", "", "unknown exception"});
  }
}

std::vector<double> toNumbers(const val& x) {
  return emscripten::convertJSArrayToNumberVector<double>(x);
}

std::vector<std::string> toStrings(const val& list) {
  std::vector<std::string> out;
  const auto count = list["length"].as<unsigned>();
  for (unsigned i = 0; i < count; ++i) out.push_back(list[i].as<std::string>());
  return out;
}

// Patches arrive as an array of {text, patchName, origin} objects (the JS
// layer fills in every field).
std::vector<hs3::PatchSource> toPatchSources(const val& patches) {
  std::vector<hs3::PatchSource> sources;
  const auto count = patches["length"].as<unsigned>();
  for (unsigned i = 0; i < count; ++i) {
    const val p = patches[i];
    sources.push_back({p["text"].as<std::string>(),
                       p["patchName"].as<std::string>(),
                       p["origin"].as<std::string>()});
  }
  return sources;
}

// options: every field of LoadOptions as a string; empty ones keep the
// engine's defaults.
hs3::LoadOptions toLoadOptions(const val& options) {
  hs3::LoadOptions out;
  out.analysis = options["analysis"].as<std::string>();
  out.likelihood = options["likelihood"].as<std::string>();
  out.measurement = options["measurement"].as<std::string>();
  out.distribution = options["distribution"].as<std::string>();
  out.data = options["data"].as<std::string>();
  out.point = options["point"].as<std::string>();
  out.model.measurement = out.measurement;
  const auto normsys = options["normsys"].as<std::string>();
  const auto histosys = options["histosys"].as<std::string>();
  if (!normsys.empty()) out.model.normsys = hs3::parseInterpolation(normsys);
  if (!histosys.empty()) out.model.histosys = hs3::parseInterpolation(histosys);
  return out;
}

// [{name, init, lower, upper, fixed}], the whole vector in model order.
std::vector<hs3::Parameter> toParameters(const val& list) {
  std::vector<hs3::Parameter> out;
  const auto count = list["length"].as<unsigned>();
  for (unsigned i = 0; i < count; ++i) {
    const val p = list[i];
    hs3::Parameter parameter;
    parameter.name = p["name"].as<std::string>();
    parameter.init = p["init"].as<double>();
    parameter.lower = p["lower"].as<double>();
    parameter.upper = p["upper"].as<double>();
    parameter.fixed = p["fixed"].as<bool>();
    out.push_back(parameter);
  }
  return out;
}

// settings: {parameters, strategy, tolerance, maxCalls, computeErrors,
// minos, statistic}, all filled in by the JS layer (which holds the
// defaults; maxCalls 0 means the engine's default).
hs3::FitOptions toFitOptions(const val& settings) {
  hs3::FitOptions out;
  out.strategy = settings["strategy"].as<int>();
  out.tolerance = settings["tolerance"].as<double>();
  out.maxCalls = settings["maxCalls"].as<std::size_t>();
  out.computeErrors = settings["computeErrors"].as<bool>();
  out.minos = toStrings(settings["minos"]);
  return out;
}

hs3::InferenceOptions toInferenceOptions(const val& settings) {
  hs3::InferenceOptions out;
  out.parameters = toParameters(settings["parameters"]);
  out.fit = toFitOptions(settings);
  out.statistic =
      hs3::parseTestStatistic(settings["statistic"].as<std::string>());
  return out;
}

class ModelHandle {
 public:
  explicit ModelHandle(std::shared_ptr<const hs3::Model> model)
      : model_(std::move(model)),
        likelihood_(
            std::make_unique<hs3::Likelihood>(model_, model_->observedData())),
        grad_(model_->size()) {}

  // pyhf workspace or HS3 document, told apart by hs3::detectFormat.
  static val load(const std::string& json, const val& patches,
                  const val& options) {
    return guarded([&] {
      return val(ModelHandle(hs3::parseModel(json, toPatchSources(patches),
                                             toLoadOptions(options))));
    });
  }

  // [{name, init, lower, upper, fixed}, ...] in the model's order.
  val parameters() const {
    val list = val::array();
    for (const hs3::Parameter& p : model_->parameters()) {
      val item = val::object();
      item.set("name", p.name);
      item.set("init", p.init);
      item.set("lower", p.lower);
      item.set("upper", p.upper);
      item.set("fixed", p.fixed);
      list.call<void>("push", item);
    }
    return list;
  }

  int poiIndex() const { return model_->poiIndex(); }
  std::string measurement() const { return model_->measurementName(); }

  val inspectJson() const {
    return guarded([&] { return val(hs3::report::inspect(*model_)); });
  }

  val nllJson(const val& x, bool withGradient) {
    return guarded([&] {
      return val(hs3::report::nll(*likelihood_, toVector(x), withGradient));
    });
  }

  val parameterIndex(const std::string& name) const {
    return guarded([&] { return val(model_->parameterIndex(name)); });
  }

  val nll(const val& x) {
    return guarded([&] {
      const std::vector<double> v = toVector(x);
      return val(checkFinite(likelihood_->value(v.data()), v));
    });
  }

  // {main, constraint, logpdf}: pyhf's mainlogpdf, constraint_logpdf and
  // their sum.
  val logpdf(const val& x) {
    return guarded([&] {
      const std::vector<double> v = toVector(x);
      const hs3::LogpdfParts parts = likelihood_->logpdf(v.data());
      val result = val::object();
      result.set("main", parts.main);
      result.set("constraint", parts.constraint);
      result.set("logpdf", checkFinite(parts.total(), v));
      return result;
    });
  }

  // {nll, gradient}; the gradient is a fresh Float64Array, since a view of
  // wasm memory would be invalidated by the next call or memory growth.
  val nllAndGradient(const val& x) {
    return guarded([&] {
      const std::vector<double> v = toVector(x);
      const double value =
          likelihood_->valueAndGradient(v.data(), grad_.data());
      val result = val::object();
      result.set("nll", checkFinite(value, v));
      result.set("gradient", val::global("Float64Array")
                                 .new_(emscripten::typed_memory_view(
                                     grad_.size(), grad_.data())));
      return result;
    });
  }

  // A plain fit of the observed data, as `hs3 fit`.
  val fitJson(const val& settings) {
    return guarded([&] {
      return val(hs3::report::fit(
          hs3::minimize(*likelihood_, toParameters(settings["parameters"]),
                        toFitOptions(settings))));
    });
  }

  val hypotestJson(const val& settings, double poi) {
    return guarded([&] {
      return val(hs3::report::hypotest(inference(settings).hypotest(poi)));
    });
  }

  // An empty grid means root finding; a grid, pyhf's scan mode.
  val upperLimitJson(const val& settings, double level, const val& grid) {
    return guarded([&] {
      auto inf = inference(settings);
      const std::vector<double> values = toNumbers(grid);
      return val(hs3::report::upperLimit(
          values.empty() ? inf.upperLimit(level)
                         : inf.upperLimitFromGrid(values, level)));
    });
  }

  // onProgress(done, total) returns true to cancel.
  val scanJson(const val& settings, const std::string& name, const val& values,
               const val& onProgress) {
    return guarded([&] {
      const auto progress = [&](std::size_t done, std::size_t total) {
        const bool stop =
            onProgress(static_cast<double>(done), static_cast<double>(total))
                .as<bool>();
        if (stop) throw Aborted();
      };
      return val(hs3::report::scan(
          inference(settings).scan(name, toNumbers(values), progress)));
    });
  }

  val significanceJson(const val& settings) {
    return guarded([&] {
      return val(hs3::report::significance(inference(settings).significance()));
    });
  }

  val pullsJson(const val& settings) {
    return guarded(
        [&] { return val(hs3::report::pulls(inference(settings).pulls())); });
  }

  // One thread: this build has no wasm threads; the JS pool spreads the
  // entries over workers instead.
  val rankingJson(const val& settings) {
    return guarded([&] {
      return val(hs3::report::ranking(inference(settings).ranking(1)));
    });
  }

  val yieldsJson(const val& settings) {
    return guarded(
        [&] { return val(hs3::report::yields(inference(settings).yields())); });
  }

 private:
  hs3::Inference inference(const val& settings) const {
    return hs3::Inference(model_, model_->observedData(),
                          toInferenceOptions(settings));
  }

  // Accepts an Array or any typed array; the copy goes through one typed
  // array set(), not one Embind call per element.
  std::vector<double> toVector(const val& x) const {
    std::vector<double> v = toNumbers(x);
    if (v.size() != model_->size()) {
      throw hs3::Error(hs3::ErrorCode::kInvalidArgument, "",
                       "the model has " + std::to_string(model_->size()) +
                           " parameters, but " + std::to_string(v.size()) +
                           " values were given");
    }
    return v;
  }

  // A likelihood that cannot be evaluated is an error, never a silent NaN.
  double checkFinite(double value, const std::vector<double>& x) {
    if (!std::isfinite(value)) {
      throw hs3::Error(hs3::ErrorCode::kNumerical, "",
                       "the likelihood is not finite at these parameters: " +
                           likelihood_->explainNonFinite(x.data()));
    }
    return value;
  }

  std::shared_ptr<const hs3::Model> model_;
  std::unique_ptr<hs3::Likelihood> likelihood_;
  std::vector<double> grad_;
};

// [{name, values}, ...] of a patchset's text.
val listPatches(const std::string& patchsetText) {
  return guarded([&] {
    val list = val::array();
    for (const hs3::PatchInfo& info : hs3::listPatches(patchsetText)) {
      val item = val::object();
      item.set("name", info.name);
      val values = val::array();
      for (double v : info.values) values.call<void>("push", v);
      item.set("values", values);
      list.call<void>("push", item);
    }
    return list;
  });
}

// The model in the other format ("hs3" or "pyhf"), as JSON text.
val convert(const std::string& json, const val& patches, const std::string& to,
            const val& options) {
  return guarded([&] {
    return val(hs3::convertModel(json, toPatchSources(patches), to,
                                 toLoadOptions(options)));
  });
}

// One compact line of `hs3 cls --all`: {"patch", "values", ...body}.
val patchLine(const std::string& name, const val& values,
              const std::string& body) {
  return guarded([&] {
    return val(hs3::report::patchLine(name, toNumbers(values), body));
  });
}

// 0 debug, 1 info, 2 warning (the default), 3 error, 4 off.
void setLogLevel(int level) {
  hs3::log::setLevel(static_cast<hs3::log::Level>(level));
}

// sink(level, topic, text), or null for the engine's stderr sink (which
// Emscripten routes to console.error).
void setLogSink(const val& sink) {
  if (sink.isNull() || sink.isUndefined()) {
    hs3::log::setSink({});
    return;
  }
  hs3::log::setSink([sink](hs3::log::Level level, const std::string& topic,
                           const std::string& text) {
    sink(static_cast<int>(level), topic, text);
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(hs3web) {
  using emscripten::class_;
  using emscripten::function;

  class_<ErrorInfo>("ErrorInfo")
      .property("code", &ErrorInfo::code)
      .property("path", &ErrorInfo::path)
      .property("message", &ErrorInfo::message);

  class_<ModelHandle>("ModelHandle")
      .class_function("load", &ModelHandle::load)
      .function("parameters", &ModelHandle::parameters)
      .function("poiIndex", &ModelHandle::poiIndex)
      .function("measurement", &ModelHandle::measurement)
      .function("inspectJson", &ModelHandle::inspectJson)
      .function("nllJson", &ModelHandle::nllJson)
      .function("parameterIndex", &ModelHandle::parameterIndex)
      .function("nll", &ModelHandle::nll)
      .function("logpdf", &ModelHandle::logpdf)
      .function("nllAndGradient", &ModelHandle::nllAndGradient)
      .function("fitJson", &ModelHandle::fitJson)
      .function("hypotestJson", &ModelHandle::hypotestJson)
      .function("upperLimitJson", &ModelHandle::upperLimitJson)
      .function("scanJson", &ModelHandle::scanJson)
      .function("significanceJson", &ModelHandle::significanceJson)
      .function("pullsJson", &ModelHandle::pullsJson)
      .function("rankingJson", &ModelHandle::rankingJson)
      .function("yieldsJson", &ModelHandle::yieldsJson);

  function("listPatches", &listPatches);
  function("convert", &convert);
  function("patchLine", &patchLine);
  function("setLogLevel", &setLogLevel);
  function("setLogSink", &setLogSink);
}
