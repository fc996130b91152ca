#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "hs3/error.hpp"
#include "hs3/infer.hpp"
#include "hs3/log.hpp"
#include "infer/asymptotics.hpp"
#include "infer/root_finding.hpp"

namespace hs3 {

namespace {

// Starts a fit from `start`, moved inside the bounds where a previous fit
// left a value on or past them.
std::vector<Parameter> startingFrom(std::vector<Parameter> parameters,
                                    const std::vector<double>& start) {
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    Parameter& p = parameters[i];
    if (p.fixed || start.empty()) continue;
    p.init = std::min(std::max(start[i], p.lower), p.upper);
  }
  return parameters;
}

// Refuses a value outside a parameter's bounds; `what` says what the value
// was for ("the tested value", "scan value").
void requireInsideBounds(const Parameter& p, double value,
                         const std::string& what, const std::string& advice) {
  if (value >= p.lower && value <= p.upper) return;
  std::ostringstream text;
  text << what << " " << p.name << " = " << value
       << " lies outside its bounds [" << p.lower << ", " << p.upper << "]"
       << advice;
  throw Error(ErrorCode::kInvalidArgument, "", text.str());
}

std::string describeFit(const char* what, double poi, const FitResult& result) {
  std::ostringstream text;
  text << what << " at " << poi << ": " << result.message();
  return text.str();
}

}  // namespace

const char* testStatisticName(TestStatistic statistic) {
  switch (statistic) {
    case TestStatistic::kQ0:
      return "q0";
    case TestStatistic::kQMu:
      return "q";
    case TestStatistic::kQMuTilde:
      return "qtilde";
    case TestStatistic::kTMu:
      return "tmu";
    case TestStatistic::kTMuTilde:
      return "tmu_tilde";
  }
  return "unknown";
}

TestStatistic parseTestStatistic(const std::string& text) {
  if (text == "q0") return TestStatistic::kQ0;
  if (text == "q" || text == "qmu") return TestStatistic::kQMu;
  if (text == "qtilde" || text == "qmu_tilde") return TestStatistic::kQMuTilde;
  if (text == "tmu") return TestStatistic::kTMu;
  if (text == "tmu_tilde") return TestStatistic::kTMuTilde;
  throw Error(
      ErrorCode::kInvalidArgument, "",
      "unknown test statistic '" + text + "' (q0, q, qtilde, tmu, tmu_tilde)");
}

// Fits that do not depend on the tested POI value, made once.
struct Inference::Cache {
  std::unique_ptr<Likelihood> data;
  std::unique_ptr<Likelihood> asimov;
  std::optional<FitResult> freeData;
  std::optional<FitResult> freeAsimov;
  double asimovPoi = 0.0;
  std::map<double, double> qObserved;  // by tested POI value
  std::map<double, double> qAsimov;
  std::map<double, double> twiceNllFixedData;
  std::vector<std::string> warnings;
};

Inference::Inference(std::shared_ptr<const Model> model,
                     std::vector<double> data, InferenceOptions options)
    : model_(std::move(model)),
      data_(std::move(data)),
      options_(std::move(options)),
      parameters_(options_.parameters.empty() ? model_->parameters()
                                              : options_.parameters),
      cache_(std::make_unique<Cache>()) {
  if (parameters_.size() != model_->size()) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "the parameter settings have " +
                    std::to_string(parameters_.size()) +
                    " entries but the model has " +
                    std::to_string(model_->size()) + " parameters");
  }
  cache_->data = std::make_unique<Likelihood>(model_, data_);
}

Inference::~Inference() = default;

FitResult Inference::fit(
    const std::vector<std::pair<std::string, double>>& fixed,
    const FitOptions* options) {
  std::vector<Parameter> parameters = parameters_;
  for (const auto& [name, value] : fixed) {
    Parameter& p = parameters[model_->parameterIndex(name)];
    p.fixed = true;
    p.init = value;
  }
  return minimize(*cache_->data, parameters, options ? *options : options_.fit);
}

