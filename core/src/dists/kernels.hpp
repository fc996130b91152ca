// Math kernels of the general graph: small stateless functions, each with the
// derivatives the reverse sweep needs. The graph's nodes call them; the
// distribution builders use them for their closed-form normalisations.
#pragma once

#include <cmath>
#include <limits>

#include "histfactory/interpolation.hpp"

namespace hs3::kernels {

constexpr double kPi = 3.14159265358979323846;
constexpr double kSqrtTwo = 1.41421356237309504880;
constexpr double kLogSqrtTwoPi = 0.91893853320467274178;
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;

using ValueAndSlope = hf::ValueAndSlope;

// Standard normal density.
inline double normalDensity(double z) {
  return std::exp(-0.5 * z * z - kLogSqrtTwoPi);
}

// log(Phi(hi) - Phi(lo)) and its partial derivatives; the tail that keeps
// the difference accurate is chosen by the sign of the interval.
struct LogInterval {
  double value = 0.0;
  double dLo = 0.0;
  double dHi = 0.0;
};

inline LogInterval logNormalInterval(double lo, double hi) {
  double p;
  if (lo > 0) {
    p = 0.5 * (std::erfc(lo / kSqrtTwo) - std::erfc(hi / kSqrtTwo));
  } else if (hi < 0) {
    p = 0.5 * (std::erfc(-hi / kSqrtTwo) - std::erfc(-lo / kSqrtTwo));
  } else {
    p = 0.5 * (std::erf(hi / kSqrtTwo) - std::erf(lo / kSqrtTwo));
  }
  LogInterval out;
  out.value = std::log(p);
  if (p > 0) {
    out.dHi = std::isfinite(hi) ? normalDensity(hi) / p : 0.0;
    out.dLo = std::isfinite(lo) ? -normalDensity(lo) / p : 0.0;
  }
  return out;
}

// log(erfc(x)) and its derivative, finite wherever erfc(x) > 0 in exact
// arithmetic. erfc(x) underflows near x = 27; beyond x = 20 the value is
// -x^2 + log(erfcx(x)) with the scaled erfcx(x) = exp(x^2) erfc(x) from its
// asymptotic series 1/(x sqrt(pi)) sum_k (-1)^k (2k-1)!! / (2x^2)^k, whose
// terms fall below 1e-17 by the tenth at x >= 20.
inline ValueAndSlope logErfc(double x) {
  constexpr double kLogSqrtPi = 0.57236494292470008707;
  if (!(x >= 20.0)) {
    const double value = std::log(std::erfc(x));
    return {value, -kTwoOverSqrtPi * std::exp(-x * x - value)};
  }
  const double step = -1.0 / (2.0 * x * x);
  double term = 1.0, series = 1.0;
  for (int k = 1; k <= 10; ++k) {
    term *= (2 * k - 1) * step;
    series += term;
  }
  // d/dx log erfc = -2 / (sqrt(pi) erfcx(x)) = -2 x / series.
  return {-x * x - std::log(x) - kLogSqrtPi + std::log(series),
          -2.0 * x / series};
}

// log of the integral of exp(-c x) over [a, b] (finite, a < b) and its
// derivative in c. Factoring out the larger end keeps it finite for large
// |c|; near c = 0 a series replaces the cancelling difference.
inline ValueAndSlope logExponentialIntegral(double c, double a, double b) {
  const double w = b - a;
  const double cw = c * w;
  if (std::abs(cw) < 1e-6) {
    return {std::log(w) - c * a - 0.5 * cw + cw * cw / 24.0,
            -a - 0.5 * w + c * w * w / 12.0};
  }
  if (c > 0) {
    const double g = -std::expm1(-cw) / c;
    return {-c * a + std::log(g), -a + w / std::expm1(cw) - 1.0 / c};
  }
  const double h = std::expm1(cw) / c;
  return {-c * b + std::log(h), -b + w / -std::expm1(-cw) - 1.0 / c};
}

// Digamma, for the derivative of lgamma: recurrence up to 6, then the
// asymptotic series.
inline double digamma(double x) {
  if (x <= 0 && x == std::floor(x)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  double result = 0.0;
  if (x < 0) {
    // Reflection: psi(1 - x) - psi(x) = pi cot(pi x).
    return digamma(1.0 - x) - kPi / std::tan(kPi * x);
  }
  while (x < 6.0) {
    result -= 1.0 / x;
    x += 1.0;
  }
  const double f = 1.0 / (x * x);
  return result + std::log(x) - 0.5 / x -
         f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240))));
}

