// HS3 likelihoods that mix histfactory_dist channels with other terms,
// checked against numbers computed elsewhere: pyhf's golden log-likelihoods
// and the closed-form oracle of the flatppl HistFactory fixture for the
// channels, closed-form densities written out here for the rest. Also the
// gradient against finite differences, fits and a hypothesis test.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "golden.hpp"
#include "gradient_check.hpp"
#include "histfactory/compiled_model.hpp"
#include "hs3/error.hpp"
#include "hs3/infer.hpp"
#include "hs3/load.hpp"
#include "hs3/model.hpp"

namespace {

using hs3::test::worstGradientError;

using nlohmann::json;

constexpr double kLogSqrtTwoPi = 0.91893853320467274178;

double standardNormalCdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

// log of the Gaussian density of x with mean mu and width sigma, truncated to
// [lo, hi]: the untruncated density divided by the probability of the range,
// Phi((hi - mu) / sigma) - Phi((lo - mu) / sigma).
double truncatedGaussianLog(double x, double mu, double sigma, double lo,
                            double hi) {
  const double z = (x - mu) / sigma;
  const double inside = standardNormalCdf((hi - mu) / sigma) -
                        standardNormalCdf((lo - mu) / sigma);
  return -0.5 * z * z - std::log(sigma) - kLogSqrtTwoPi - std::log(inside);
}

// log of HS3's exponential density exp(-c t) on [lo, hi], whose integral
// is (exp(-c lo) - exp(-c hi)) / c.
double truncatedExponentialLog(double t, double c, double lo, double hi) {
  return -c * t - std::log((std::exp(-c * lo) - std::exp(-c * hi)) / c);
}

json unbinnedData(const std::string& name, const std::string& axis, double lo,
                  double hi, const std::vector<double>& values) {
  json entries = json::array();
  for (double v : values) entries.push_back(json::array({v}));
  return json{
      {"name", name},
      {"type", "unbinned"},
      {"axes", json::array({json{{"name", axis}, {"min", lo}, {"max", hi}}})},
      {"entries", entries}};
}

// Declares a parameter in the first domain and the first parameter point.
void declareParameter(json& doc, const std::string& name, double value,
                      double lo, double hi, bool fixed = false) {
  doc["domains"][0]["axes"].push_back(
      json{{"name", name}, {"min", lo}, {"max", hi}});
  json entry{{"name", name}, {"value", value}};
  if (fixed) entry["const"] = true;
  doc["parameter_points"][0]["parameters"].push_back(entry);
}

// Adds (distribution, data) as one more pair of the first likelihood.
void addPair(json& doc, json distribution, json data) {
  json& likelihood = doc["likelihoods"][0];
  likelihood["distributions"].push_back(distribution["name"]);
  likelihood["data"].push_back(data["name"]);
  doc["distributions"].push_back(std::move(distribution));
  doc["data"].push_back(std::move(data));
}

void addAux(json& doc, json distribution) {
  doc["likelihoods"][0]["aux_distributions"].push_back(distribution["name"]);
  doc["distributions"].push_back(std::move(distribution));
}

std::shared_ptr<const hs3::Model> parse(const json& doc) {
  return hs3::parseModel(doc.dump(), {}, {});
}

hs3::test::GoldenCase goldenCase(const std::string& name) {
  for (const auto& c : hs3::test::goldenCases()) {
    if (c.name == name) return c;
  }
  FAIL("no golden case " << name);
  return {};
}

// The golden workspace as the HS3 file the repository's converter writes.
json goldenAsHs3(const hs3::test::GoldenCase& c) {
  const std::string text = hs3::readTextFile(c.workspace);
  return json::parse(
      hs3::convertModel(text, hs3::readPatchSources(c.patches), "hs3", {}));
}

// A parameter vector of `model` with the values of `names` set.
std::vector<double> pointOf(const hs3::Model& model,
                            const std::vector<std::string>& names,
                            const std::vector<double>& values) {
  std::vector<double> x = model.initialValues();
  for (std::size_t k = 0; k < names.size(); ++k) {
    x[model.parameterIndex(names[k])] = values[k];
  }
  return x;
}

double nllAt(const std::shared_ptr<const hs3::Model>& model,
             const std::vector<double>& x) {
  hs3::Likelihood likelihood(model, model->observedData());
  return likelihood.value(x.data());
}

const std::vector<double> kMasses = {0.8, 1.1, 1.7, 0.4, 2.2, 1.3};
const std::vector<double> kTimes = {0.1, 0.7, 2.5, 0.3, 1.2};

// pyhf's all-modifiers workspace in HS3, plus an unbinned Gaussian of the
// mass m with mean mu (the HistFactory signal strength) and a width of its
// own, and an unbinned exponential of the time t with a slope of its own.
json allModifiersWithUnbinnedChannels() {
  json doc = goldenAsHs3(goldenCase("synthetic_all_modifiers"));
  declareParameter(doc, "width", 0.6, 0.1, 5.0);
  declareParameter(doc, "slope", 0.8, 0.01, 5.0);
  addPair(doc,
          json{{"name", "mass_pdf"},
               {"type", "gaussian_dist"},
               {"x", "m"},
               {"mean", "mu"},
               {"sigma", "width"}},
          unbinnedData("mass_events", "m", 0.0, 3.0, kMasses));
  addPair(doc,
          json{{"name", "time_pdf"},
               {"type", "exponential_dist"},
               {"x", "t"},
               {"c", "slope"}},
          unbinnedData("time_events", "t", 0.0, 4.0, kTimes));
  return doc;
}

// -log L of the two unbinned channels above, by hand.
double unbinnedNll(double mu, double width, double slope) {
  double logL = 0.0;
  for (double m : kMasses) logL += truncatedGaussianLog(m, mu, width, 0, 3);
  for (double t : kTimes) logL += truncatedExponentialLog(t, slope, 0, 4);
  return -logL;
}

}  // namespace