FitResult Inference::fixedPoiFit(double poi, Likelihood& likelihood,
                                 const std::vector<double>& start) {
  const int index = model_->poiIndex();
  std::vector<Parameter> parameters = startingFrom(parameters_, start);
  Parameter& p = parameters[index];
  requireInsideBounds(p, poi, "the tested value",
                      "; widen the bounds to test it");
  p.fixed = true;
  p.init = poi;
  FitResult result = minimize(likelihood, parameters, options_.fit);
  if (!std::isfinite(result.minValue)) {
    std::ostringstream text;
    text << "with " << p.name << " fixed at " << poi
         << " the likelihood cannot be evaluated: "
         << likelihood.explainNonFinite(result.values.data());
    throw Error(ErrorCode::kNumerical, "", text.str());
  }
  // A fit that stopped above the best point known is restarted from there:
  // a warm start may sit in a flat valley that the default start avoids.
  if (!result.isValid() && !start.empty()) {
    std::vector<Parameter> fresh = parameters_;
    fresh[index].fixed = true;
    fresh[index].init = poi;
    FitResult retry = minimize(likelihood, fresh, options_.fit);
    if (retry.minValue < result.minValue) result = retry;
  }
  if (!result.isValid()) {
    cache_->warnings.push_back(describeFit("fixed-POI fit", poi, result));
  }
  return result;
}

std::vector<double> Inference::asimovData(double poi) {
  const FitResult fit = fixedPoiFit(poi, *cache_->data, {});
  return model_->expectedData(fit.values);
}

void Inference::prepare() {
  if (!model_->hasPoi()) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "the model has no parameter of interest (measurement '" +
                    model_->measurementName() +
                    "' names none); a hypothesis test needs one");
  }
  const Parameter& poi = parameters_[model_->poiIndex()];
  if (poi.fixed) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "the parameter of interest '" + poi.name +
                    "' is fixed; a hypothesis test needs it free");
  }
  if (cache_->freeData) return;
  const bool tilde = options_.statistic == TestStatistic::kQMuTilde ||
                     options_.statistic == TestStatistic::kTMuTilde;
  if (tilde && poi.lower != 0) {
    HS3_LOG(kWarning, "infer")
        << "the tilde statistics assume the lower bound of " << poi.name
        << " is 0, but it is " << poi.lower;
  }
  cache_->freeData = minimize(*cache_->data, parameters_, options_.fit);
  if (!cache_->freeData->isValid()) {
    cache_->warnings.push_back("free fit to the data: " +
                               cache_->freeData->message());
  }
  cache_->asimovPoi = options_.statistic == TestStatistic::kQ0 ? 1.0 : 0.0;
  cache_->asimov =
      std::make_unique<Likelihood>(model_, asimovData(cache_->asimovPoi));
  cache_->freeAsimov = minimize(*cache_->asimov, parameters_, options_.fit);
  if (!cache_->freeAsimov->isValid()) {
    cache_->warnings.push_back("free fit to the Asimov data: " +
                               cache_->freeAsimov->message());
  }
}

namespace {

// The test statistic from the conditional and free minima of the NLL.
double statisticFrom(TestStatistic statistic, double poi, double nllFixed,
                     double nllFree, double muHat) {
  const double t = std::max(2.0 * (nllFixed - nllFree), 0.0);
  switch (statistic) {
    case TestStatistic::kQ0:
      return muHat < poi ? 0.0 : t;
    case TestStatistic::kQMu:
    case TestStatistic::kQMuTilde:
      return muHat > poi ? 0.0 : t;
    case TestStatistic::kTMu:
    case TestStatistic::kTMuTilde:
      return t;
  }
  return t;
}

}  // namespace

