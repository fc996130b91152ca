// Statistical inference on a Model with pyhf's conventions: maximum-likelihood
// fits, the test statistics q0, q_mu, q~_mu, t_mu, t~_mu with the asymptotic
// calculator (Asimov data as pyhf builds them), CLs hypothesis tests, upper
// limits by root finding, profile-likelihood scans and discovery
// significance.
//
// An Inference object owns the model, one data vector and the fit settings;
// it caches the fits that do not depend on the tested value (the free fits
// to the data and to the Asimov data, and the Asimov data themselves), so a
// limit costs two fits per tested value instead of pyhf's five.
//
//   hs3::Inference inference(model, model->observedData());
//   hs3::HypotestResult r = inference.hypotest(1.0);
//   hs3::UpperLimitResult ul = inference.upperLimit(0.95);
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hs3/fit.hpp"
#include "hs3/model.hpp"

namespace hs3 {

enum class TestStatistic {
  kQ0,        // discovery: 0 if mu_hat < 0, else t(0)
  kQMu,       // upper-limit statistic: 0 if mu_hat > mu (POI may go < 0)
  kQMuTilde,  // q_mu with mu_hat clipped at 0 (POI lower bound 0): pyhf's
              // default "qtilde"
  kTMu,       // two-sided profile likelihood ratio
  kTMuTilde,  // t_mu with mu_hat clipped at 0
};

const char* testStatisticName(TestStatistic statistic);
// "q0", "q", "qtilde", "tmu", "tmu_tilde".
TestStatistic parseTestStatistic(const std::string& text);

struct InferenceOptions {
  TestStatistic statistic = TestStatistic::kQMuTilde;
  // Settings of every fit. Inference asks for a tighter EDM than a plain
  // fit, since CLs values depend on differences of minima.
  FitOptions fit = [] {
    FitOptions options;
    options.tolerance = 0.01;
    options.computeErrors = false;
    return options;
  }();
  // Replaces the model's parameter settings (inits, bounds, fixed), e.g. to
  // fix a nuisance parameter or widen the POI range; empty: the model's.
  std::vector<Parameter> parameters;
};

// The expected band is ordered as pyhf orders it: index 0 is the -2 sigma
// value (the smallest CLs or limit), index 2 the median, index 4 +2 sigma.
using Band = std::array<double, 5>;

struct HypotestResult {
  double poi = 0.0;
  TestStatistic statistic = TestStatistic::kQMuTilde;
  double cls = 0.0;   // observed CLs (for q0: p0)
  double clsb = 0.0;  // p-value under signal plus background
  double clb = 0.0;   // 1 - p-value under background only
  Band clsExpected{};
  double qObserved = 0.0;
  double qAsimov = 0.0;
  // The four fits behind it (conditional and free, to data and Asimov).
  double twiceNllFixedData = 0.0;
  double twiceNllFreeData = 0.0;
  double muHat = 0.0;
  // Fits that did not converge cleanly, described; empty when all did.
  std::vector<std::string> warnings;
};

struct UpperLimitResult {
  double level = 0.95;  // confidence level: CLs = 1 - level
  // Observed and expected limits; NaN never appears: a limit that lies
  // outside the POI range is reported through the flags below.
  double observed = 0.0;
  Band expected{};
  // false: the CLs curve does not cross 1 - level inside the POI range;
  // the value is then the bound where the search stopped.
  bool observedFound = true;
  std::array<bool, 5> expectedFound{{true, true, true, true, true}};
  std::vector<HypotestResult> points;  // every hypotest evaluated
  std::string message;                 // explains what was not found
};

struct ScanPoint {
  double value = 0.0;
  double twiceNll = 0.0;
  double deltaTwiceNll = 0.0;  // relative to the best fit
  std::vector<double> parameters;
  FitStatus status = FitStatus::kConverged;
};

struct ScanResult {
  std::string parameter;
  double bestFit = 0.0;
  double twiceNllMin = 0.0;
  std::vector<ScanPoint> points;
  // Where 2 delta NLL crosses 1 (68.3%) and 3.84 (95%) on each side, from
  // linear interpolation between scan points; absent when not crossed.
  std::optional<double> lower68, upper68, lower95, upper95;
  // Scan points whose fit did not converge cleanly, described.
  std::vector<std::string> warnings;
};

// A profile likelihood over a grid of two parameters.
struct Scan2dResult {
  std::array<std::string, 2> parameters;
  std::array<std::vector<double>, 2> values;  // the grid along each axis
  std::array<double, 2> bestFit{};
  double twiceNllMin = 0.0;
  // 2 delta NLL at (values[0][i], values[1][j]), row-major in i.
  std::vector<double> deltaTwiceNll;
  std::vector<std::string> warnings;
};

struct SignificanceResult {
  double q0 = 0.0;
  double p0 = 0.0;
  double z = 0.0;  // observed significance, sqrt(q0)
  double q0Asimov = 0.0;
  double p0Expected = 0.0;
  double zExpected = 0.0;
  Band p0ExpectedBand{};  // p0 at the -2..+2 sigma expectations
  double muHat = 0.0;
};

// A nuisance parameter after the fit, against its constraint: pull =
// (fitted - nominal) / prefit width, constraint = postfit / prefit width.
struct PullEntry {
  std::string name;
  double value = 0.0;
  double error = 0.0;
  bool constrained = false;  // unconstrained parameters have no pull
  double nominal = 0.0;      // the auxiliary datum's value in parameter units
  double prefitError = 0.0;
  double pull = 0.0;
  double constraint = 0.0;
};

struct PullsResult {
  FitResult fit;
  std::vector<PullEntry> entries;  // every free parameter but the POI
};

// The shift of the POI when one nuisance parameter is fixed at its fitted
// value plus or minus its prefit or postfit error and the rest refitted.
struct ImpactEntry {
  std::string name;
  double value = 0.0;
  double error = 0.0;
  double prefitUp = 0.0;
  double prefitDown = 0.0;
  double postfitUp = 0.0;
  double postfitDown = 0.0;
};

struct RankingResult {
  std::string poi;
  double poiValue = 0.0;
  double poiError = 0.0;
  // Ordered by the larger of |postfitUp| and |postfitDown|, largest first.
  std::vector<ImpactEntry> entries;
};

// Expected yields by channel, sample and bin, before and after the fit,
// with uncertainties propagated from the parameters' covariance (prefit:
// the prefit widths, uncorrelated).
struct YieldsResult {
  struct Sample {
    std::string name;
    std::vector<double> prefit, prefitError, postfit, postfitError;
  };
  struct Channel {
    std::string name;
    std::vector<Sample> samples;
    std::vector<double> data;
    std::vector<double> prefitTotal, prefitTotalError;
    std::vector<double> postfitTotal, postfitTotalError;
  };
  std::vector<Channel> channels;
  FitResult fit;
};

class Inference {
 public:
  Inference(std::shared_ptr<const Model> model, std::vector<double> data,
            InferenceOptions options = InferenceOptions());
  ~Inference();
  Inference(const Inference&) = delete;
  Inference& operator=(const Inference&) = delete;