TEST_CASE("a HistFactory channel beside unbinned channels adds up",
          "[hs3][mixed][golden]") {
  const hs3::test::GoldenCase c = goldenCase("synthetic_all_modifiers");
  const auto model = parse(allModifiersWithUnbinnedChannels());
  const auto names =
      c.data["model"]["par_names"].get<std::vector<std::string>>();

  // The channels' parameters first, then the two of the unbinned channels.
  REQUIRE(model->size() == names.size() + 2);
  CHECK(model->parameters()[names.size()].name == "width");
  CHECK(model->parameters()[names.size() + 1].name == "slope");
  CHECK(model->parameters()[model->poiIndex()].name == "mu");
  CHECK(model->mainDataSize() == 3 + kMasses.size() + kTimes.size());
  CHECK(model->auxDataSize() == 7);

  struct Point {
    std::vector<double> pars;
    double logpdf;
  };
  std::vector<Point> points;
  points.push_back(
      {c.data["model"]["suggested_init"].get<std::vector<double>>(),
       c.data["logpdf_at_init"]["logpdf"].get<double>()});
  for (const auto& p : c.data["logpdf_at_points"]) {
    points.push_back(
        {p["pars"].get<std::vector<double>>(), p["logpdf"].get<double>()});
  }
  const std::vector<std::pair<double, double>> shapes = {
      {0.6, 0.8}, {1.3, 0.25}, {0.35, 2.0}};
  for (const Point& point : points) {
    for (const auto& [width, slope] : shapes) {
      std::vector<std::string> all = names;
      std::vector<double> values = point.pars;
      all.insert(all.end(), {"width", "slope"});
      values.insert(values.end(), {width, slope});
      const std::vector<double> x = pointOf(*model, all, values);
      const double mu = x[model->parameterIndex("mu")];
      const double expected = -point.logpdf + unbinnedNll(mu, width, slope);
      INFO("mu " << mu << " width " << width << " slope " << slope);
      CHECK(hs3::test::relativeDifference(nllAt(model, x), expected) < 1e-10);
      CHECK(worstGradientError(model, x) < 1e-6);
    }
  }
}