HypotestResult Inference::hypotest(double poi) {
  prepare();
  if (options_.statistic == TestStatistic::kTMu ||
      options_.statistic == TestStatistic::kTMuTilde) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "CLs tests use q0, q or qtilde; the two-sided t statistics "
                "are for profile scans");
  }
  const std::size_t index = model_->poiIndex();
  Cache& cache = *cache_;
  const std::size_t warningsBefore = cache.warnings.size();

  // Observed statistic.
  FitResult fixedData = fixedPoiFit(poi, *cache.data, cache.freeData->values);
  if (fixedData.minValue < cache.freeData->minValue) {
    // The conditional minimum lies below the free one, so the free fit had
    // stopped short: refit it from there.
    std::vector<Parameter> start = startingFrom(parameters_, fixedData.values);
    FitResult refit = minimize(*cache.data, start, options_.fit);
    if (refit.minValue < cache.freeData->minValue) cache.freeData = refit;
  }
  const double muHat = cache.freeData->values[index];
  const double qObs = statisticFrom(options_.statistic, poi, fixedData.minValue,
                                    cache.freeData->minValue, muHat);

  // Asimov statistic.
  FitResult fixedAsimov =
      fixedPoiFit(poi, *cache.asimov, cache.freeAsimov->values);
  if (fixedAsimov.minValue < cache.freeAsimov->minValue) {
    std::vector<Parameter> start =
        startingFrom(parameters_, fixedAsimov.values);
    FitResult refit = minimize(*cache.asimov, start, options_.fit);
    if (refit.minValue < cache.freeAsimov->minValue) cache.freeAsimov = refit;
  }
  const double qA = statisticFrom(options_.statistic, poi, fixedAsimov.minValue,
                                  cache.freeAsimov->minValue,
                                  cache.freeAsimov->values[index]);

  HypotestResult result;
  result.poi = poi;
  result.statistic = options_.statistic;
  result.qObserved = qObs;
  result.qAsimov = qA;
  result.muHat = muHat;
  result.twiceNllFixedData = 2 * fixedData.minValue;
  result.twiceNllFreeData = 2 * cache.freeData->minValue;
  const double t = infer::asymptoticT(options_.statistic, qObs, qA);
  const infer::TailProbabilities tails = infer::tailsAt(t, qA);
  const bool discovery = options_.statistic == TestStatistic::kQ0;
  result.clsb = tails.clsb;
  result.clb = tails.clb;
  result.cls = discovery ? tails.clsb : tails.cls;
  result.clsExpected = infer::expectedBand(qA, discovery);
  result.warnings.assign(cache.warnings.begin() + warningsBefore,
                         cache.warnings.end());
  cache.qObserved[poi] = qObs;
  cache.qAsimov[poi] = qA;
  return result;
}

UpperLimitResult Inference::upperLimitFromGrid(const std::vector<double>& grid,
                                               double level) {
  if (grid.size() < 2) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "a grid for an upper limit needs at least two values");
  }
  UpperLimitResult result;
  result.level = level;
  const double alpha = 1.0 - level;
  for (double poi : grid) result.points.push_back(hypotest(poi));
  // pyhf interpolates mu as a function of CLs on the reversed curve (CLs
  // falls with mu) and clamps at the ends; the flags say when it clamped.
  auto crossing = [&](auto clsOf, bool& found) {
    const std::size_t n = result.points.size();
    for (std::size_t i = 0; i + 1 < n; ++i) {
      const double c0 = clsOf(result.points[i]);
      const double c1 = clsOf(result.points[i + 1]);
      if ((c0 - alpha) * (c1 - alpha) <= 0 && c0 != c1) {
        found = true;
        return grid[i] + (alpha - c0) * (grid[i + 1] - grid[i]) / (c1 - c0);
      }
    }
    found = false;
    return clsOf(result.points.back()) > alpha ? grid.back() : grid.front();
  };
  result.observed = crossing([](const HypotestResult& h) { return h.cls; },
                             result.observedFound);
  for (int k = 0; k < 5; ++k) {
    bool found = false;
    result.expected[k] = crossing(
        [k](const HypotestResult& h) { return h.clsExpected[k]; }, found);
    result.expectedFound[k] = found;
  }
  return result;
}