  const Model& model() const { return *model_; }
  const std::vector<Parameter>& parameters() const { return parameters_; }

  // A fit to the data with every parameter as configured, optionally with
  // some fixed at values.
  FitResult fit(const std::vector<std::pair<std::string, double>>& fixed = {},
                const FitOptions* options = nullptr);

  // The CLs test of the POI value `poi` with the asymptotic formulas.
  HypotestResult hypotest(double poi);

  // The upper limit on the POI at confidence level `level`, by root finding
  // on the observed and each expected CLs curve.
  UpperLimitResult upperLimit(double level = 0.95);
  // The same from a fixed grid: a hypotest at each value and linear
  // interpolation of the crossing, as pyhf's scan mode does.
  UpperLimitResult upperLimitFromGrid(const std::vector<double>& grid,
                                      double level = 0.95);

  // Profile likelihood of one parameter over a grid, with warm starts.
  ScanResult scan(const std::string& parameter,
                  const std::vector<double>& values,
                  const std::function<void(std::size_t, std::size_t)>&
                      onProgress = nullptr);

  // Profile likelihood over the grid first x second, each point a fit with
  // both fixed, started from its neighbour along a serpentine path.
  Scan2dResult scan2d(const std::string& first,
                      const std::vector<double>& firstValues,
                      const std::string& second,
                      const std::vector<double>& secondValues);

  SignificanceResult significance();

  PullsResult pulls();
  // Impacts on the POI; independent refits run on `threads` threads.
  RankingResult ranking(unsigned threads = 1);
  YieldsResult yields();

 private:
  struct Cache;
  FitResult fixedPoiFit(double poi, Likelihood& likelihood,
                        const std::vector<double>& start);
  void prepare();
  // The free fit that scans start from; throws when it cannot be evaluated.
  FitResult bestFitBeforeScan();
  std::vector<double> asimovData(double poi);

  std::shared_ptr<const Model> model_;
  std::vector<double> data_;
  InferenceOptions options_;
  std::vector<Parameter> parameters_;
  std::unique_ptr<Cache> cache_;
};

}  // namespace hs3
