// Fits, CLs tests, limits and significance against pyhf's numbers for every
// golden workspace, and against ROOT's numbers from pyhf's validation suite.

#include <catch2/catch.hpp>

#include <cmath>
#include <regex>

#include "golden.hpp"
#include "hs3/infer.hpp"

namespace {

using hs3::test::relativeDifference;

bool isKnownIssue(const hs3::test::GoldenCase& c) {
  return c.data.contains("known_issue");
}

// The golden limits of insensitive signal points were computed with the POI
// range widened (the notes say to what); the same range is used here.
std::vector<hs3::Parameter> parametersAsGolden(const hs3::test::GoldenCase& c,
                                               const hs3::Model& model) {
  std::vector<hs3::Parameter> parameters = model.parameters();
  const std::regex widened(R"(widened to \[0, ([0-9.]+)\])");
  for (const auto& note :
       c.data["upper_limit_95"].value("notes", nlohmann::json::array())) {
    std::smatch match;
    const std::string text = note.get<std::string>();
    if (std::regex_search(text, match, widened)) {
      parameters[model.poiIndex()].upper = std::stod(match[1]);
    }
  }
  return parameters;
}

void checkClose(double ours, double theirs, double rtol, double atol) {
  CHECK(std::fabs(ours - theirs) <= std::max(rtol * std::fabs(theirs), atol));
}

}  // namespace

TEST_CASE("fits reach pyhf's minimum", "[inference][fit][golden]") {
  for (const auto& c : hs3::test::goldenCases()) {
    INFO("case " << c.name);
    const auto model = hs3::test::buildModel(c);
    hs3::Likelihood likelihood(model, model->observedData());
    const hs3::FitResult fit = hs3::minimize(likelihood, model->parameters());
    CHECK(fit.isValid());
    const auto& mle = c.data["mle"];
    double reference = mle["twice_nll"];
    std::vector<double> bestfit = mle["bestfit"].get<std::vector<double>>();
    if (isKnownIssue(c)) {
      // pyhf's own fit stops at its start here (golden README); the
      // reference is a MIGRAD fit of pyhf's likelihood.
      const auto& robust = c.data["robust_reference_not_pyhf_output"];
      reference = robust["free_fit"]["twice_nll"];
      bestfit = robust["free_fit"]["pars"].get<std::vector<double>>();
    }
    CHECK(2 * fit.minValue <= reference + 1e-6);
    if (2 * fit.minValue < reference - 1e-3) {
      // A deeper minimum than pyhf's: pyhf stopped in a local minimum (for
      // validation_2bin_2channel_coupledhistosys, pyhf itself reaches
      // 29.3311 from another start, against 30.8004 from its default one),
      // so its parameters are not the best fit to compare with.
      WARN(c.name << ": deeper minimum than pyhf's by "
                  << reference - 2 * fit.minValue);
      continue;
    }
    const auto& hessian = mle["uncertainties_numerical_hessian"];
    for (std::size_t i = 0; i < model->size(); ++i) {
      const hs3::Parameter& p = model->parameters()[i];
      if (p.fixed) continue;
      INFO("parameter " << p.name);
      const double sigma = hessian[i].get<double>();
      if (!(sigma > 0)) continue;
      CHECK(std::fabs(fit.values[i] - bestfit[i]) <= 0.01 * sigma);
      const bool nearBound = fit.values[i] - p.lower < 2 * sigma ||
                             p.upper - fit.values[i] < 2 * sigma;
      if (!nearBound && !isKnownIssue(c)) {
        CHECK(relativeDifference(fit.errors[i], sigma) < 0.01);
      }
    }
  }
}

