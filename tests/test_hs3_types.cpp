// The less common HS3 distribution types, each in a small document of its
// own: the negative log-likelihood of a few unbinned events against scipy
// (/usr/bin/python3 with scipy 1.10; the expression that gave each number
// is written beside it), the gradient against central differences, and the
// errors bad input gives.

#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "dists/kernels.hpp"
#include "gradient_check.hpp"
#include "hs3/error.hpp"
#include "hs3/load.hpp"
#include "hs3/model.hpp"
#include "load_error.hpp"

namespace {

using hs3::test::worstGradientError;

// An HS3 document with the distributions `distributions` (the one named
// "pdf" is paired with the data), unbinned `entries` of one observable on
// [lo, hi], parameter values `parameters` ("name": value, ...) and the
// likelihood's optional aux_distributions, and optional functions.
std::string document(const std::string& distributions,
                     const std::string& observable, double lo, double hi,
                     const std::string& entries, const std::string& parameters,
                     const std::string& aux = "",
                     const std::string& functions = "") {
  std::string points;
  std::size_t start = 0;
  while (start < parameters.size()) {
    std::size_t end = parameters.find(',', start);
    if (end == std::string::npos) end = parameters.size();
    const std::string item = parameters.substr(start, end - start);
    const std::size_t colon = item.find(':');
    points += std::string(points.empty() ? "" : ", ") +
              "{\"name\": " + item.substr(0, colon) +
              ", \"value\":" + item.substr(colon + 1) + "}";
    start = end + 1;
  }
  return R"({"metadata": {"hs3_version": "0.2"}, "functions": [)" + functions +
         R"(], "distributions": [)" + distributions +
         R"(], "data": [{"name": "d", "type": "unbinned",
         "axes": [{"name": ")" +
         observable + R"(", "min": )" + std::to_string(lo) + R"(, "max": )" +
         std::to_string(hi) + R"(}], "entries": [)" + entries +
         R"(]}], "parameter_points": [{"name": "default_values",
         "parameters": [)" +
         points + R"(]}], "likelihoods": [{"name": "L", "distributions":
         ["pdf"], "data": ["d"])" +
         (aux.empty() ? "" : R"(, "aux_distributions": [)" + aux + "]") + "}]}";
}

std::shared_ptr<const hs3::Model> load(const std::string& text) {
  return hs3::parseModel(text, {}, {});
}

// The parameter vector of the file with `name` set to `value`.
std::vector<double> at(const hs3::Model& model,
                       std::vector<std::pair<std::string, double>> changes) {
  std::vector<double> x = model.initialValues();
  for (const auto& [name, value] : changes) {
    bool found = false;
    for (std::size_t i = 0; i < model.size(); ++i) {
      if (model.parameters()[i].name == name) {
        x[i] = value;
        found = true;
      }
    }
    REQUIRE(found);
  }
  return x;
}

double nll(const std::shared_ptr<const hs3::Model>& model,
           const std::vector<double>& x) {
  hs3::Likelihood likelihood(model, model->observedData());
  return likelihood.value(x.data());
}

// Tolerances: closed-form normalisations agree with scipy to rounding;
// numerical ones to the quadrature's accuracy.
constexpr double kClosedForm = 1e-11;
constexpr double kNumerical = 1e-8;

}  // namespace

TEST_CASE("log(erfc) stays finite where erfc underflows", "[hs3][types]") {
  // log_ndtr(-sqrt(2) x) + log(2) and -2 / sqrt(pi) / erfcx(x) from
  // scipy.special.
  struct Point {
    double x, value, slope;
  };
  for (const Point& point :
       {Point{-5.0, 0.6931471805591766, -7.835433265514691e-12},
        Point{0.5, -0.7350111298370848, -1.8327056412986986},
        Point{10.0, -102.87988902484493, -20.099024116734604},
        Point{19.999, -403.52929445708946, -40.04787825567437},
        Point{20.0, -403.5693433341044, -40.049875774108386},
        Point{30.0, -903.9741171106442, -60.03329639875622},
        Point{1000.0, -1000007.4801207221, -2000.000999999}}) {
    INFO("x = " << point.x);
    const auto got = hs3::kernels::logErfc(point.x);
    CHECK(got.value == Approx(point.value).epsilon(1e-13));
    CHECK(got.slope == Approx(point.slope).epsilon(1e-12));
  }
}

