// The pitfalls of reference/hs3.md section 8 that no other test pins down:
// ROOT's spellings next to the spec's, helper functions ROOT marks
// roofit_skip, constraint factors shared between channels, ROOT's
// BinnedLikelihood attribute and the analysis keys in both spellings. Every
// number comes from /usr/bin/python3 with numpy and scipy (1.10); the
// expression that gave it is written beside it.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "gradient_check.hpp"
#include "hs3/error.hpp"
#include "hs3/load.hpp"
#include "hs3/model.hpp"
#include "load_error.hpp"

namespace {

using hs3::test::worstGradientError;
using nlohmann::json;

std::shared_ptr<const hs3::Model> load(const json& doc,
                                       const hs3::LoadOptions& options = {}) {
  return hs3::parseModel(doc.dump(), {}, options);
}

double nll(const std::shared_ptr<const hs3::Model>& model) {
  hs3::Likelihood likelihood(model, model->observedData());
  const std::vector<double> x = model->initialValues();
  return likelihood.value(x.data());
}

json gaussian(const std::string& name, const json& x, const json& mean,
              const json& sigma) {
  return {{"name", name},
          {"type", "gaussian_dist"},
          {"x", x},
          {"mean", mean},
          {"sigma", sigma}};
}

json unbinned(const std::string& axis, double lo, double hi,
              const std::vector<double>& values) {
  json entries = json::array();
  for (double v : values) entries.push_back({v});
  return {{"name", "d"},
          {"type", "unbinned"},
          {"axes", {{{"name", axis}, {"min", lo}, {"max", hi}}}},
          {"entries", entries}};
}

json point(const std::vector<std::pair<std::string, double>>& values) {
  json parameters = json::array();
  for (const auto& [name, value] : values) {
    parameters.push_back({{"name", name}, {"value", value}});
  }
  return {{{"name", "default_values"}, {"parameters", parameters}}};
}

// One distribution "p" on the data "d".
json single(const json& distributions, const json& data, const json& points,
            const json& functions = json::array()) {
  return {{"metadata", {{"hs3_version", "0.2"}}},
          {"distributions", distributions},
          {"functions", functions},
          {"data", {data}},
          {"parameter_points", points},
          {"likelihoods",
           {{{"name", "L"}, {"distributions", {"p"}}, {"data", {"d"}}}}}};
}

// Signal [1, 2] times mu = 1 and background [3, 4] with the given
// modifiers, observed [0, 5], next to the given distributions and
// functions.
json twoBinChannel(const json& backgroundModifiers, const json& others,
                   const json& functions,
                   const std::vector<std::pair<std::string, double>>& values) {
  json distributions = {
      {{"name", "model_SR"},
       {"type", "histfactory_dist"},
       {"axes", {{{"name", "obs"}, {"min", 0}, {"max", 2}, {"nbins", 2}}}},
       {"samples",
        {{{"name", "sig"},
          {"data", {{"contents", {1.0, 2.0}}}},
          {"modifiers", {{{"type", "normfactor"}, {"parameter", "mu"}}}}},
         {{"name", "bkg"},
          {"data", {{"contents", {3.0, 4.0}}}},
          {"modifiers", backgroundModifiers}}}}}};
  for (const json& d : others) distributions.push_back(d);
  return {
      {"metadata", {{"hs3_version", "0.2"}}},
      {"distributions", distributions},
      {"functions", functions},
      {"data",
       {{{"name", "obs_data"},
         {"type", "binned"},
         {"axes", {{{"name", "obs"}, {"min", 0}, {"max", 2}, {"nbins", 2}}}},
         {"contents", {0, 5}}}}},
      {"parameter_points", point(values)},
      {"likelihoods",
       {{{"name", "L"},
         {"distributions", {"model_SR"}},
         {"data", {"obs_data"}}}}}};
}

}  // namespace