TEST_CASE("CLs at mu = 1 matches pyhf", "[inference][cls][golden]") {
  for (const auto& c : hs3::test::goldenCases()) {
    const auto& h = c.data["hypotest_mu1_qtilde"];
    if (!h.contains("CLs_obs")) continue;
    INFO("case " << c.name);
    const auto model = hs3::test::buildModel(c);
    hs3::Inference inference(model, model->observedData());
    const hs3::HypotestResult r = inference.hypotest(1.0);
    double cls = h["CLs_obs"];
    auto band = h["CLs_exp_band(-2,-1,0,+1,+2 sigma)"];
    if (isKnownIssue(c)) {
      const auto& robust = c.data["robust_reference_not_pyhf_output"];
      cls = robust["CLs_obs"];
      band = robust["CLs_exp_band"];
    }
    if (r.twiceNllFreeData < c.data["mle"]["twice_nll"].get<double>() - 1e-3) {
      WARN(c.name << ": pyhf's CLs rests on a local minimum; see the ROOT "
                     "validation test for this model");
      continue;
    }
    CHECK(std::isfinite(r.cls));
    checkClose(r.cls, cls, 1e-3, 1e-6);
    for (int k = 0; k < 5; ++k)
      checkClose(r.clsExpected[k], band[k], 1e-3, 1e-6);
  }
}

TEST_CASE("upper limits match pyhf's", "[inference][limit][golden]") {
  for (const auto& c : hs3::test::goldenCases()) {
    if (isKnownIssue(c)) continue;
    const auto& golden = c.data["upper_limit_95"];
    if (!golden["toms748"].contains("obs")) continue;
    INFO("case " << c.name);
    const auto model = hs3::test::buildModel(c);
    hs3::InferenceOptions options;
    options.parameters = parametersAsGolden(c, *model);
    hs3::Inference inference(model, model->observedData(), options);
    const hs3::FitResult free = inference.fit();
    if (2 * free.minValue < c.data["mle"]["twice_nll"].get<double>() - 1e-3) {
      continue;  // pyhf's limits rest on a local minimum (see above)
    }
    const hs3::UpperLimitResult limit = inference.upperLimit(0.95);
    CHECK(limit.observedFound);
    checkClose(limit.observed, golden["toms748"]["obs"], 1e-3, 0);
    for (int k = 0; k < 5; ++k) {
      CHECK(limit.expectedFound[k]);
      checkClose(limit.expected[k], golden["toms748"]["exp(-2..+2 sigma)"][k],
                 1e-3, 0);
    }

    const auto& scan = golden["linear_scan"];
    const auto grid = scan["grid"].get<std::vector<double>>();
    const hs3::UpperLimitResult fromGrid =
        inference.upperLimitFromGrid(grid, 0.95);
    checkClose(fromGrid.observed, scan["obs"], 1e-3, 0);
    for (int k = 0; k < 5; ++k) {
      checkClose(fromGrid.expected[k], scan["exp(-2..+2 sigma)"][k], 1e-3, 0);
    }
  }
}

TEST_CASE("discovery significance matches pyhf", "[inference][q0][golden]") {
  for (const auto& c : hs3::test::goldenCases()) {
    if (isKnownIssue(c) || !c.data.contains("discovery_q0")) continue;
    const auto& q0 = c.data["discovery_q0"];
    if (!q0.contains("p0_obs")) continue;
    INFO("case " << c.name);
    const auto model = hs3::test::buildModel(c);
    hs3::Inference inference(model, model->observedData());
    if (2 * inference.fit().minValue <
        c.data["mle"]["twice_nll"].get<double>() - 1e-3) {
      continue;
    }
    const hs3::SignificanceResult s = inference.significance();
    checkClose(s.p0, q0["p0_obs"], 1e-3, 1e-6);
    checkClose(s.z, q0["Z_obs"], 1e-3, 2e-3);
    const auto& band = q0["p0_exp_band(-2..+2 sigma as returned)"];
    for (int k = 0; k < 5; ++k)
      checkClose(s.p0ExpectedBand[k], band[k], 1e-3, 1e-9);
  }
}

