// The likelihood against pyhf: logpdf at the initial point and at random
// points for every golden workspace, the model's bookkeeping (parameter
// order, inits, bounds, fixed flags, auxiliary data), and the exact gradient
// against central finite differences.

#include <catch2/catch.hpp>

#include <cmath>

#include "golden.hpp"
#include "hs3/model.hpp"

using hs3::test::relativeDifference;

TEST_CASE("the model's bookkeeping matches pyhf's", "[likelihood][golden]") {
  for (const auto& c : hs3::test::goldenCases()) {
    INFO("case " << c.name);
    const auto model = hs3::test::buildModel(c);
    const auto& expected = c.data["model"];
    const auto& names = expected["par_names"];
    REQUIRE(model->size() == names.size());
    for (std::size_t i = 0; i < model->size(); ++i) {
      const hs3::Parameter& p = model->parameters()[i];
      INFO("parameter " << i);
      CHECK(p.name == names[i].get<std::string>());
      CHECK(p.init == Approx(expected["suggested_init"][i].get<double>()));
      CHECK(p.lower ==
            Approx(expected["suggested_bounds"][i][0].get<double>()));
      CHECK(p.upper ==
            Approx(expected["suggested_bounds"][i][1].get<double>()));
      CHECK(p.fixed == expected["suggested_fixed"][i].get<bool>());
    }
    const auto& data = c.data["data"];
    REQUIRE(model->observedData().size() == data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
      CHECK(relativeDifference(model->observedData()[i], data[i].get<double>(),
                               1e-12) < 1e-12);
    }
    if (expected["poi_name"].is_string()) {
      CHECK(model->poiIndex() == expected["poi_index"].get<int>());
    }
  }
}

TEST_CASE("logpdf equals pyhf's to 1e-9 relative", "[likelihood][golden]") {
  double worst = 0.0;
  for (const auto& c : hs3::test::goldenCases()) {
    INFO("case " << c.name);
    const auto model = hs3::test::buildModel(c);
    hs3::Likelihood likelihood(model, model->observedData());

    std::vector<double> x = model->initialValues();
    const auto& atInit = c.data["logpdf_at_init"];
    const hs3::LogpdfParts parts = likelihood.logpdf(x.data());
    const double diff =
        relativeDifference(parts.total(), atInit["logpdf"].get<double>());
    worst = std::max(worst, diff);
    CHECK(diff < 1e-9);
    CHECK(relativeDifference(parts.main, atInit["main_logpdf"].get<double>()) <
          1e-9);
    CHECK(relativeDifference(parts.constraint,
                             atInit["constraint_logpdf"].get<double>()) < 1e-9);

    const auto expectedAtInit = model->expectedData(x);
    const auto& pyhfExpected = c.data["expected_data_at_init"];
    REQUIRE(expectedAtInit.size() == pyhfExpected.size());
    for (std::size_t i = 0; i < expectedAtInit.size(); ++i) {
      CHECK(relativeDifference(expectedAtInit[i], pyhfExpected[i].get<double>(),
                               1e-12) < 1e-9);
    }

    for (const auto& point : c.data["logpdf_at_points"]) {
      x = point["pars"].get<std::vector<double>>();
      const double value = likelihood.logpdf(x.data()).total();
      const double d = relativeDifference(value, point["logpdf"].get<double>());
      worst = std::max(worst, d);
      CHECK(d < 1e-9);
      const auto& mainExpected = point["expected_actualdata"];
      const auto& nu = likelihood.lastExpectedMain();
      for (std::size_t i = 0; i < mainExpected.size(); ++i) {
        CHECK(relativeDifference(nu[i], mainExpected[i].get<double>(), 1e-12) <
              1e-9);
      }
    }
  }
  WARN("largest relative difference from pyhf's logpdf: " << worst);
}

// Central differences of the main (Poisson) part with a step scaled to each
// parameter, plus the derivative of the constraint terms written out by
// hand: d/dtheta of -(a - theta)^2 / (2 sigma^2) is (a - theta) / sigma^2,
// and of a ln(tau theta) - tau theta it is a / theta - tau. The constraint
// part is not differenced numerically because a Poisson constraint with
// tau ~ 2e11 (ATLAS 3L) cancels terms of size 1e13 to an O(1) result, which
// leaves finite differences with nothing but round-off.
TEST_CASE("the gradient agrees with central finite differences",
          "[likelihood][gradient][golden]") {
  double worst = 0.0;
  for (const auto& c : hs3::test::goldenCases()) {
    INFO("case " << c.name);
    const auto model = hs3::test::buildModel(c);
    hs3::Likelihood likelihood(model, model->observedData());
    std::vector<std::vector<double>> points = {model->initialValues()};
    for (const auto& point : c.data["logpdf_at_points"]) {
      points.push_back(point["pars"].get<std::vector<double>>());
    }
    auto mainNll = [&likelihood](const std::vector<double>& at) {
      return -likelihood.logpdf(at.data()).main;
    };
    for (auto x : points) {
      std::vector<double> grad(x.size());
      likelihood.valueAndGradient(x.data(), grad.data());
      for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("parameter " << model->parameters()[i].name);
        const double h = 1e-4 * std::max(1.0, std::fabs(x[i]));
        const double keep = x[i];
        double f[4];
        const double offsets[4] = {-2, -1, 1, 2};
        for (int k = 0; k < 4; ++k) {
          x[i] = keep + offsets[k] * h;
          f[k] = mainNll(x);
        }
        x[i] = keep;
        // Five-point stencil, truncation error O(h^4).
        double numeric = (8 * (f[2] - f[1]) - (f[3] - f[0])) / (12 * h);
        const hs3::Constraint& con = model->constraints()[i];
        if (con.kind == hs3::ConstraintKind::kGaussian) {
          numeric -= (con.auxdata - x[i]) / (con.sigma * con.sigma);
        } else if (con.kind == hs3::ConstraintKind::kPoisson) {
          numeric -= con.auxdata / x[i] - con.tau;
        }
        const double diff =
            std::fabs(grad[i] - numeric) / std::max(1.0, std::fabs(grad[i]));
        worst = std::max(worst, diff);
        CHECK(diff < 1e-6);
      }
    }
  }
  WARN("largest relative gradient difference: " << worst);
}

// The constraint part differenced numerically too, where its terms are of
// ordinary size.
TEST_CASE("the full gradient agrees with finite differences",
          "[likelihood][gradient][golden]") {
  for (const auto& c : hs3::test::goldenCases()) {
    const auto model = hs3::test::buildModel(c);
    bool ordinary = true;
    for (const auto& con : model->constraints()) ordinary &= con.tau < 1e6;
    if (!ordinary) continue;
    INFO("case " << c.name);
    hs3::Likelihood likelihood(model, model->observedData());
    auto x = model->initialValues();
    std::vector<double> grad(x.size());
    likelihood.valueAndGradient(x.data(), grad.data());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double h = 1e-5 * std::max(1.0, std::fabs(x[i]));
      const double keep = x[i];
      x[i] = keep + h;
      const double up = likelihood.value(x.data());
      x[i] = keep - h;
      const double down = likelihood.value(x.data());
      x[i] = keep;
      const double numeric = (up - down) / (2 * h);
      CHECK(std::fabs(grad[i] - numeric) <=
            1e-6 * std::max(1.0, std::fabs(grad[i])));
    }
  }
}