TEST_CASE("ROOT's spellings read as the spec's", "[hs3][pitfalls]") {
  SECTION("numbers written as strings are constants") {
    // (1 + a x) / (1 + a / 2) on [0, 1] at a = 0.5:
    // -np.sum(np.log((1 + 0.5 * x) / 1.25)), x = [.1, .4, .7, .9]
    for (const json& one : {json(1.0), json("1.0")}) {
      INFO("leading coefficient " << one.dump());
      const auto model = load(single({{{"name", "p"},
                                       {"type", "polynomial_dist"},
                                       {"x", "x"},
                                       {"coefficients", {one, "a"}}}},
                                     unbinned("x", 0, 1, {0.1, 0.4, 0.7, 0.9}),
                                     point({{"a", 0.5}})));
      CHECK(nll(model) == Approx(-0.01020566458936878).epsilon(1e-12));
    }
  }
  SECTION("product_dist lists its factors under pdfs or factors") {
    // Two truncated Gaussians on [-5, 5]: scipy.stats.truncnorm logpdf of
    // x = [0.1, -0.4] (mean 0.2, sigma 1) plus y = [0.3, 1.2] (0, 2).
    json data = {{"name", "d"},
                 {"type", "unbinned"},
                 {"axes",
                  {{{"name", "x"}, {"min", -5}, {"max", 5}},
                   {{"name", "y"}, {"min", -5}, {"max", 5}}}},
                 {"entries", {{0.1, 0.3}, {-0.4, 1.2}}}};
    for (const std::string key : {"pdfs", "factors"}) {
      INFO("key " << key);
      const auto model = load(single(
          {{{"name", "p"}, {"type", "product_dist"}, {key, {"gx", "gy"}}},
           gaussian("gx", "x", "m", 1.0),
           gaussian("gy", "y", 0.0, 2.0)},
          data, point({{"m", 0.2}})));
      CHECK(nll(model) == Approx(5.413302517865144).epsilon(1e-12));
    }
  }
  SECTION("density_function_dist is self-normalised in either spelling") {
    // The function 3x taken as it is: -np.sum(np.log(3 * x)); normalised
    // over [0, 1] it would be 2x, with -ln L = 0.9083225622249782.
    for (const std::string key : {"selfnormalized", "selfNormalized"}) {
      INFO("key " << key);
      const auto model =
          load(single({{{"name", "p"},
                        {"type", "density_function_dist"},
                        {"function", "f"},
                        {key, true}}},
                      unbinned("x", 0, 1, {0.1, 0.4, 0.7, 0.9}), point({}),
                      {{{"name", "f"},
                        {"type", "generic_function"},
                        {"expression", "3*x"}}}));
      CHECK(nll(model) == Approx(-0.7135378702076796).epsilon(1e-12));
    }
  }
  SECTION("extend_pdf with pdf and norm is rate_extended_dist") {
    // Truncated Gaussian (mean 0.3, sigma 1, [-5, 5]) of four events and
    // Poisson(4 | 3) without ln 4!: -(truncnorm.logpdf(x).sum() +
    // poisson(3).logpmf(4) + np.log(24))
    const std::vector<std::vector<std::string>> spellings = {
        {"extend_pdf", "pdf", "norm"}, {"rate_extended_dist", "dist", "rate"}};
    for (const auto& s : spellings) {
      INFO("type " << s[0]);
      const auto model = load(
          single({{{"name", "p"}, {"type", s[0]}, {s[1], "g"}, {s[2], "n"}},
                  gaussian("g", "x", "m", 1.0)},
                 unbinned("x", -5, 5, {0.1, 0.4, -0.7, 0.9}),
                 point({{"m", 0.3}, {"n", 3.0}})));
      CHECK(nll(model) == Approx(2.986299543307382).epsilon(1e-12));
      CHECK(worstGradientError(model, model->initialValues()) < 1e-6);
    }
  }
  SECTION("expressions with ^, ** and TMath:: remnants") {
    // exp(-((x - m) / s)^2 / 2) on [-3, 3] at m = 0.2, s = 0.8:
    // -(norm(0.2, 0.8).logpdf(x).sum() - 3 * np.log(cdf(3) - cdf(-3)))
    for (const std::string expression :
         {"exp(-0.5*((x-m)/s)^2)", "exp(-0.5*((x-m)/s)**2)",
          "TMath::Exp(-0.5*TMath::Power((x-m)/s,2))"}) {
      INFO(expression);
      const auto model = load(single({{{"name", "p"},
                                       {"type", "generic_dist"},
                                       {"expression", expression}}},
                                     unbinned("x", -3, 3, {0.1, 0.5, -1.0}),
                                     point({{"m", 0.2}, {"s", 0.8}})));
      CHECK(nll(model) == Approx(3.2897169399083266).epsilon(1e-8));
    }
  }
}