TEST_CASE("aux terms HistFactory has no word for add to its likelihood",
          "[hs3][mixed]") {
  json doc = json::parse(hs3::readTextFile(
      hs3::test::sharedPath("hs3/flatppl_histfactory/hs3.json")));
  // ln L of the channel with every constant, from the closed-form oracle
  // of the fixture's expected.json (checks[1]), at its points (mu, syst1,
  // syst2, syst3, mcstat_0, mcstat_1); the fifth, mu = 0, is left out: the
  // terms below are -infinity there.
  const json expected = json::parse(hs3::readTextFile(
      hs3::test::sharedPath("hs3/flatppl_histfactory/expected.json")));
  const json& oracle = expected["checks"][1];
  REQUIRE(oracle["kind"] == "ln_likelihood");
  const auto names = oracle["scan_parameters"].get<std::vector<std::string>>();

  const auto pure = parse(doc);
  doc["functions"] = json::array({json{
      {"name", "aux_rate"}, {"type", "product"}, {"factors", {"mu", 20.0}}}});
  // A log-normal prior on mu, a Poisson measurement of 20 mu that saw 25
  // events, and a Gaussian on one staterror gamma (named by the file, so
  // the graph and the HistFactory kernel must agree on the name).
  addAux(doc, json{{"name", "mu_prior"},
                   {"type", "lognormal_dist"},
                   {"x", "mu"},
                   {"mu", 0.1},
                   {"sigma", 0.4}});
  addAux(doc, json{{"name", "mu_measurement"},
                   {"type", "poisson_dist"},
                   {"x", 25},
                   {"mean", "aux_rate"}});
  addAux(doc, json{{"name", "gamma_calibration"},
                   {"type", "gaussian_dist"},
                   {"x", "mcstat_0"},
                   {"mean", 1.02},
                   {"sigma", 0.05}});
  const auto mixed = parse(doc);
  REQUIRE(mixed->size() == pure->size());

  for (std::size_t k = 0; k + 1 < oracle["points"].size(); ++k) {
    const auto values = oracle["points"][k].get<std::vector<double>>();
    const std::vector<double> x = pointOf(*mixed, names, values);
    const double mu = values[0], gamma = values[4];
    // log-normal: -(ln mu - m)^2 / (2 s^2) - ln mu - ln(s sqrt(2 pi));
    // Poisson: 25 ln(20 mu) - 20 mu - ln 25!; Gaussian as above, untruncated.
    const double z = (std::log(mu) - 0.1) / 0.4;
    const double prior =
        -0.5 * z * z - std::log(mu) - std::log(0.4) - kLogSqrtTwoPi;
    const double poisson = 25 * std::log(20 * mu) - 20 * mu - std::lgamma(26.0);
    const double pull = (gamma - 1.02) / 0.05;
    const double gaussian = -0.5 * pull * pull - std::log(0.05) - kLogSqrtTwoPi;
    const double lnL = oracle["expected"][k].get<double>();
    INFO("point " << k);
    CHECK(hs3::test::relativeDifference(
              nllAt(mixed, x), -(lnL + prior + poisson + gaussian)) < 1e-12);
    CHECK(hs3::test::relativeDifference(
              nllAt(pure, pointOf(*pure, names, values)), -lnL) < 1e-12);
    CHECK(worstGradientError(mixed, x) < 1e-6);
  }
}

TEST_CASE("the graph finds ROOT's staterror gammas by their names",
          "[hs3][mixed]") {
  // ATLAS' HEPData likelihood names no staterror parameter; ROOT's rule
  // calls them gamma_stat_<channel>_bin_<i>, and so do its parameter
  // points. A Gaussian aux term on one of them must reach the same
  // parameter as the channel's Poisson constraint.
  json doc = json::parse(
      hs3::readTextFile(hs3::test::sharedPath("hs3/hepdata_155342/hs3.json")));
  const auto pure = parse(doc);
  const std::string gamma = "gamma_stat_CR11_2L_mu_bin_0";
  for (json& likelihood : doc["likelihoods"]) {
    likelihood["aux_distributions"] = json::array({"gamma_calibration"});
  }
  doc["distributions"].push_back(json{{"name", "gamma_calibration"},
                                      {"type", "gaussian_dist"},
                                      {"x", gamma},
                                      {"mean", 1.0},
                                      {"sigma", 0.1}});
  const auto mixed = parse(doc);
  REQUIRE(mixed->size() == pure->size());
  for (double value : {1.0, 0.93, 1.12}) {
    std::vector<double> x = mixed->initialValues();
    x[mixed->parameterIndex(gamma)] = value;
    std::vector<double> y = pure->initialValues();
    y[pure->parameterIndex(gamma)] = value;
    const double pull = (value - 1.0) / 0.1;
    const double term = -0.5 * pull * pull - std::log(0.1) - kLogSqrtTwoPi;
    INFO(gamma << " = " << value);
    CHECK(hs3::test::relativeDifference(nllAt(mixed, x),
                                        nllAt(pure, y) - term) < 1e-12);
    CHECK(worstGradientError(mixed, x) < 1e-6);
  }
}