// CMS ProcessNormalization's smooth |theta|: a polynomial inside |theta| < 1
// that meets |theta| with value, slope and curvature at the knots.
inline ValueAndSlope smoothAbs(double t) {
  if (t >= 1) return {t, 1.0};
  if (t <= -1) return {-t, -1.0};
  const double t2 = t * t;
  return {t2 * (3 * t2 * t2 - 10 * t2 + 15) / 8.0,
          t * (18 * t2 * t2 - 40 * t2 + 30) / 8.0};
}

// ROOT's interpolation codes of PiecewiseInterpolation (histograms) as one
// vocabulary; FlexibleInterpVar codes are mapped onto it by the reader.
enum class InterpCode {
  kLinear = 0,          // additive, piecewise linear
  kExponential = 1,     // multiplicative, piecewise exponential
  kParabolic = 2,       // additive, quadratic inside, linear outside
  kPoly6Linear = 4,     // additive, poly6 inside, linear outside
  kPoly6Exp = 5,        // multiplicative, poly6 inside, exponential outside
  kPoly6LinearMul = 6,  // multiplicative, code 4 applied to ratios
};

inline bool isAdditiveCode(InterpCode code) {
  return code == InterpCode::kLinear || code == InterpCode::kParabolic ||
         code == InterpCode::kPoly6Linear;
}

// Shift of an additive code at alpha, for up = hi - nom, down = nom - lo.
inline ValueAndSlope additiveShift(InterpCode code, double alpha, double up,
                                   double down) {
  switch (code) {
    case InterpCode::kLinear:
      return alpha >= 0 ? ValueAndSlope{alpha * up, up}
                        : ValueAndSlope{alpha * down, down};
    case InterpCode::kParabolic: {
      const double a = 0.5 * (up - down);
      const double b = 0.5 * (up + down);
      if (alpha > 1) return {(2 * a + b) * (alpha - 1) + up, 2 * a + b};
      if (alpha < -1) return {-(2 * a - b) * (alpha + 1) - down, b - 2 * a};
      return {a * alpha * alpha + b * alpha, 2 * a * alpha + b};
    }
    default: {
      if (alpha >= 1) return {alpha * up, up};
      if (alpha <= -1) return {alpha * down, down};
      const double s = 0.5 * (up + down);
      const double d = (up - down) / 16.0;
      const double a2 = alpha * alpha;
      const double p = a2 * (3 * a2 * a2 - 10 * a2 + 15);
      const double dp = alpha * (18 * a2 * a2 - 40 * a2 + 30);
      return {alpha * s + p * d, s + dp * d};
    }
  }
}

// Factor of a multiplicative code at alpha, for ratios h = hi/nom, l = lo/nom:
// ROOT's exponential and polynomial-exponential codes are pyhf's code 1 and
// code 4, whose kernels serve both.
inline ValueAndSlope multiplicativeFactor(InterpCode code, double alpha,
                                          double h, double l) {
  if (code == InterpCode::kPoly6LinearMul) {
    const ValueAndSlope d =
        additiveShift(InterpCode::kPoly6Linear, alpha, h - 1.0, 1.0 - l);
    return {1.0 + d.value, d.slope};
  }
  return hf::multiplicativeFactor(code == InterpCode::kExponential
                                      ? Interpolation::kCode1
                                      : Interpolation::kCode4,
                                  alpha, h, l);
}

// One variation applied to a running total, as ROOT combines them: additive
// codes add their shift, multiplicative codes scale the total.
inline ValueAndSlope interpolate(InterpCode code, double alpha, double nom,
                                 double hi, double lo) {
  if (isAdditiveCode(code)) {
    return additiveShift(code, alpha, hi - nom, nom - lo);
  }
  if (nom == 0) return {0.0, 0.0};
  const ValueAndSlope f = multiplicativeFactor(code, alpha, hi / nom, lo / nom);
  return {nom * (f.value - 1.0), nom * f.slope};
}

}  // namespace hs3::kernels