TEST_CASE("helper functions ROOT tags roofit_skip are real functions",
          "[hs3][pitfalls]") {
  // RooLognormal(m0 = 2, k = 1.5) exported with its log helpers, in a file
  // of ROOT's test version 0.1.90: scipy.stats.lognorm(s=np.log(1.5),
  // scale=2) truncated to [0.5, 10] at x = [1.2, 2.5, 4.0].
  json doc = single({{{"name", "p"},
                      {"type", "lognormal_dist"},
                      {"x", "x"},
                      {"mu", "m0_lognormal_log"},
                      {"sigma", "k_lognormal_log"}}},
                    unbinned("x", 0.5, 10, {1.2, 2.5, 4.0}),
                    point({{"m0", 2.0}, {"k", 1.5}}),
                    {{{"name", "m0_lognormal_log"},
                      {"type", "generic_function"},
                      {"expression", "log(m0)"}},
                     {{"name", "k_lognormal_log"},
                      {"type", "generic_function"},
                      {"expression", "log(k)"}}});
  doc["metadata"]["hs3_version"] = "0.1.90";
  doc["misc"]["ROOT_internal"]["attributes"] = {
      {"m0_lognormal_log", {{"tags", {"roofit_skip"}}}},
      {"k_lognormal_log", {{"tags", {"roofit_skip"}}}}};
  const auto model = load(doc);
  CHECK(nll(model) == Approx(4.9387735071123355).epsilon(1e-10));
  CHECK(worstGradientError(model, model->initialValues()) < 1e-6);
}