TEST_CASE("CLs matches ROOT's validation numbers", "[inference][root]") {
  const auto cases = hs3::test::goldenCases();
  for (const auto& row :
       hs3::test::goldenFile()["root_validation_from_pyhf_tests"]) {
    if (row["calctype"] != "asymptotics") continue;
    INFO("validation " << row["name"].get<std::string>());
    const std::string caseName = row["workspace_case"];
    const auto it =
        std::find_if(cases.begin(), cases.end(),
                     [&](const auto& c) { return c.name == caseName; });
    REQUIRE(it != cases.end());
    // pyhf's validation settings: normsys code1, histosys code0.
    hs3::ModelOptions settings;
    settings.normsys = hs3::Interpolation::kCode1;
    settings.histosys = hs3::Interpolation::kCode0;
    const auto model = hs3::Model::build(
        hs3::loadWorkspace(it->workspace, it->patches), settings);
    hs3::InferenceOptions options;
    options.statistic = hs3::parseTestStatistic(row["test_stat"]);
    hs3::Inference inference(model, model->observedData(), options);
    const hs3::HypotestResult r = inference.hypotest(row["mu"].get<double>());
    // ROOT's numbers carry the precision of ROOT's own fits, about 1e-4:
    // pyhf 0.7.6 with MIGRAD at tolerance 1e-7 and strategy 2 gives
    // 0.05522940 for couplednorm's exp[0], where ROOT has 0.05522270 and we
    // 0.05522926. So ROOT is compared at 5e-4, or pyhf's own test
    // tolerance where that is wider.
    const double rtol =
        std::max(row["pyhf_tolerance_rtol"].get<double>(), 5e-4);
    checkClose(r.cls, row["reference"]["obs"], rtol, 1e-9);
    for (int k = 0; k < 5; ++k) {
      checkClose(r.clsExpected[k], row["reference"]["exp"][k], rtol, 1e-9);
    }
  }
}

TEST_CASE(
    "a two-dimensional profile scan is the quadratic form near the "
    "minimum",
    "[inference][scan]") {
  // In the Gaussian limit, profiling the other parameters away leaves
  // 2 delta NLL = d^T C^-1 d, with C the 2x2 block of the fit covariance
  // (errordef 0.5: the covariance is the inverse Hessian of the NLL). At
  // offsets of 0.2 sigma the cubic terms are a few percent at most.
  const auto model = hs3::Model::build(
      hs3::loadWorkspace(std::string(HS3_SOURCE_DIR) + "/models/default.json"));
  hs3::Inference inference(model, model->observedData());
  hs3::FitOptions options;
  options.tolerance = 0.001;
  const hs3::FitResult fit = inference.fit({}, &options);
  REQUIRE(fit.isValid());
  const std::size_t a = model->parameterIndex("mu");
  const std::size_t b = model->parameterIndex("JES");
  const std::size_t n = model->size();
  const double caa = fit.covariance[a * n + a];
  const double cbb = fit.covariance[b * n + b];
  const double cab = fit.covariance[a * n + b];
  const double det = caa * cbb - cab * cab;
  const double sa = std::sqrt(caa), sb = std::sqrt(cbb);
  const std::vector<double> da = {-0.2 * sa, 0.0, 0.2 * sa};
  const std::vector<double> db = {-0.2 * sb, 0.0, 0.2 * sb};
  std::vector<double> va, vb;
  for (double d : da) va.push_back(fit.values[a] + d);
  for (double d : db) vb.push_back(fit.values[b] + d);
  const hs3::Scan2dResult scan = inference.scan2d("mu", va, "JES", vb);
  REQUIRE(scan.warnings.empty());
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      const double quadratic = (cbb * da[i] * da[i] - 2 * cab * da[i] * db[j] +
                                caa * db[j] * db[j]) /
                               det;
      INFO("offsets " << i << ", " << j);
      CHECK(scan.deltaTwiceNll[i * 3 + j] ==
            Approx(quadratic).epsilon(0.05).margin(1e-4));
    }
  }
}