TEST_CASE("generalized_normal_dist against scipy.stats.gennorm",
          "[hs3][types]") {
  const auto model = load(document(
      R"({"name": "pdf", "type": "generalized_normal_dist", "x": "x",
          "mean": "mu", "alpha": "alpha", "beta": "beta"},
         {"name": "constraint", "type": "generalized_normal_dist", "x": "th",
          "mean": 0.0, "alpha": 0.8, "beta": 8})",
      "x", -3, 3, "[-1.0], [0.2], [0.9], [2.5]",
      R"("mu": 0.3, "alpha": 1.2, "beta": 1.7, "th": 0.4)", R"("constraint")"));
  const std::vector<double> x = model->initialValues();
  // g = gennorm(1.7, loc=0.3, scale=1.2);
  // -sum(g.logpdf(xs) - log(g.cdf(3) - g.cdf(-3))), xs = [-1, .2, .9, 2.5]
  const double events = 7.300955548455489;
  // -gennorm(8.0, loc=0, scale=0.8).logpdf(0.4): the constraint, normalised
  // in closed form over the whole line of th.
  const double constraint = 0.413886695119696;
  CHECK(nll(model, x) == Approx(events + constraint).epsilon(kNumerical));
  CHECK(worstGradientError(model, x) < 1e-6);
}

TEST_CASE("gamma_dist (RooGamma) against scipy.stats.gamma", "[hs3][types]") {
  const auto model =
      load(document(R"({"name": "pdf", "type": "gamma_dist", "x": "x",
                        "gamma": "g", "beta": "b", "mu": "m"})",
                    "x", 0.5, 8, "[0.7], [1.5], [3.0], [6.2]",
                    R"("g": 2.5, "b": 1.3, "m": 0.2)"));
  const std::vector<double> x = model->initialValues();
  // d = gamma(2.5, loc=0.2, scale=1.3);
  // -sum(d.logpdf(xs) - log(d.cdf(8) - d.cdf(0.5)))
  CHECK(nll(model, x) == Approx(8.16151877529992).epsilon(kNumerical));
  CHECK(worstGradientError(model, x) < 1e-6);
}

TEST_CASE("bifurkated_gaussian_dist on every side of its range",
          "[hs3][types]") {
  const auto model = load(
      document(R"({"name": "pdf", "type": "bifurkated_gaussian_dist", "x": "x",
                   "mean": "m", "sigmaL": "sl", "sigmaR": "sr"})",
               "x", -2, 5, "[-1.5], [0.4], [1.2], [3.9]",
               R"("m": 1.0, "sl": 0.7, "sr": 1.9)"));
  // With f the shape and Z = quad(f, -2, 5, points=[m]):
  // -sum(log(f(x) / Z)) for xs = [-1.5, .4, 1.2, 3.9], sigmaL .7, sigmaR 1.9.
  struct Point {
    double mean, expected;
  };
  for (const Point& point :
       {Point{1.0, 12.536005079068453}, Point{-3.0, 12.368362301145805},
        Point{6.0, 109.37869013552138}}) {
    INFO("mean " << point.mean);
    const std::vector<double> x = at(*model, {{"m", point.mean}});
    CHECK(nll(model, x) == Approx(point.expected).epsilon(kClosedForm));
    CHECK(worstGradientError(model, x) < 1e-6);
  }
}