TEST_CASE("a constraint shared by channels counts once per likelihood",
          "[hs3][pitfalls]") {
  // Two channels, each a product of its shape and the same constraint on
  // alpha, as ROOT writes them. RooFit collects constraints into one set,
  // so the likelihood has the constraint once, also when the likelihood
  // lists it among its aux_distributions as well. At m = 0.2, alpha = 0.5:
  // truncnorm on [-5, 5] of x = [0.1, 0.5] (mean m + alpha, sigma 1) and
  // y = [1.1, -0.5, 2.0] (mean m + 1, sigma 2), plus norm(0.5, 1).logpdf(0).
  json doc = {
      {"metadata", {{"hs3_version", "0.2"}}},
      {"distributions",
       {{{"name", "model_A"},
         {"type", "product_dist"},
         {"factors", {"shapeA", "alpha_constraint"}}},
        {{"name", "model_B"},
         {"type", "product_dist"},
         {"factors", {"shapeB", "alpha_constraint"}}},
        gaussian("shapeA", "x", "mA", 1.0),
        gaussian("shapeB", "y", "mB", 2.0),
        gaussian("alpha_constraint", "nom_alpha", "alpha", 1.0)}},
      {"functions",
       {{{"name", "mA"}, {"type", "sum"}, {"summands", {"m", "alpha"}}},
        {{"name", "mB"}, {"type", "sum"}, {"summands", {"m", 1.0}}}}},
      {"data",
       {{{"name", "dA"},
         {"type", "unbinned"},
         {"axes", {{{"name", "x"}, {"min", -5}, {"max", 5}}}},
         {"entries", {{0.1}, {0.5}}}},
        {{"name", "dB"},
         {"type", "unbinned"},
         {"axes", {{{"name", "y"}, {"min", -5}, {"max", 5}}}},
         {"entries", {{1.1}, {-0.5}, {2.0}}}}}},
      {"parameter_points",
       {{{"name", "default_values"},
         {"parameters",
          {{{"name", "m"}, {"value", 0.2}},
           {{"name", "alpha"}, {"value", 0.5}},
           {{"name", "nom_alpha"}, {"value", 0.0}, {"const", true}}}}}}},
      {"likelihoods",
       {{{"name", "L"},
         {"distributions", {"model_A", "model_B"}},
         {"data", {"dA", "dB"}}}}}};
  const double expected = 8.270154682969041;
  SECTION("in two channels") {
    const auto model = load(doc);
    CHECK(nll(model) == Approx(expected).epsilon(1e-12));
    CHECK(worstGradientError(model, model->initialValues()) < 1e-6);
  }
  SECTION("in two channels and the aux terms") {
    doc["likelihoods"][0]["aux_distributions"] = {"alpha_constraint",
                                                  "alpha_constraint"};
    const auto model = load(doc);
    CHECK(nll(model) == Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("ROOT's BinnedLikelihood attribute gives per-bin Poisson counts",
          "[hs3][pitfalls]") {
  // A Gaussian (mean 1.2, sigma 0.8, truncated to [0, 3]) on binned data
  // with edges [0, 1, 1.5, 3] and counts [5, 9, 4]. Tagged, ROOT's binned
  // likelihood: nu = N * pdf(centre) * width with N the observed total 18,
  // or the rate 20 when extended; -poisson(nu).logpmf(n).sum(). Untagged:
  // bin centres weighted by the counts, -np.sum(n * np.log(pdf(centre))).
  json doc = {{"metadata", {{"hs3_version", "0.2"}}},
              {"distributions",
               {gaussian("g", "m", "mu", 0.8),
                {{"name", "e"},
                 {"type", "rate_extended_dist"},
                 {"dist", "g"},
                 {"rate", "nu"}}}},
              {"data",
               {{{"name", "h"},
                 {"type", "binned"},
                 {"axes", {{{"name", "m"}, {"edges", {0, 1, 1.5, 3}}}}},
                 {"contents", {5, 9, 4}}}}},
              {"parameter_points",
               {{{"name", "default_values"},
                 {"parameters",
                  {{{"name", "mu"}, {"value", 1.2}},
                   {{"name", "nu"}, {"value", 20.0}}}}}}},
              {"misc",
               {{"ROOT_internal",
                 {{"attributes",
                   {{"g", {{"tags", {"BinnedLikelihood"}}}},
                    {"e", {{"tags", {"BinnedLikelihood"}}}}}}}}}}};
  hs3::LoadOptions options;
  options.data = "h";
  options.distribution = "g";
  const auto shape = load(doc, options);
  CHECK(nll(shape) == Approx(7.465032094771412).epsilon(1e-12));
  CHECK(worstGradientError(shape, shape->initialValues()) < 1e-6);
  options.distribution = "e";
  const auto extended = load(doc, options);
  CHECK(nll(extended) == Approx(7.533938046944631).epsilon(1e-12));
  CHECK(worstGradientError(extended, extended->initialValues()) < 1e-6);

  doc.erase("misc");
  options.distribution = "g";
  CHECK(nll(load(doc, options)) == Approx(16.419329384957226).epsilon(1e-12));
}

TEST_CASE("analyses in the spec's and in ROOT's spelling", "[hs3][pitfalls]") {
  json doc = single(json::array({gaussian("p", "x", "m", "s")}),
                    unbinned("x", -5, 5, {0.1, 0.4, -0.7, 0.9}),
                    point({{"m", 0.3}, {"s", 1.0}}));
  doc["domains"] = {{{"name", "default_domain"},
                     {"type", "product_domain"},
                     {"axes",
                      {{{"name", "m"}, {"min", -5}, {"max", 5}},
                       {{"name", "s"}, {"min", 0.1}, {"max", 5}}}}},
                    {{"name", "tight"},
                     {"type", "product_domain"},
                     {"axes", {{{"name", "m"}, {"min", -1}, {"max", 2}}}}}};
  const json spec = {{"name", "A"},
                     {"likelihood", "L"},
                     {"parameter_of_interest", {"m"}},
                     {"domain", "tight"},
                     {"init", "default_values"}};
  const json root = {{"name", "A"},
                     {"likelihood", "L"},
                     {"parameters_of_interest", {"m"}},
                     {"domains", {"tight", "default_domain"}}};
  for (const json& analysis : {spec, root}) {
    INFO(analysis.dump());
    doc["analyses"] = json::array({analysis});
    const auto model = load(doc);
    const hs3::Parameter& m = model->parameters()[model->poiIndex()];
    CHECK(m.name == "m");
    CHECK(m.lower == -1.0);
    CHECK(m.upper == 2.0);
    const hs3::Parameter& s = model->parameters()[model->parameterIndex("s")];
    CHECK(s.lower == 0.1);
    CHECK(s.upper == 5.0);
  }
}

TEST_CASE("HistFactory constraint words as ROOT and the spec spell them",
          "[hs3][pitfalls]") {
  // Signal [1, 2] times mu = 1 and background [3, 4] times a normsys
  // (hi 1.1, lo 0.9, code 4) at alpha = 0.5; data [0, 5]. The code-4
  // factor f(0.5) = 1.0493149154270232 from the polynomial of
  // reference/hs3.md 4.8.3; -ln L = -(poisson(nu).logpmf(n).sum() +
  // norm(0, 1).logpdf(0.5)) with nu = [1 + 3 f, 2 + 4 f]. ROOT's Const
  // leaves alpha fixed and unconstrained: the Gaussian term drops out.
  auto channel = [](const std::string& word) {
    const json normsys = {{"type", "normsys"},
                          {"name", "ns"},
                          {"parameter", "alpha_ns"},
                          {"constraint", word},
                          {"data", {{"hi", 1.1}, {"lo", 0.9}}}};
    return twoBinChannel(json::array({normsys}), json::array(), json::array(),
                         {{"mu", 1.0}, {"alpha_ns", 0.5}});
  };
  for (const std::string word : {"Gauss", "Lognormal", "LogNormal"}) {
    INFO(word);
    CHECK(nll(load(channel(word))) == Approx(7.05609866248802).epsilon(1e-12));
  }
  const auto fixed = load(channel("Const"));
  CHECK(nll(fixed) == Approx(6.012160129283348).epsilon(1e-12));
  CHECK(fixed->parameters()[fixed->parameterIndex("alpha_ns")].fixed);
  // Converted HS3 to HS3, Const stays Const.
  const auto again = hs3::parseModel(
      hs3::convertModel(channel("Const").dump(), {}, "hs3", {}), {}, {});
  CHECK(nll(again) == Approx(6.012160129283348).epsilon(1e-12));
  CHECK(again->parameters()[again->parameterIndex("alpha_ns")].fixed);
}

TEST_CASE("newest ROOT names the distribution that constrains a modifier",
          "[hs3][pitfalls]") {
  // The channel of the constraint-word test above, with alpha_ns = 0.5
  // constrained by the Gaussian the modifier names: -ln L =
  // -(poisson(nu).logpmf(n).sum() + norm(nominal, sigma).logpdf(0.5)).
  const json normsys = {{"type", "normsys"},
                        {"name", "ns"},
                        {"parameter", "alpha_ns"},
                        {"constraint", "alpha_nsConstraint"},
                        {"data", {{"hi", 1.1}, {"lo", 0.9}}}};
  auto withWidth = [&](double nominal, double sigma) {
    return twoBinChannel(
        json::array({normsys}),
        json::array({gaussian("alpha_nsConstraint", "alpha_ns", "nom_alpha_ns",
                              sigma)}),
        json::array(),
        {{"mu", 1.0}, {"alpha_ns", 0.5}, {"nom_alpha_ns", nominal}});
  };
  CHECK(nll(load(withWidth(0.0, 1.0))) ==
        Approx(7.05609866248802).epsilon(1e-12));
  CHECK(nll(load(withWidth(0.0, 0.5))) ==
        Approx(6.737951481928076).epsilon(1e-12));
  const auto shifted = load(withWidth(0.2, 0.5));
  CHECK(nll(shifted) == Approx(6.417951481928076).epsilon(1e-12));
  CHECK(worstGradientError(shifted, shifted->initialValues()) < 1e-6);
  // pyhf states such a Gaussian in its measurement (auxdata, sigmas); the
  // conversions keep it both ways.
  const std::string pyhf =
      hs3::convertModel(withWidth(0.2, 0.5).dump(), {}, "pyhf", {});
  const std::string hs3Again = hs3::convertModel(pyhf, {}, "hs3", {});
  for (const std::string& converted : {pyhf, hs3Again}) {
    CHECK(nll(hs3::parseModel(converted, {}, {})) ==
          Approx(6.417951481928076).epsilon(1e-12));
  }

  // A width that is a free parameter is fitted, not frozen: the graph
  // evaluates that Gaussian, and s keeps its gradient.
  json freeWidth = withWidth(0.0, 1.0);
  freeWidth["distributions"][1]["sigma"] = "s";
  freeWidth["parameter_points"][0]["parameters"].push_back(
      {{"name", "s"}, {"value", 0.5}});
  const auto fitted = load(freeWidth);
  CHECK(nll(fitted) == Approx(6.737951481928076).epsilon(1e-12));
  CHECK_FALSE(fitted->parameters()[fitted->parameterIndex("s")].fixed);
  CHECK(worstGradientError(fitted, fitted->initialValues()) < 1e-6);

  // ROOT keeps both terms when another modifier of alpha_ns builds its own
  // N(0, 1), whichever sample comes first. With the normsys on both
  // samples, nu = [4 f, 6 f]: -(poisson(nu).logpmf(n).sum() +
  // norm(0, 1).logpdf(0.5) + norm(0, 0.5).logpdf(0.5)).
  json ownFirst = withWidth(0.0, 0.5);
  json own = normsys;
  own.erase("constraint");
  ownFirst["distributions"][0]["samples"][0]["modifiers"].push_back(own);
  json namedFirst = ownFirst;
  std::swap(namedFirst["distributions"][0]["samples"][0]["modifiers"][1],
            namedFirst["distributions"][0]["samples"][1]["modifiers"][0]);
  CHECK(nll(load(ownFirst)) == Approx(7.85088598813278).epsilon(1e-12));
  CHECK(nll(load(namedFirst)) == Approx(7.85088598813278).epsilon(1e-12));

  json missing = withWidth(0.0, 1.0);
  missing["distributions"].erase(1);
  const hs3::Error e = hs3::test::loadError(missing.dump());
  CHECK(e.code() == hs3::ErrorCode::kUnknownName);
  CHECK(e.path() == "distributions[0].samples[1].modifiers[0].constraint");
}

TEST_CASE("a shapesys constrains each bin by the distribution it names",
          "[hs3][pitfalls]") {
  // Background [3, 4] times gamma = [1.05, 0.9]; bin 0 is constrained by
  // ROOT's Poisson(tau | gamma tau) with tau = 1 / 0.1^2 = 100, bin 1 by
  // nothing (null): -(poisson([1 + 3 * 1.05, 2 + 4 * 0.9]).logpmf([0, 5])
  // .sum() + poisson(105).logpmf(100)). A Poisson term on bin 1 as well
  // (tau = 25) would give 11.932721786608845.
  const json shapesys = {{"type", "shapesys"},
                         {"name", "bkg_shape"},
                         {"parameters", {"gamma_b0", "gamma_b1"}},
                         {"constraints", {"gamma_b0Constraint", nullptr}},
                         {"data", {{"vals", {0.1, 0.2}}}}};
  const json poisson = {{"name", "gamma_b0Constraint"},
                        {"type", "poisson_dist"},
                        {"x", "nom_gamma_b0"},
                        {"mean", "gamma_b0_poisMean"}};
  const json poisMean = {{"name", "gamma_b0_poisMean"},
                         {"type", "product"},
                         {"factors", {"gamma_b0", "gamma_b0_tau"}}};
  const auto model = load(twoBinChannel(
      json::array({shapesys}), json::array({poisson}), json::array({poisMean}),
      {{"mu", 1.0},
       {"gamma_b0", 1.05},
       {"gamma_b1", 0.9},
       {"nom_gamma_b0", 100.0},
       {"gamma_b0_tau", 100.0}}));
  CHECK(nll(model) == Approx(9.266999293887679).epsilon(1e-12));
  CHECK(worstGradientError(model, model->initialValues()) < 1e-6);

  // HS3 to HS3 keeps the free, unconstrained bin 1: pyhf's rules would
  // give it a constraint. Without bin 0's Poisson term the value is
  // -poisson([4.15, 5.6]).logpmf([0, 5]).sum().
  json allFree =
      twoBinChannel(json::array({shapesys}), json::array(), json::array(),
                    {{"mu", 1.0}, {"gamma_b0", 1.05}, {"gamma_b1", 0.9}});
  allFree["distributions"][0]["samples"][1]["modifiers"][0]["constraints"] = {
      nullptr, nullptr};
  const std::string again = hs3::convertModel(allFree.dump(), {}, "hs3", {});
  for (const std::string& text : {allFree.dump(), again}) {
    CHECK(nll(hs3::parseModel(text, {}, {})) ==
          Approx(5.923658754076528).epsilon(1e-12));
  }

  json wrongLength =
      twoBinChannel(json::array({shapesys}), json::array({poisson}),
                    json::array({poisMean}), {});
  wrongLength["distributions"][0]["samples"][1]["modifiers"][0]["constraints"] =
      json::array({"gamma_b0Constraint"});
  const hs3::Error e = hs3::test::loadError(wrongLength.dump());
  CHECK(e.code() == hs3::ErrorCode::kShapeMismatch);
  CHECK(e.path() == "distributions[0].samples[1].modifiers[0].constraints");
}

TEST_CASE("a custom modifier scales a sample by a function of the file",
          "[hs3][pitfalls]") {
  // Signal [1, 2] times mu = 1 and k = xs * br = 1.5 * 0.8 (a custom
  // normalisation); background [3, 4] times 1 + a * obs at the bin centres
  // 0.5 and 1.5 with a = 0.1 (a custom shape). nu = [4.35, 7.0], observed
  // [2, 5]: -poisson(nu).logpmf(n).sum().
  json doc = twoBinChannel(
      json::array({{{"type", "custom"}, {"name", "slope"}}}), json::array(),
      {{{"name", "k"}, {"type", "product"}, {"factors", {"xs", "br"}}},
       {{"name", "slope"},
        {"type", "generic_function"},
        {"expression", "1 + a * obs"}}},
      {{"mu", 1.0}, {"xs", 1.5}, {"br", 0.8}, {"a", 0.1}});
  doc["distributions"][0]["samples"][0]["modifiers"].push_back(
      {{"type", "custom"}, {"name", "k"}});
  doc["data"][0]["contents"] = {2, 5};
  const auto model = load(doc);
  CHECK(nll(model) == Approx(4.16073648786424).epsilon(1e-12));
  const std::vector<double> expected =
      model->expectedData(model->initialValues());
  REQUIRE(expected.size() == 2);
  CHECK(expected[0] == Approx(4.35).epsilon(1e-14));
  CHECK(expected[1] == Approx(7.0).epsilon(1e-14));
  // The fit sees the function's parameters, not the factors.
  CHECK(model->parameters().size() == 4);
  CHECK(worstGradientError(model, model->initialValues()) < 1e-6);

  json unknown = doc;
  unknown["distributions"][0]["samples"][0]["modifiers"][1]["name"] = "nope";
  const hs3::Error e = hs3::test::loadError(unknown.dump());
  CHECK(e.code() == hs3::ErrorCode::kUnknownName);
  CHECK(e.path() == "distributions[0].samples[0].modifiers[1].name");
}

TEST_CASE("a parameter constant in any point is a global observable",
          "[hs3][pitfalls]") {
  // ROOT writes nom_m as const only in its "nominal" point; fits hold it
  // constant all the same. Said explicitly in the chosen point, the
  // chosen point wins.
  json doc = single(json::array({gaussian("p", "x", "m", 1.0),
                                 gaussian("mConstraint", "nom_m", "m", 1.0)}),
                    unbinned("x", -5, 5, {1.0, 2.0}),
                    point({{"m", 0.5}, {"nom_m", 0.0}}));
  doc["parameter_points"].push_back(
      {{"name", "nominal"},
       {"parameters", {{{"name", "nom_m"}, {"value", 0.0}, {"const", true}}}}});
  doc["likelihoods"][0]["aux_distributions"] = {"mConstraint"};
  const auto model = load(doc);
  CHECK(model->parameters()[model->parameterIndex("nom_m")].fixed);
  CHECK_FALSE(model->parameters()[model->parameterIndex("m")].fixed);
  doc["parameter_points"][0]["parameters"][1]["const"] = false;
  const auto freed = load(doc);
  CHECK_FALSE(freed->parameters()[freed->parameterIndex("nom_m")].fixed);
}

TEST_CASE("a Poisson count of zero is -lambda", "[hs3][pitfalls]") {
  // poisson_dist at x = 0: -poisson(2.5).logpmf(0) = 2.5, with no 0 ln 0.
  const auto model = load(single(
      {{{"name", "p"}, {"type", "poisson_dist"}, {"x", "n"}, {"mean", "lam"}}},
      unbinned("n", 0, 100, {0.0}), point({{"lam", 2.5}})));
  CHECK(nll(model) == Approx(2.5).epsilon(1e-14));
  CHECK(worstGradientError(model, model->initialValues()) < 1e-6);
}

TEST_CASE("a sample interpolated below zero counts as zero, as in ROOT",
          "[hs3][pitfalls]") {
  // Signal 1 with a histosys down template of -4, background 10, 8 events.
  // Below alpha = -1 code 4p is linear, so the signal would be 1 + 5 alpha
  // < 0; ROOT holds it at 0 (positiveDefinite), and the expected count is
  // the background's 10 for every alpha <= -0.2. Only the Gaussian
  // constraint of alpha then moves: -ln L(alpha) = const + alpha^2 / 2, so
  // -ln L(-1.5) + ln L(-1.2) = (2.25 - 1.44) / 2 = 0.405 and the slope at
  // -1.5 is -1.5. pyhf's rule, without the clamp, would give nu = 10 - 6.5.
  const json doc = {
      {"metadata", {{"hs3_version", "0.2"}}},
      {"distributions",
       {{{"name", "model_SR"},
         {"type", "histfactory_dist"},
         {"axes", {{{"name", "obs"}, {"min", 0}, {"max", 1}, {"nbins", 1}}}},
         {"samples",
          {{{"name", "signal"},
            {"data", {{"contents", {1.0}}}},
            {"modifiers",
             {{{"name", "shape"},
               {"parameter", "alpha_shape"},
               {"type", "histosys"},
               {"data",
                {{"hi", {{"contents", {2.0}}}},
                 {"lo", {{"contents", {-4.0}}}}}}}}}},
           {{"name", "background"},
            {"data", {{"contents", {10.0}}}},
            {"modifiers", json::array()}}}}}}},
      {"data",
       {{{"name", "obs_data"},
         {"type", "binned"},
         {"axes", {{{"name", "obs"}, {"min", 0}, {"max", 1}, {"nbins", 1}}}},
         {"contents", {8}}}}},
      {"parameter_points",
       {{{"name", "default_values"},
         {"parameters", {{{"name", "alpha_shape"}, {"value", -1.5}}}}}}},
      {"likelihoods",
       {{{"name", "L"},
         {"distributions", {"model_SR"}},
         {"data", {"obs_data"}}}}}};
  const auto model = load(doc);
  hs3::Likelihood likelihood(model, model->observedData());
  std::vector<double> x = model->initialValues();
  const std::size_t alpha = model->parameterIndex("alpha_shape");
  std::vector<double> grad(x.size());
  const double atLow = likelihood.valueAndGradient(x.data(), grad.data());
  CHECK(grad[alpha] == Approx(-1.5).epsilon(1e-12));
  x[alpha] = -1.2;
  CHECK(atLow - likelihood.value(x.data()) == Approx(0.405).epsilon(1e-12));
  CHECK(model->expectedData(x)[0] == Approx(10.0).epsilon(1e-14));
  CHECK(worstGradientError(model, x) < 1e-6);
}
