// Interpolation codes against pyhf's outputs at fixed points
// (golden unit_values), and their slopes against finite differences.

#include <catch2/catch.hpp>

#include <cmath>

#include "golden.hpp"
#include "histfactory/interpolation.hpp"

namespace {

using hs3::Interpolation;

double additiveDelta(Interpolation code, double alpha, double lo, double nom,
                     double hi) {
  return hs3::hf::histosysShift(code, alpha, nom, hi, lo).value;
}

}  // namespace

TEST_CASE("interpolation codes reproduce pyhf", "[interpolation][golden]") {
  const auto& table = hs3::test::goldenFile()["unit_values"]["interpolators"];
  const auto alphas = table["alphas"].get<std::vector<double>>();
  struct Row {
    const char* key;
    Interpolation code;
    bool additive;
  };
  const Row rows[] = {{"code0", Interpolation::kCode0, true},
                      {"code4p", Interpolation::kCode4p, true},
                      {"code2", Interpolation::kCode2, true},
                      {"code1", Interpolation::kCode1, false},
                      {"code4", Interpolation::kCode4, false}};
  for (const Row& row : rows) {
    const auto& entry = table[row.key];
    const double lo = entry["lo"], nom = entry["nom"], hi = entry["hi"];
    const auto values = entry["values"].get<std::vector<double>>();
    for (std::size_t i = 0; i < alphas.size(); ++i) {
      INFO(row.key << " at alpha " << alphas[i]);
      // pyhf's vectorised code 2 leaves out the knot's value beyond
      // |alpha| = 1 (a jump); ours continues the curve, so only the inner
      // part is compared with pyhf.
      if (row.code == Interpolation::kCode2 && std::fabs(alphas[i]) > 1) {
        continue;
      }
      const double ours =
          row.additive
              ? additiveDelta(row.code, alphas[i], lo, nom, hi)
              : hs3::hf::normsysFactor(row.code, alphas[i], hi, lo).value;
      CHECK(ours == Approx(values[i]).epsilon(1e-12).margin(1e-14));
    }
  }
  const double lo = 1.01071, hi = 0.991382;
  const auto anti1 = table["code1_anticorrelated(lo=1.01071,hi=0.991382)"];
  const auto anti4 = table["code4_anticorrelated(lo=1.01071,hi=0.991382)"];
  for (std::size_t i = 0; i < alphas.size(); ++i) {
    CHECK(hs3::hf::normsysFactor(Interpolation::kCode1, alphas[i], hi, lo)
              .value == Approx(anti1[i].get<double>()).epsilon(1e-12));
    CHECK(hs3::hf::normsysFactor(Interpolation::kCode4, alphas[i], hi, lo)
              .value == Approx(anti4[i].get<double>()).epsilon(1e-12));
  }
}

TEST_CASE("code 2 continues linearly beyond the knots", "[interpolation]") {
  // lo 35, nom 50, hi 60: a = (hi + lo) / 2 - nom = -2.5, b = 12.5.
  // At alpha = 2: a + b + (2a + b)(2 - 1) = 10 + 7.5 = 17.5.
  // At alpha = -2: a - b + (b - 2a)(-2 + 1) = -15 - 17.5 = -32.5.
  CHECK(additiveDelta(Interpolation::kCode2, 2.0, 35, 50, 60) == Approx(17.5));
  CHECK(additiveDelta(Interpolation::kCode2, -2.0, 35, 50, 60) ==
        Approx(-32.5));
}

TEST_CASE("a 100% down variation interpolates without NaN", "[interpolation]") {
  // lo = 0: the code-4 polynomial uses the limits x ln x -> 0 and
  // x (ln x)^2 -> 0, so kappa(0) = 1, kappa(-1) = 0 with zero slope, and
  // kappa(-0.5) = 0.2758 (the value RooFit's guarded code 4 gives for
  // hi = 2, lo = 0).
  using hs3::hf::normsysFactor;
  CHECK(normsysFactor(Interpolation::kCode4, 0.0, 2.0, 0.0).value == 1.0);
  CHECK(normsysFactor(Interpolation::kCode4, -1.0, 2.0, 0.0).value == 0.0);
  CHECK(normsysFactor(Interpolation::kCode4, -0.5, 2.0, 0.0).value ==
        Approx(0.2758).margin(1e-4));
  CHECK(normsysFactor(Interpolation::kCode4, -2.0, 2.0, 0.0).slope == 0.0);
}

TEST_CASE("interpolation slopes match finite differences", "[interpolation]") {
  const Interpolation codes[] = {Interpolation::kCode0, Interpolation::kCode1,
                                 Interpolation::kCode2, Interpolation::kCode4,
                                 Interpolation::kCode4p};
  const double alphas[] = {-2.7, -1.3, -0.8, -0.2, 0.1, 0.6, 0.95, 1.7, 3.1};
  for (Interpolation code : codes) {
    for (double alpha : alphas) {
      INFO(hs3::interpolationName(code) << " at " << alpha);
      const double h = 1e-6;
      const auto n = [&](double a) {
        return hs3::hf::normsysFactor(code, a, 1.3, 0.8).value;
      };
      const auto s = [&](double a) {
        return hs3::hf::histosysShift(code, a, 50, 60, 35).value;
      };
      CHECK(hs3::hf::normsysFactor(code, alpha, 1.3, 0.8).slope ==
            Approx((n(alpha + h) - n(alpha - h)) / (2 * h)).epsilon(1e-6));
      CHECK(hs3::hf::histosysShift(code, alpha, 50, 60, 35).slope ==
            Approx((s(alpha + h) - s(alpha - h)) / (2 * h)).epsilon(1e-6));
    }
  }
}