TEST_CASE("power_sum_dist integrates every exponent, -1 included",
          "[hs3][types]") {
  const auto model = load(document(
      R"({"name": "pdf", "type": "power_sum_dist", "x": "x",
                   "coefficients": ["c1", "c2"], "exponents": [-1, "e2"]})",
      "x", 1, 4, "[1.2], [2.0], [3.7]", R"("c1": 2.0, "c2": 0.5, "e2": 1.5)"));
  // f = c1/x + c2 x^e2, Z = quad(f, 1, 4): -sum(log(f(x) / Z)). The second
  // point takes the series near e2 = -1, the third its end point.
  struct Point {
    double exponent, expected;
  };
  for (const Point& point :
       {Point{1.5, 3.4471236177019}, Point{-1.0002, 3.163708510752312},
        Point{-1.0, 3.1637043369389217}}) {
    INFO("exponent " << point.exponent);
    const std::vector<double> x = at(*model, {{"e2", point.exponent}});
    CHECK(nll(model, x) == Approx(point.expected).epsilon(kClosedForm));
    CHECK(worstGradientError(model, x) < 1e-6);
  }
}

TEST_CASE("legacy_exp_poly_dist reads ROOT's leading literals",
          "[hs3][types]") {
  SECTION("a quadratic exponent, normalised numerically") {
    // ROOT writes lowestOrder 1 as a leading 1.0: exp(a1 x + a2 x^2).
    const auto model = load(document(
        R"({"name": "pdf", "type": "legacy_exp_poly_dist", "x": "x",
            "coefficients": [1.0, "a1", "a2"]})",
        "x", 0, 3, "[0.3], [1.1], [2.8]", R"("a1": -0.7, "a2": 0.15)"));
    const std::vector<double> x = model->initialValues();
    // f = exp(-0.7 x + 0.15 x^2), Z = quad(f, 0, 3): -sum(log(f(x) / Z))
    CHECK(nll(model, x) == Approx(3.156753012215222).epsilon(kNumerical));
    CHECK(worstGradientError(model, x) < 1e-6);
  }
  SECTION("a linear exponent, in closed form") {
    const auto model = load(document(
        R"({"name": "pdf", "type": "legacy_exp_poly_dist", "x": "x",
            "coefficients": ["c0", "a1"]})",
        "x", 0, 3, "[0.3], [1.1], [2.8]", R"("c0": 0.4, "a1": -0.7)"));
    const std::vector<double> x = model->initialValues();
    // f = exp(0.4 - 0.7 x), Z = quad(f, 0, 3): -sum(log(f(x) / Z))
    CHECK(nll(model, x) == Approx(3.618138820429298).epsilon(kClosedForm));
    CHECK(worstGradientError(model, x) < 1e-6);
  }
}

TEST_CASE("relativistic_breit_wigner_dist with two channels", "[hs3][types]") {
  const auto model = load(document(
      R"({"name": "pdf", "type": "relativistic_breit_wigner_dist",
          "mass": "m", "m_BW": "mbw", "channels": [
          {"name": "pipi", "Gamma": "g1", "m1": 0.14, "m2": 0.14, "l": 1},
          {"Gamma": 0.05}]})",
      "m", 0.5, 1.5, "[0.62], [0.85], [0.93], [1.3]",
      R"("mbw": 0.9, "g1": 0.12)"));
  const std::vector<double> x = model->initialValues();
  // The HS3 formula in numpy: bw(m) = m G_1(m) / ((m_BW^2 - m^2)^2 +
  // m_BW^2 G(m)^2), G = G_1 + G_2, G_i(m) = Gamma_i n_l^2 (2 q_i / m) above
  // the threshold m1 + m2 (else 0), q^2 = (m^2 - (m1+m2)^2)(m^2 -
  // (m1-m2)^2) / 4m^2, standard Blatt-Weisskopf n_0^2 = 1, n_1^2 = z^2 /
  // (1 + z^2), z^2 = q^2 R^2, R = 3; then Z = quad(bw, 0.5, 1.5,
  // points=[0.9]) and -sum(log(bw(m) / Z)) over the four masses.
  CHECK(nll(model, x) == Approx(0.9459604687342442).epsilon(kNumerical));
  CHECK(worstGradientError(model, x) < 1e-6);
}