TEST_CASE("a mixed likelihood fits", "[hs3][mixed][fit][golden]") {
  const hs3::test::GoldenCase c = goldenCase("synthetic_all_modifiers");

  SECTION("independent parts reach the sum of their minima") {
    // A Gaussian with a mean of its own and unit width, on a range so wide
    // that truncation is nothing: its minimum is at the sample mean, where
    // -ln L = sum (m - mean)^2 / 2 + n ln sqrt(2 pi).
    json doc = goldenAsHs3(c);
    declareParameter(doc, "centre", 1.0, -10.0, 10.0);
    declareParameter(doc, "unit", 1.0, 0.0, 2.0, true);
    addPair(doc,
            json{{"name", "mass_pdf"},
                 {"type", "gaussian_dist"},
                 {"x", "m"},
                 {"mean", "centre"},
                 {"sigma", "unit"}},
            unbinnedData("mass_events", "m", -50.0, 50.0, kMasses));
    const auto model = parse(doc);
    hs3::Inference inference(model, model->observedData());
    const hs3::FitResult fit = inference.fit();
    CHECK(fit.isValid());

    double mean = 0.0;
    for (double m : kMasses) mean += m / kMasses.size();
    double gaussianMin = kMasses.size() * kLogSqrtTwoPi;
    for (double m : kMasses) gaussianMin += 0.5 * (m - mean) * (m - mean);
    const double pyhfMin = 0.5 * c.data["mle"]["twice_nll"].get<double>();
    CHECK(fit.minValue <= pyhfMin + gaussianMin + 1e-6);
    CHECK(fit.minValue >= pyhfMin + gaussianMin - 1e-4);
    CHECK(fit.values[model->parameterIndex("centre")] ==
          Approx(mean).margin(1e-4));
    const double muHat = c.data["mle"]["bestfit_by_name"]["mu"];
    CHECK(fit.values[model->poiIndex()] == Approx(muHat).margin(1e-3));
  }

  SECTION("shared parameters converge to a stationary point") {
    const auto model = parse(allModifiersWithUnbinnedChannels());
    hs3::Inference inference(model, model->observedData());
    const hs3::FitResult fit = inference.fit();
    CHECK(fit.isValid());
    CHECK(fit.minValue < nllAt(model, model->initialValues()));
    hs3::Likelihood likelihood(model, model->observedData());
    std::vector<double> grad(model->size());
    likelihood.valueAndGradient(fit.values.data(), grad.data());
    for (std::size_t i = 0; i < model->size(); ++i) {
      const hs3::Parameter& p = model->parameters()[i];
      const bool atBound =
          fit.values[i] - p.lower < 1e-6 || p.upper - fit.values[i] < 1e-6;
      if (p.fixed || atBound) continue;
      INFO(p.name);
      CHECK(std::abs(grad[i]) < 1e-2);
    }
  }
}

TEST_CASE("Asimov data and hypothesis tests of a mixed binned likelihood",
          "[hs3][mixed][inference][golden]") {
  // The HistFactory channels beside a Gaussian shape of mu on binned data:
  // ROOT evaluates it at the bin centres, so its expected counts are the
  // observed total times density times bin width.
  const hs3::test::GoldenCase c = goldenCase("synthetic_all_modifiers");
  json doc = goldenAsHs3(c);
  declareParameter(doc, "width", 0.8, 0.1, 5.0);
  const std::vector<double> counts = {5, 9, 4};
  addPair(doc,
          json{{"name", "mass_pdf"},
               {"type", "gaussian_dist"},
               {"x", "m"},
               {"mean", "mu"},
               {"sigma", "width"}},
          json{{"name", "mass_histogram"},
               {"type", "binned"},
               {"axes",
                json::array({json{
                    {"name", "m"}, {"min", 0.0}, {"max", 3.0}, {"nbins", 3}}})},
               {"contents", counts}});
  const auto model = parse(doc);

  // Main bins of the channels, the histogram, then the channels' aux data,
  // each part as pyhf and the closed form give it at the initial point.
  const auto golden =
      c.data["expected_data_at_init"].get<std::vector<double>>();
  const std::vector<double> expected =
      model->expectedData(model->initialValues());
  REQUIRE(expected.size() == golden.size() + counts.size());
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(hs3::test::relativeDifference(expected[i], golden[i]) < 1e-12);
  }
  for (std::size_t i = 3; i < golden.size(); ++i) {
    CHECK(hs3::test::relativeDifference(expected[counts.size() + i],
                                        golden[i]) < 1e-12);
  }
  const double mu = model->initialValues()[model->poiIndex()];
  for (std::size_t b = 0; b < counts.size(); ++b) {
    const double centre = b + 0.5, z = (centre - mu) / 0.8;
    const double density =
        std::exp(-0.5 * z * z - std::log(0.8) - kLogSqrtTwoPi) /
        (standardNormalCdf((3 - mu) / 0.8) - standardNormalCdf(-mu / 0.8));
    CHECK(hs3::test::relativeDifference(expected[3 + b], 18 * density) < 1e-9);
  }

  hs3::Inference inference(model, model->observedData());
  // Yields list the HistFactory samples, then the histogram's bins.
  const hs3::YieldsResult yields = inference.yields();
  REQUIRE(yields.channels.size() == 3);
  CHECK(yields.channels.back().name == "mass_pdf");
  CHECK(yields.channels.back().data == counts);
  // Pulls know the channels' constraints.
  const hs3::PullsResult pulls = inference.pulls();
  for (const auto& entry : pulls.entries) {
    INFO(entry.name);
    CHECK(entry.constrained ==
          (entry.name != "width" && entry.name != "sf[0]"));
  }

  const hs3::HypotestResult result = inference.hypotest(1.0);
  CHECK(result.warnings.empty());
  CHECK(std::isfinite(result.qAsimov));
  CHECK(result.cls > 0.0);
  CHECK(result.cls <= 1.0);
}

