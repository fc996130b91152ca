// projected_dist (RooProjectedPdf) against numbers computed independently of
// this engine with /usr/bin/python3 and scipy 1.10:
//
// - the exact path: scipy.stats.norm.pdf of each event over the Gaussian's
//   probability on [-5, 5], norm.cdf(5) - norm.cdf(-5);
// - the correlated density f = exp(-((x-m)^2 - 2 r (x-m) y + y^2) / 2) on
//   [-3, 3]^2 at r = 0.6, m = 0.1: -sum_i w_i log(quad(f(x_i, .)) /
//   dblquad(f)), both with epsabs=0, epsrel=1e-13. The per-event integrals
//   also agree to 4e-16 with the closed form exp(-u^2 (1-r^2)/2) sqrt(2 pi)
//   (Phi(3 - r u) - Phi(-3 - r u)), u = x - m.
//
// Gradients are checked against central differences with a step of 1e-5.
// The per-event rule may pick other cells at x +- h than at x, which moves
// the value by its true error, about 1e-15 relative here (the 15-point rule
// is exact to degree 22 on each cell; the 1e-10 tolerance applies to the
// far larger Kronrod-Gauss estimate): 1e-14 / 1e-5 leaves the difference
// quotient good to 1e-9, and its truncation error is about h^2 = 1e-10.

#include <catch2/catch.hpp>

#include <algorithm>
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

constexpr double kStep = 1e-5;

// A document with `distributions` (the one named "proj" paired with the data
// set `data`), the default domain `domain` and parameter values r = 0.6,
// m = 0.1, mu = 0.4, sigma = 1.3, c = -0.7.
std::string document(const std::string& distributions, const std::string& data,
                     const std::string& domain) {
  return R"({"metadata": {"hs3_version": "0.2"}, "distributions": [)" +
         distributions + R"(], "data": [)" + data +
         R"(], "domains": [{"name": "default_domain",
         "type": "product_domain", "axes": [)" +
         domain + R"(]}], "parameter_points": [{"name": "default_values",
         "parameters": [{"name": "r", "value": 0.6},
         {"name": "m", "value": 0.1}, {"name": "mu", "value": 0.4},
         {"name": "sigma", "value": 1.3}, {"name": "c", "value": -0.7}]}],
         "likelihoods": [{"name": "L", "distributions": ["proj"],
         "data": ["d"]}]})";
}

const char* const kCorrelated =
    R"json({"name": "f", "type": "generic_dist", "expression":
    "exp(-((x-m)*(x-m) - 2*r*(x-m)*y + y*y)/2)"})json";

const char* const kEvents = R"({"name": "d", "type": "unbinned",
    "axes": [{"name": "x", "min": -3, "max": 3}],
    "entries": [[-1.0], [0.2], [0.7], [2.5]]})";

const char* const kBox = R"({"name": "y", "min": -3, "max": 3},
    {"name": "r", "min": -0.9, "max": 0.9}, {"name": "m", "min": -2,
    "max": 2})";

std::shared_ptr<const hs3::Model> load(const std::string& text) {
  return hs3::parseModel(text, {}, {});
}

double nll(const std::shared_ptr<const hs3::Model>& model) {
  hs3::Likelihood likelihood(model, model->observedData());
  const std::vector<double> x = model->initialValues();
  return likelihood.value(x.data());
}

}  // namespace

TEST_CASE("projecting a product over its own factor's observable is exact",
          "[hs3][projection]") {
  // The exponential in y integrates to one and drops out, so y needs no
  // range; "unused" is no observable of the input and is ignored.
  const auto model = load(document(
      R"({"name": "gx", "type": "gaussian_dist", "x": "x", "mean": "mu",
      "sigma": "sigma"},
      {"name": "ey", "type": "exponential_dist", "x": "y", "c": "c"},
      {"name": "gxey", "type": "product_dist", "factors": ["gx", "ey"]},
      {"name": "proj", "type": "projected_dist", "input_pdf": "gxey",
      "observables": ["y", "unused"]})",
      R"({"name": "d", "type": "unbinned", "axes": [{"name": "x",
      "min": -5, "max": 5}], "entries": [[-0.5], [0.3], [1.2]]})",
      R"({"name": "mu", "min": -2, "max": 2})"));
  CHECK(nll(model) == Approx(3.9752082458996196).epsilon(1e-12));
  CHECK(worstGradientError(model, model->initialValues(), kStep) < 1e-6);
}