TEST_CASE("barlow_beeston_lite_poisson_constraint_dist is HistFactory's",
          "[hs3][types]") {
  const auto model = load(document(
      R"({"name": "pdf", "type": "gaussian_dist", "x": "x", "mean": 0.2,
          "sigma": 1.0},
         {"name": "stat", "type": "barlow_beeston_lite_poisson_constraint_dist",
          "x": ["g1", "g2"], "expected": [25.0, 100.0]})",
      "x", -3, 3, "[0.1], [-0.4]", R"("g1": 1.1, "g2": 0.95)", R"("stat")"));
  const std::vector<double> x = model->initialValues();
  // n = norm(0.2, 1): -sum(n.logpdf(xs) - log(n.cdf(3) - n.cdf(-3)))
  // - poisson.logpmf(25, 1.1 * 25) - poisson.logpmf(100, 0.95 * 100)
  CHECK(nll(model, x) == Approx(8.017023496468013).epsilon(kClosedForm));
  CHECK(worstGradientError(model, x) < 1e-6);
}

TEST_CASE("gamma and bifurcated Gaussian constraints normalise in closed form",
          "[hs3][types]") {
  const auto model = load(document(
      R"({"name": "pdf", "type": "gaussian_dist", "x": "x", "mean": 0.2,
          "sigma": 1.0},
         {"name": "g", "type": "gamma_dist", "x": "th", "gamma": 2.5,
          "beta": 1.3, "mu": 0.2},
         {"name": "b", "type": "bifurkated_gaussian_dist", "x": 0.5,
          "mean": "m", "sigmaL": 0.7, "sigmaR": 1.9})",
      "x", -3, 3, "[0.1], [-0.4]", R"("th": 2.0, "m": 1.0)", R"("g", "b")"));
  const std::vector<double> x = model->initialValues();
  // -gamma(2.5, loc=0.2, scale=1.3).logpdf(2.0)
  const double gamma = 1.443528918903853;
  // -log(exp(-0.5 ((0.5 - 1) / 0.7)^2) / (sqrt(2 pi) (0.7 + 1.9) / 2)),
  // normalised over the mean: the whole line holds half of each side.
  const double bifurcated = 1.43640483848849;
  // n = norm(0.2, 1): -sum(n.logpdf(xs) - log(n.cdf(3) - n.cdf(-3)))
  const double events = 2.0163819947912636;
  CHECK(nll(model, x) ==
        Approx(gamma + bifurcated + events).epsilon(kClosedForm));
  CHECK(worstGradientError(model, x) < 1e-6);
}

TEST_CASE("CMS::ggZZ_background_dist and CMS::qqZZ_background_dist",
          "[hs3][types]") {
  SECTION("ggZZ: a1 m^a2 exp(-a3 m)") {
    const auto model = load(document(
        R"({"name": "pdf", "type": "CMS::ggZZ_background_dist", "m4l": "m",
            "a1": 1.0, "a2": "a2", "a3": "a3"})",
        "m", 100, 300, "[120.0], [180.0], [260.0]",
        R"("a2": 2.0, "a3": 0.02)"));
    const std::vector<double> x = model->initialValues();
    // f = m**2 exp(-0.02 m), Z = quad(f, 100, 300): -sum(log(f(m) / Z))
    CHECK(nll(model, x) == Approx(15.945562484409198).epsilon(kNumerical));
    CHECK(worstGradientError(model, x) < 1e-6);
  }
  SECTION("qqZZ: a1 (m + a2)^a3 exp(-a4 m)") {
    const auto model = load(document(
        R"({"name": "pdf", "type": "CMS::qqZZ_background_dist", "m4l": "m",
            "a1": 1.0, "a2": "a2", "a3": "a3", "a4": "a4"})",
        "m", 100, 300, "[120.0], [180.0], [260.0]",
        R"("a2": -50.0, "a3": 1.5, "a4": 0.015)"));
    const std::vector<double> x = model->initialValues();
    // f = (m - 50)**1.5 exp(-0.015 m), Z = quad(f, 100, 300)
    CHECK(nll(model, x) == Approx(15.850809435054853).epsilon(kNumerical));
    CHECK(worstGradientError(model, x) < 1e-6);
  }
}