TEST_CASE("a term of its own parameters leaves pyhf's CLs unchanged",
          "[hs3][mixed][inference][golden]") {
  // A Gaussian shape on binned counts whose mean and width are its own
  // parameters: profiled alike under every mu, it adds nothing to the test
  // statistic, so CLs at mu = 1 is pyhf's for the HistFactory channels
  // alone (the golden hypotest_mu1_qtilde), to the 1e-3 that CLs tests
  // against pyhf are held to.
  const hs3::test::GoldenCase c = goldenCase("synthetic_all_modifiers");
  json doc = goldenAsHs3(c);
  declareParameter(doc, "centre", 1.4, -5.0, 5.0);
  declareParameter(doc, "width", 0.8, 0.1, 5.0);
  addPair(doc,
          json{{"name", "mass_pdf"},
               {"type", "gaussian_dist"},
               {"x", "m"},
               {"mean", "centre"},
               {"sigma", "width"}},
          json{{"name", "mass_histogram"},
               {"type", "binned"},
               {"axes",
                json::array({json{
                    {"name", "m"}, {"min", 0.0}, {"max", 3.0}, {"nbins", 3}}})},
               {"contents", {5, 9, 4}}});
  const auto model = parse(doc);
  hs3::Inference inference(model, model->observedData());
  const hs3::HypotestResult result = inference.hypotest(1.0);
  const json& golden = c.data["hypotest_mu1_qtilde"];
  CHECK(result.cls == Approx(golden["CLs_obs"].get<double>()).epsilon(1e-3));
  CHECK(result.clsExpected[2] ==
        Approx(golden["CLs_exp_band(-2,-1,0,+1,+2 sigma)"][2].get<double>())
            .epsilon(1e-3));
}

TEST_CASE("mixed likelihoods keep the boundaries they had", "[hs3][mixed]") {
  json doc = allModifiersWithUnbinnedChannels();
  SECTION("Asimov data of unbinned terms are refused") {
    const auto model = parse(doc);
    CHECK_THROWS_AS(model->expectedData(model->initialValues()), hs3::Error);
  }
  SECTION("a channel that cannot be evaluated says so") {
    const auto model = parse(doc);
    hs3::Likelihood likelihood(model, model->observedData());
    std::vector<double> x = model->initialValues();
    x[model->parameterIndex("mu")] = -100;
    CHECK(!std::isfinite(likelihood.value(x.data())));
    const std::string why = likelihood.explainNonFinite(x.data());
    CHECK(why.rfind("the histfactory_dist channels: channel 'SR'", 0) == 0);
  }
  SECTION("conversion to pyhf is refused") {
    CHECK_THROWS_AS(hs3::convertModel(doc.dump(), {}, "pyhf", {}), hs3::Error);
  }
  SECTION("a pure HistFactory likelihood still takes the HistFactory path") {
    const auto pure = parse(goldenAsHs3(goldenCase("synthetic_all_modifiers")));
    CHECK(pure->compiled().general == nullptr);
    CHECK(parse(doc)->compiled().general != nullptr);
  }
}