TEST_CASE("a correlated density is integrated over y for each event",
          "[hs3][projection]") {
  const std::string distributions =
      std::string(kCorrelated) +
      R"(, {"name": "proj", "type": "projected_dist", "input_pdf": "f",
      "observables": ["y"]})";

  SECTION("unbinned events") {
    const auto model = load(document(distributions, kEvents, kBox));
    CHECK(nll(model) == Approx(6.8727195503966438).epsilon(1e-8));
    CHECK(worstGradientError(model, model->initialValues(), kStep) < 1e-6);
  }
  SECTION("bin centres of binned data, weighted by the contents") {
    const auto model = load(document(
        distributions, R"({"name": "d", "type": "binned", "axes": [{"name":
        "x", "edges": [-3, -1, 1, 3]}], "contents": [2, 1, 3]})",
        kBox));
    CHECK(nll(model) == Approx(13.141830030128771).epsilon(1e-8));
    CHECK(worstGradientError(model, model->initialValues(), kStep) < 1e-6);
  }
  SECTION("a peak in y too narrow for the first cells") {
    // f = exp(-(x-m)^2/2 - ((y - 0.5 - 0.2 r x)/0.04)^2/2): on the 16
    // first cells the Kronrod and Gauss sums differ by 1e-3 to 1e-2 of the
    // integral, so the cells must be refined. scipy: quad over x of the
    // closed-form y integral, exp(-(x-m)^2/2) 0.04 sqrt(2 pi) (Phi((3-c)/
    // 0.04) - Phi((-3-c)/0.04)), c = 0.5 + 0.2 r x.
    const auto model = load(document(
        R"json({"name": "f", "type": "generic_dist", "expression":
        "exp(-(x-m)*(x-m)/2 - ((y - 0.5 - 0.2*r*x)/0.04)^2/2)"},
        {"name": "proj", "type": "projected_dist", "input_pdf": "f",
        "observables": ["y"]})json",
        kEvents, kBox));
    CHECK(nll(model) == Approx(7.3344043798715717).epsilon(1e-8));
    CHECK(worstGradientError(model, model->initialValues(), kStep) < 1e-6);
  }
  SECTION("a factor of y alone drops out beside the correlated one") {
    // ez integrates to one over z, which needs no range for that.
    const auto model = load(
        document(std::string(kCorrelated) +
                     R"(, {"name": "ez", "type": "exponential_dist", "x": "z",
            "c": "c"},
            {"name": "fez", "type": "product_dist", "factors": ["f", "ez"]},
            {"name": "proj", "type": "projected_dist", "input_pdf": "fez",
            "observables": ["y", "z"]})",
                 kEvents, kBox));
    CHECK(nll(model) == Approx(6.8727195503966438).epsilon(1e-8));
  }
}

TEST_CASE("the per-event integrals follow the data they are given",
          "[hs3][projection]") {
  // One likelihood on other event weights: each event alone, and a mix.
  const auto model = load(document(
      std::string(kCorrelated) +
          R"(, {"name": "proj", "type": "projected_dist", "input_pdf": "f",
          "observables": ["y"]})",
      kEvents, kBox));
  hs3::Likelihood likelihood(model, model->observedData());
  const std::vector<double> x = model->initialValues();
  struct Case {
    std::vector<double> weights;
    double expected;
  };
  const Case cases[] = {{{0, 2, 0, 1}, 5.2505132703859214},
                        {{1, 0, 0, 0}, 1.5084124800923564},
                        {{0, 0, 0, 1}, 3.0158172482929082},
                        {{1, 1, 1, 1}, 6.8727195503966438}};
  for (const Case& c : cases) {
    likelihood.setData(c.weights);
    CHECK(likelihood.value(x.data()) == Approx(c.expected).epsilon(1e-8));
    std::vector<double> grad(x.size());
    likelihood.valueAndGradient(x.data(), grad.data());
    for (std::size_t i = 0; i < x.size(); ++i) {
      std::vector<double> up = x, down = x;
      up[i] += kStep;
      down[i] -= kStep;
      const double fd =
          (likelihood.value(up.data()) - likelihood.value(down.data())) /
          (2 * kStep);
      CHECK(std::abs(grad[i] - fd) / std::max(1.0, std::abs(fd)) < 1e-6);
    }
  }
}

TEST_CASE("bad projections name their JSON path", "[hs3][projection]") {
  SECTION("an unknown input") {
    const hs3::Error e = hs3::test::loadError(document(
        R"({"name": "proj", "type": "projected_dist", "input_pdf": "nowhere",
        "observables": ["y"]})",
        kEvents, kBox));
    CHECK(e.code() == hs3::ErrorCode::kUnknownName);
    CHECK(e.path() == "distributions[0].input_pdf");
  }
  SECTION("an integrated observable without a finite range") {
    const hs3::Error e = hs3::test::loadError(
        document(std::string(kCorrelated) +
                     R"(, {"name": "proj", "type": "projected_dist",
            "input_pdf": "f", "observables": ["y"]})",
                 kEvents, R"({"name": "r", "min": -0.9, "max": 0.9})"));
    CHECK(e.code() == hs3::ErrorCode::kInvalidValue);
    CHECK(e.path() == "distributions[1].observables");
    CHECK(std::string(e.what()).find("'y'") != std::string::npos);
  }
  SECTION("more than three observables in all") {
    const hs3::Error e = hs3::test::loadError(document(
        R"json({"name": "f", "type": "generic_dist", "expression":
        "exp(-(x*x + y*y + z*z + w*w + r*x*y)/2)"},
        {"name": "proj", "type": "projected_dist", "input_pdf": "f",
        "observables": ["y", "z", "w"]})json",
        kEvents,
        R"({"name": "y", "min": -3, "max": 3}, {"name": "z", "min": -3,
        "max": 3}, {"name": "w", "min": -3, "max": 3})"));
    CHECK(e.code() == hs3::ErrorCode::kLimitExceeded);
  }
}