TEST_CASE("decay_dist with Gaussian, delta and mixed resolution models",
          "[hs3][types]") {
  const std::string gauss =
      R"({"name": "res", "type": "gauss_resolution_model", "x": "t",
          "mean": "mu", "sigma": "sigma"})";
  const std::string times = "[-0.4], [0.1], [0.8], [2.5], [5.0]";
  const std::string values = R"("tau": 1.5, "mu": 0.05, "sigma": 0.3)";
  auto decay = [](int type, const std::string& model) {
    return R"({"name": "pdf", "type": "decay_dist", "t": "t", "tau": "tau",
               "resolutionModel": ")" +
           model + R"(", "decayType": )" + std::to_string(type) + "}";
  };
  SECTION("single-sided, Gaussian") {
    const auto model = load(
        document(decay(0, "res") + ", " + gauss, "t", -1, 6, times, values));
    const std::vector<double> x = model->initialValues();
    // e = exponnorm(1.5 / 0.3, loc=0.05, scale=0.3);
    // -sum(e.logpdf(ts) - log(e.cdf(6) - e.cdf(-1)))
    CHECK(nll(model, x) == Approx(10.838071565637797).epsilon(kClosedForm));
    CHECK(worstGradientError(model, x) < 1e-6);
  }
  SECTION("double-sided, Gaussian (the HS3 text's gauss_model_function)") {
    // The HS3 text lists this model among the functions.
    std::string model = gauss;
    model.replace(model.find("gauss_resolution_model"), 22,
                  "gauss_model_function");
    const auto m =
        load(document(decay(1, "res"), "t", -1, 6, times, values, "", model));
    const std::vector<double> x = m->initialValues();
    // conv(t, sign) = quad(lambda s: exp(-s / 1.5) * norm.pdf(t - sign * s,
    // 0.05, 0.3), 0, inf); f = conv(t, 1) + conv(t, -1);
    // Z = quad(f, -1, 6, points=[0.05]): -sum(log(f(t) / Z))
    CHECK(nll(m, x) == Approx(9.79241413049856).epsilon(1e-9));
    CHECK(worstGradientError(m, x) < 1e-6);
  }
  SECTION("flipped, delta (truth_model_function)") {
    const auto model = load(document(
        decay(2, "truth") +
            R"(, {"name": "truth", "type": "truth_model_function", "x": "t"})",
        "t", -4, 2, "[-3.1], [-1.7], [-0.5]", R"("tau": 1.5)"));
    const std::vector<double> x = model->initialValues();
    // -sum(expon(scale=1.5).logpdf(-ts) - log(expon(scale=1.5).cdf(4)))
    CHECK(nll(model, x) == Approx(4.533682402950943).epsilon(kClosedForm));
    CHECK(worstGradientError(model, x) < 1e-6);
  }
  SECTION("single-sided, 0.7 Gaussian + 0.3 delta") {
    const auto model = load(document(
        decay(0, "mix") + ", " + gauss +
            R"(, {"name": "truth", "type": "delta_resolution_model", "x": "t"},
               {"name": "mix", "type": "mixture_resolution_model",
                "summands": ["res", "truth"], "coefficients": ["f"]})",
        "t", -1, 6, times, std::string(values) + R"(, "f": 0.7)"));
    const std::vector<double> x = model->initialValues();
    // Each component normalised on [-1, 6] (RooAddModel): 0.7 e.pdf(t) /
    // (e.cdf(6) - e.cdf(-1)) + 0.3 [t >= 0] x.pdf(t) / (x.cdf(6) - x.cdf(-1))
    // with x = expon(scale=1.5); -sum(log(...)) over the times.
    CHECK(nll(model, x) == Approx(10.989824008367355).epsilon(kClosedForm));
    CHECK(worstGradientError(model, x) < 1e-6);
  }
  SECTION("50 sigma below the mean, where erfc alone underflows") {
    const auto model = load(
        document(decay(0, "res") + ", " + gauss, "t", -1, 5, "[-0.5], [0.3]",
                 R"("tau": 1.0, "mu": 0.0, "sigma": 0.01)"));
    const std::vector<double> x = model->initialValues();
    // e = exponnorm(100, loc=0, scale=0.01) (its logpdf uses log_ndtr);
    // -sum(e.logpdf(ts) - log(e.cdf(5) - e.cdf(-1)))
    CHECK(nll(model, x) == Approx(1255.1179887825078).epsilon(kClosedForm));
    CHECK(worstGradientError(model, x) < 1e-6);
  }
}