UpperLimitResult Inference::upperLimit(double level) {
  if (!(level > 0 && level < 1)) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "the confidence level must lie between 0 and 1");
  }
  prepare();
  const double alpha = 1.0 - level;
  const Parameter& poi = parameters_[model_->poiIndex()];
  const double lower = std::max(poi.lower, 0.0);
  const double upper = poi.upper;
  UpperLimitResult result;
  result.level = level;

  std::map<double, HypotestResult> tested;
  auto test = [&](double mu) -> const HypotestResult& {
    auto it = tested.find(mu);
    if (it == tested.end()) it = tested.emplace(mu, hypotest(mu)).first;
    return it->second;
  };
  // Roots in log CLs: the curves fall roughly like exp(-mu^2), which log
  // makes nearly quadratic and easy for Brent's interpolation.
  const double logAlpha = std::log(alpha);
  auto solve = [&](auto logClsOf, bool& found) {
    const HypotestResult& top = test(upper);
    const double fUpper = logClsOf(top) - logAlpha;
    if (fUpper > 0) {
      found = false;
      return upper;
    }
    found = true;
    auto f = [&](double mu) { return logClsOf(test(mu)) - logAlpha; };
    // Start from the bracket that the tested points already give.
    double a = lower, b = upper, fa = f(lower), fb = fUpper;
    for (const auto& [mu, h] : tested) {
      const double fm = logClsOf(h) - logAlpha;
      if (fm > 0 && mu > a) {
        a = mu;
        fa = fm;
      }
      if (fm <= 0 && mu < b) {
        b = mu;
        fb = fm;
      }
    }
    return infer::brentRoot(f, a, b, fa, fb, 1e-10, 1e-6);
  };
  auto logOf = [](double x) { return std::log(std::max(x, 1e-300)); };
  result.observed = solve([&](const HypotestResult& h) { return logOf(h.cls); },
                          result.observedFound);
  for (int k = 0; k < 5; ++k) {
    bool found = false;
    result.expected[k] = solve(
        [&, k](const HypotestResult& h) { return logOf(h.clsExpected[k]); },
        found);
    result.expectedFound[k] = found;
  }
  for (const auto& entry : tested) result.points.push_back(entry.second);

  std::ostringstream message;
  if (!result.observedFound) {
    message << "the observed CLs stays above " << alpha << " up to the "
            << "upper bound " << poi.name << " = " << upper
            << ", so the observed limit lies above the POI range; ";
  }
  int missing = 0;
  for (bool found : result.expectedFound) missing += found ? 0 : 1;
  if (missing > 0) {
    message << missing << " of the 5 expected limits lie above the POI "
            << "range (" << poi.name << " <= " << upper << "); ";
  }
  result.message = message.str();
  if (!result.message.empty()) {
    result.message += "widen the bounds of " + poi.name + " to find them";
  }
  return result;
}

FitResult Inference::bestFitBeforeScan() {
  FitResult best = minimize(*cache_->data, parameters_, options_.fit);
  if (!std::isfinite(best.minValue)) {
    throw Error(ErrorCode::kNumerical, "",
                "the best fit before the scan failed: " + best.message());
  }
  return best;
}

ScanResult Inference::scan(
    const std::string& parameter, const std::vector<double>& values,
    const std::function<void(std::size_t, std::size_t)>& onProgress) {
  const std::size_t index = model_->parameterIndex(parameter);
  ScanResult result;
  result.parameter = parameter;
  for (double value : values) {
    requireInsideBounds(parameters_[index], value, "scan value", "");
  }
  const FitResult best = bestFitBeforeScan();
  result.bestFit = best.values[index];
  double minimum = best.minValue;
  std::vector<double> start = best.values;
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::vector<Parameter> pars = startingFrom(parameters_, start);
    Parameter& p = pars[index];
    p.fixed = true;
    p.init = values[i];
    const FitResult fit = minimize(*cache_->data, pars, options_.fit);
    ScanPoint point;
    point.value = values[i];
    point.twiceNll = 2 * fit.minValue;
    point.parameters = fit.values;
    point.status = fit.status;
    if (!fit.isValid()) {
      std::ostringstream text;
      text << "the fit at " << parameter << " = " << values[i] << ": "
           << fit.message();
      result.warnings.push_back(text.str());
    }
    // A failed point neither sets the minimum nor seeds the next start.
    if (std::isfinite(fit.minValue)) {
      minimum = std::min(minimum, fit.minValue);
      start = fit.values;
    }
    result.points.push_back(point);
    if (onProgress) onProgress(i + 1, values.size());
  }
  result.twiceNllMin = 2 * minimum;
  for (ScanPoint& point : result.points) {
    point.deltaTwiceNll = point.twiceNll - result.twiceNllMin;
  }
  // Crossings of 2 delta NLL = level on each side of the best fit.
  auto crossing = [&](double level, bool below) -> std::optional<double> {
    const auto& pts = result.points;
    for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
      const ScanPoint& a = pts[i];
      const ScanPoint& b = pts[i + 1];
      const bool left = b.value <= result.bestFit;
      const bool right = a.value >= result.bestFit;
      if ((below && !left) || (!below && !right)) continue;
      if ((a.deltaTwiceNll - level) * (b.deltaTwiceNll - level) <= 0 &&
          a.deltaTwiceNll != b.deltaTwiceNll) {
        return a.value + (level - a.deltaTwiceNll) * (b.value - a.value) /
                             (b.deltaTwiceNll - a.deltaTwiceNll);
      }
    }
    return std::nullopt;
  };
  result.lower68 = crossing(1.0, true);
  result.upper68 = crossing(1.0, false);
  result.lower95 = crossing(3.841458820694124, true);
  result.upper95 = crossing(3.841458820694124, false);
  return result;
}

