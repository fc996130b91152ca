// HS3 files in the layout ROOT wrote up to 6.28: objects keyed by name,
// `variables` maps, likelihoods with `dist` and `obs`, analyses with
// `pois`, parameter points keyed by parameter, the binning on each
// histfactory sample. The model below is the flatppl HistFactory fixture
// written that way, so the fixture's frozen numbers apply to it.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "golden.hpp"
#include "gradient_check.hpp"
#include "hs3/error.hpp"
#include "hs3/load.hpp"
#include "hs3/model.hpp"

namespace {

using nlohmann::json;

const char* const kLegacyChannel = R"({
  "analyses": [{"name": "main", "likelihoods": ["channel1"],
                "pois": ["mu"], "observables": ["obs_x_channel1"]}],
  "likelihoods": [{"name": "channel1", "dist": "model_channel1",
                   "obs": "observed_channel1"}],
  "distributions": {
    "model_channel1": {
      "type": "histfactory_dist",
      "statError": {"constraint": "Poisson", "relThreshold": 0.01},
      "samples": [
        {"name": "signal",
         "data": {"contents": [20, 10], "variables": {
           "obs_x_channel1": {"min": 1.0, "max": 2.0, "nbins": 2}}},
         "modifiers": [
           {"name": "syst1", "type": "normsys",
            "data": {"hi": 1.05, "lo": 0.95}},
           {"name": "mu", "type": "normfactor"}]},
        {"name": "background1",
         "data": {"contents": [100, 0], "errors": [5, 0], "variables": {
           "obs_x_channel1": {"min": 1.0, "max": 2.0, "nbins": 2}}},
         "modifiers": [
           {"name": "syst2", "type": "normsys",
            "data": {"hi": 1.05, "lo": 0.95}},
           {"name": "mcstat", "type": "staterror"}]},
        {"name": "background2",
         "data": {"contents": [0, 100], "errors": [0, 10], "variables": {
           "obs_x_channel1": {"min": 1.0, "max": 2.0, "nbins": 2}}},
         "modifiers": [
           {"name": "syst3", "type": "normsys",
            "data": {"hi": 1.05, "lo": 0.95}},
           {"name": "mcstat", "type": "staterror"}]}]}},
  "domains": [{"name": "default_domain", "type": "product_domain",
               "variables": [{"name": "mu", "min": 0.0, "max": 10.0}]}],
  "parameter_points": [{"name": "default_values", "mu": {"value": 1}}],
  "data": [{"name": "observed_channel1",
            "variables": {"obs_x_channel1": {"nbins": 2, "min": 1,
                                             "max": 2}},
            "contents": [122, 112]}]})";

}  // namespace

TEST_CASE("a pre-standard ROOT file reproduces the fixture's numbers",
          "[hs3][legacy]") {
  const json expected = json::parse(hs3::readTextFile(
      hs3::test::sharedPath("hs3/flatppl_histfactory/expected.json")));
  const json& check = expected["checks"][0];
  REQUIRE(check["kind"] == "twice_delta_nll_scan");
  const auto model = hs3::parseModel(kLegacyChannel, {}, {});
  CHECK(model->parameters()[model->poiIndex()].name == "mu");
  CHECK(model->parameters()[model->poiIndex()].upper == 10.0);

  // ROOT names the parameters of modifiers given only a name: normsys
  // alpha_<name>, staterror gamma_stat_<channel>_bin_<i>, the channel
  // being the distribution's name without "model_".
  const std::vector<std::string> names = {"mu",
                                          "alpha_syst1",
                                          "alpha_syst2",
                                          "alpha_syst3",
                                          "gamma_stat_channel1_bin_0",
                                          "gamma_stat_channel1_bin_1"};
  REQUIRE(check["scan_parameters"].size() == names.size());
  hs3::Likelihood likelihood(model, model->observedData());
  auto at = [&](const json& point) {
    std::vector<double> x = model->initialValues();
    for (std::size_t k = 0; k < names.size(); ++k) {
      x[model->parameterIndex(names[k])] = point[k].get<double>();
    }
    return x;
  };
  const std::vector<double> reference = at(check["points"][0]);
  const double base = likelihood.value(reference.data());
  for (std::size_t i = 0; i < check["points"].size(); ++i) {
    const std::vector<double> x = at(check["points"][i]);
    const double want = check["expected"][i].get<double>();
    INFO("point " << i);
    CHECK(2 * (likelihood.value(x.data()) - base) ==
          Approx(want).margin(check["atol"].get<double>() +
                              check["rtol"].get<double>() * std::abs(want)));
  }
  CHECK(hs3::test::worstGradientError(model, reference) < 1e-6);
}

TEST_CASE("a pre-standard file with a broken part still names it",
          "[hs3][legacy]") {
  json doc = json::parse(kLegacyChannel);
  doc["likelihoods"][0]["obs"] = "nowhere";
  try {
    hs3::parseModel(doc.dump(), {}, {});
    FAIL("no error");
  } catch (const hs3::Error& e) {
    CHECK(e.code() == hs3::ErrorCode::kUnknownName);
    CHECK(std::string(e.what()).find("nowhere") != std::string::npos);
  }
}