TEST_CASE("decay_dist gives each bin its share of the range of t",
          "[hs3][types]") {
  // An exponential of lifetime tau = 1.3 convolved with N(0.2, 0.4) is
  // scipy.stats.exponnorm(K = tau / sigma, loc = 0.2, scale = 0.4); counted
  // in the bins [-1, 0, 1, 2, 6] with rate 40, nu_b = 40 (F(b_hi) -
  // F(b_lo)) / (F(6) - F(-1)), and -ln L = -sum poisson.logpmf(n_b, nu_b).
  const std::string text = R"({"metadata": {"hs3_version": "0.2"},
    "distributions": [
      {"name": "res", "type": "gauss_resolution_model", "x": "t",
       "mean": 0.2, "sigma": "sigma"},
      {"name": "decay", "type": "decay_dist", "t": "t", "tau": "tau",
       "resolutionModel": "res", "decayType": 0},
      {"name": "model", "type": "bincounts_extended_dist", "rate": "nu",
       "dist": "decay"}],
    "data": [{"name": "obs", "type": "binned", "axes": [{"name": "t",
      "edges": [-1, 0, 1, 2, 6]}], "contents": [3, 15, 11, 9]}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "tau", "value": 1.3}, {"name": "sigma", "value": 0.4},
      {"name": "nu", "value": 40}]}]})";
  hs3::LoadOptions options;
  options.distribution = "model";
  options.data = "obs";
  const auto model = hs3::parseModel(text, {}, options);
  const std::vector<double> x = model->initialValues();
  CHECK(nll(model, x) == Approx(8.230373192010651).epsilon(kClosedForm));
  CHECK(worstGradientError(model, x) < 1e-6);

  // A mixture of resolutions 0.3 and 1.0 (fraction 0.7) on the cut range
  // [0.5, 6], where the two keep different shares of their mass: each is
  // normalised over the range on its own, as RooAddModel does, so nu_b =
  // 20 sum_i w_i (F_i(b_hi) - F_i(b_lo)) / (F_i(6) - F_i(0.5)) with F_i
  // the exponnorm CDFs.
  const std::string mixture = R"({"metadata": {"hs3_version": "0.2"},
    "distributions": [
      {"name": "narrow", "type": "gauss_resolution_model", "x": "t",
       "mean": 0.0, "sigma": 0.3},
      {"name": "wide", "type": "gauss_resolution_model", "x": "t",
       "mean": 0.0, "sigma": 1.0},
      {"name": "res", "type": "mixture_resolution_model",
       "summands": ["narrow", "wide"], "coefficients": ["f"]},
      {"name": "decay", "type": "decay_dist", "t": "t", "tau": "tau",
       "resolutionModel": "res", "decayType": 0},
      {"name": "model", "type": "bincounts_extended_dist", "rate": "nu",
       "dist": "decay"}],
    "data": [{"name": "obs", "type": "binned", "axes": [{"name": "t",
      "edges": [0.5, 1, 2, 6]}], "contents": [5, 9, 7]}],
    "parameter_points": [{"name": "default_values", "parameters": [
      {"name": "tau", "value": 1.3}, {"name": "f", "value": 0.7},
      {"name": "nu", "value": 20}]}]})";
  const auto mixed = hs3::parseModel(mixture, {}, options);
  const std::vector<double> y = mixed->initialValues();
  CHECK(nll(mixed, y) == Approx(5.872380352879875).epsilon(kClosedForm));
  CHECK(worstGradientError(mixed, y) < 1e-6);
}