Scan2dResult Inference::scan2d(const std::string& first,
                               const std::vector<double>& firstValues,
                               const std::string& second,
                               const std::vector<double>& secondValues) {
  const std::array<std::size_t, 2> index = {model_->parameterIndex(first),
                                            model_->parameterIndex(second)};
  if (index[0] == index[1]) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "a two-dimensional scan needs two different parameters");
  }
  Scan2dResult result;
  result.parameters = {first, second};
  result.values = {firstValues, secondValues};
  for (int axis = 0; axis < 2; ++axis) {
    for (double value : result.values[axis]) {
      requireInsideBounds(parameters_[index[axis]], value, "scan value", "");
    }
  }
  const FitResult best = bestFitBeforeScan();
  result.bestFit = {best.values[index[0]], best.values[index[1]]};
  double minimum = best.minValue;
  const std::size_t rows = firstValues.size();
  const std::size_t columns = secondValues.size();
  std::vector<double> twiceNll(rows * columns,
                               std::numeric_limits<double>::quiet_NaN());
  std::vector<double> start = best.values;
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t k = 0; k < columns; ++k) {
      // Serpentine order: every fit starts from the point next to it.
      const std::size_t j = i % 2 == 0 ? k : columns - 1 - k;
      std::vector<Parameter> pars = startingFrom(parameters_, start);
      pars[index[0]].fixed = pars[index[1]].fixed = true;
      pars[index[0]].init = firstValues[i];
      pars[index[1]].init = secondValues[j];
      const FitResult fit = minimize(*cache_->data, pars, options_.fit);
      if (!fit.isValid()) {
        std::ostringstream text;
        text << "the fit at " << first << " = " << firstValues[i] << ", "
             << second << " = " << secondValues[j] << ": " << fit.message();
        result.warnings.push_back(text.str());
      }
      if (std::isfinite(fit.minValue)) {
        twiceNll[i * columns + j] = 2 * fit.minValue;
        minimum = std::min(minimum, fit.minValue);
        start = fit.values;
      }
    }
  }
  result.twiceNllMin = 2 * minimum;
  for (double value : twiceNll) {
    result.deltaTwiceNll.push_back(value - result.twiceNllMin);
  }
  return result;
}

SignificanceResult Inference::significance() {
  InferenceOptions discovery = options_;
  discovery.statistic = TestStatistic::kQ0;
  discovery.parameters = parameters_;
  Inference q0(model_, data_, discovery);
  const HypotestResult h = q0.hypotest(0.0);
  SignificanceResult result;
  result.q0 = h.qObserved;
  result.p0 = h.clsb;
  result.z = std::sqrt(std::max(h.qObserved, 0.0));
  result.q0Asimov = h.qAsimov;
  result.p0ExpectedBand = h.clsExpected;
  result.p0Expected = h.clsExpected[2];
  result.zExpected = std::sqrt(std::max(h.qAsimov, 0.0));
  result.muHat = h.muHat;
  return result;
}

}  // namespace hs3
