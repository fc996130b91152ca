// The Embind table of hs3web: what JavaScript can reach of the engine.
//
// A ModelHandle owns one built model and one likelihood of its observed data.
// Arguments are converted here and nowhere else; defaults, option parsing and
// the Hs3Error class live in the JavaScript layer (hs3web.mjs).
//
// The error boundary is guarded(): every bound call that can fail runs inside
// it, and any exception comes back as an ErrorInfo object in place of the
// result. Emscripten 3.1.6 cannot hand a C++ exception's message to JavaScript,
// and a JavaScript exception thrown through wasm frames would skip the C++
// destructors, so the JS layer checks `result instanceof ErrorInfo` and
// throws its own Hs3Error with the same code, path and message.
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

// Runs f (which returns a val) and turns every exception into an ErrorInfo.
// The codes are errorCodeName()'s, plus "internal_error" for what is not an
// hs3::Error: that is a bug in the engine, not in the input.
template <typename F>
val guarded(F&& f) {
  try {
    return f();
  } catch (const hs3::Error& e) {
    return val(ErrorInfo{hs3::errorCodeName(e.code()), e.path(), e.message()});
  } catch (const std::bad_alloc&) {
    return val(ErrorInfo{hs3::errorCodeName(hs3::ErrorCode::kLimitExceeded), "",
                         "the engine ran out of memory"});
  } catch (const std::exception& e) {
    return val(ErrorInfo{"internal_error", "", e.what()});
  } catch (...) {
    return val(ErrorInfo{"internal_error", "", "unknown exception"});
  }
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

hs3::ModelOptions toModelOptions(const val& options) {
  hs3::ModelOptions out;
  out.measurement = options["measurement"].as<std::string>();
  const auto normsys = options["normsys"].as<std::string>();
  const auto histosys = options["histosys"].as<std::string>();
  if (!normsys.empty()) out.normsys = hs3::parseInterpolation(normsys);
  if (!histosys.empty()) out.histosys = hs3::parseInterpolation(histosys);
  return out;
}

class ModelHandle {
 public:
  explicit ModelHandle(std::shared_ptr<const hs3::Model> model)
      : model_(std::move(model)),
        likelihood_(
            std::make_unique<hs3::Likelihood>(model_, model_->observedData())),
        grad_(model_->size()) {}

  // options: {measurement, normsys, histosys}, all strings; empty ones keep
  // the engine's defaults.
  static val load(const std::string& json, const val& patches,
                  const val& options) {
    return guarded([&] {
      const hs3::ModelOptions modelOptions = toModelOptions(options);
      const hs3::Workspace ws =
          hs3::parseWorkspace(json, toPatchSources(patches));
      return val(ModelHandle(hs3::Model::build(ws, modelOptions)));
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

  // The JSON text that `hs3 inspect` prints.
  val inspectJson() const {
    return guarded([&] { return val(hs3::report::inspect(*model_)); });
  }

  // The JSON text that `hs3 nll` prints.
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

 private:
  // Accepts an Array or any typed array; the copy goes through one typed
  // array set(), not one Embind call per element.
  std::vector<double> toVector(const val& x) const {
    std::vector<double> v = emscripten::convertJSArrayToNumberVector<double>(x);
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

// 0 debug, 1 info, 2 warning (the default), 3 error, 4 off. Messages go to
// stderr, which Emscripten routes to console.error.
void setLogLevel(int level) {
  hs3::log::setLevel(static_cast<hs3::log::Level>(level));
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
      .function("nllAndGradient", &ModelHandle::nllAndGradient);

  function("listPatches", &listPatches);
  function("setLogLevel", &setLogLevel);
}