TEST_CASE("bad input to the new types names its JSON path", "[hs3][types]") {
  const std::string data = "[0.5]";
  SECTION("a decayType outside 0, 1, 2") {
    const hs3::Error e = hs3::test::loadError(document(
        R"({"name": "pdf", "type": "decay_dist", "t": "t", "tau": 1.5,
            "resolutionModel": "truth", "decayType": 3},
           {"name": "truth", "type": "delta_resolution_model", "x": "t"})",
        "t", -1, 6, data, R"("unused": 0)"));
    CHECK(e.code() == hs3::ErrorCode::kInvalidValue);
    CHECK(e.path() == "distributions[0].decayType");
  }
  SECTION("exponents and coefficients of different lengths") {
    const hs3::Error e = hs3::test::loadError(document(
        R"({"name": "pdf", "type": "power_sum_dist", "x": "x",
            "coefficients": [1.0, 2.0], "exponents": [1.0]})",
        "x", 1, 4, "[2.5]", R"("unused": 0)"));
    CHECK(e.code() == hs3::ErrorCode::kShapeMismatch);
    CHECK(e.path() == "distributions[0].exponents");
  }
  SECTION("an event outside its axis") {
    const hs3::Error e = hs3::test::loadError(document(
        R"({"name": "pdf", "type": "gaussian_dist", "x": "x", "mean": 0.0,
            "sigma": 1.0})",
        "x", -3, 3, "[0.5], [5.0]", R"("unused": 0)"));
    CHECK(e.code() == hs3::ErrorCode::kInvalidValue);
    CHECK(e.path() == "data[0].entries[1][0]");
  }
  SECTION("a power not integrable over a range that holds 0") {
    // The integral of x^-2 over [-1, 2] diverges at 0.
    const hs3::Error e = hs3::test::loadError(document(
        R"({"name": "pdf", "type": "power_sum_dist", "x": "x",
            "coefficients": [1.0], "exponents": [-2.0]})",
        "x", -1, 2, data, R"("unused": 0)"));
    CHECK(e.code() == hs3::ErrorCode::kInvalidValue);
    CHECK(e.path() == "distributions[0].exponents");
  }
  SECTION("a delta decay on a range outside its support") {
    // exp(-t/tau) for t >= 0 puts nothing on [-3, -1].
    const hs3::Error e = hs3::test::loadError(document(
        R"({"name": "pdf", "type": "decay_dist", "t": "t", "tau": 1.5,
            "resolutionModel": "truth", "decayType": 0},
           {"name": "truth", "type": "delta_resolution_model", "x": "t"})",
        "t", -3, -1, "[-2]", R"("unused": 0)"));
    CHECK(e.code() == hs3::ErrorCode::kInvalidValue);
    CHECK(e.path() == "distributions[0].decayType");
  }
  SECTION("a missing key") {
    const hs3::Error e = hs3::test::loadError(document(
        R"({"name": "pdf", "type": "generalized_normal_dist", "x": "x",
            "mean": 0.0, "alpha": 1.0})",
        "x", -1, 1, data, R"("unused": 0)"));
    CHECK(e.code() == hs3::ErrorCode::kSchema);
    CHECK(e.path() == "distributions[0]");
    CHECK(std::string(e.what()).find("beta") != std::string::npos);
  }
  SECTION("a Breit-Wigner channel without its width") {
    const hs3::Error e = hs3::test::loadError(document(
        R"({"name": "pdf", "type": "relativistic_breit_wigner_dist",
            "mass": "x", "m_BW": 0.9, "channels": [{"Gamma": 0.1},
            {"m1": 0.14}]})",
        "x", 0.5, 1.5, "[0.9]", R"("unused": 0)"));
    CHECK(e.code() == hs3::ErrorCode::kSchema);
    CHECK(e.path() == "distributions[0].channels[1]");
  }
}
