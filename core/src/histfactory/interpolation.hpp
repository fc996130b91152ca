// Interpolation kernels of HistFactory modifiers: small stateless functions,
// shared by the scalar (normsys) and the per-bin (histosys) paths.
//
// Additive codes (0, 2, 4p) are linear in the two template differences
// up = hi - nom and down = nom - lo: delta = cUp * up + cDown * down, with
// weights that depend on alpha alone. That is what lets the histosys kernel
// compute two weights once and then run one multiply-add per bin.
// Multiplicative codes (1, 4) give a factor from the ratios h = hi/nom and
// l = lo/nom.
#pragma once

#include <cmath>

#include "hs3/model.hpp"

namespace hs3::hf {

struct AdditiveWeights {
  double up = 0.0;
  double down = 0.0;
  double upSlope = 0.0;  // d(up weight)/d alpha
  double downSlope = 0.0;
};

// Weights of codes 0, 2 and 4p at alpha.
inline AdditiveWeights additiveWeights(Interpolation code, double alpha) {
  AdditiveWeights w;
  switch (code) {
    case Interpolation::kCode0:
      // Both branches give 0 at alpha = 0, where the slope jumps; the right
      // one is used there, as a forward difference (pyhf's optimiser)
      // sees it, so fits starting at 0 leave the kink the same way.
      if (alpha >= 0) {
        w.up = alpha;
        w.upSlope = 1.0;
      } else {
        w.down = alpha;
        w.downSlope = 1.0;
      }
      return w;
    case Interpolation::kCode2:
      // Quadratic a alpha^2 + b alpha inside |alpha| <= 1 with
      // a = (up - down) / 2 and b = (up + down) / 2; outside, the straight
      // line that continues value and slope from the knot. (pyhf's
      // vectorised code 2 drops the knot's value outside; ROOT's does not,
      // and a jump in the likelihood is never wanted.)
      if (alpha > 1) {
        w.up = 1.0 + 1.5 * (alpha - 1.0);
        w.down = -0.5 * (alpha - 1.0);
        w.upSlope = 1.5;
        w.downSlope = -0.5;
      } else if (alpha < -1) {
        w.up = -0.5 * (alpha + 1.0);
        w.down = -1.0 + 1.5 * (alpha + 1.0);
        w.upSlope = -0.5;
        w.downSlope = 1.5;
      } else {
        w.up = 0.5 * alpha * (alpha + 1.0);
        w.down = 0.5 * alpha * (1.0 - alpha);
        w.upSlope = alpha + 0.5;
        w.downSlope = 0.5 - alpha;
      }
      return w;
    case Interpolation::kCode4p:
    default:
      // Linear outside |alpha| <= 1; inside, alpha S + p(alpha) A with
      // S = (up + down) / 2, A = (up - down) / 16 and
      // p = alpha^2 (3 alpha^4 - 10 alpha^2 + 15), which matches value,
      // slope and curvature at the knots.
      if (alpha > 1) {
        w.up = alpha;
        w.upSlope = 1.0;
      } else if (alpha < -1) {
        w.down = alpha;
        w.downSlope = 1.0;
      } else {
        const double a2 = alpha * alpha;
        const double p = a2 * (3.0 * a2 * a2 - 10.0 * a2 + 15.0);
        const double dp = alpha * (18.0 * a2 * a2 - 40.0 * a2 + 30.0);
        w.up = 0.5 * alpha + p / 16.0;
        w.down = 0.5 * alpha - p / 16.0;
        w.upSlope = 0.5 + dp / 16.0;
        w.downSlope = 0.5 - dp / 16.0;
      }
      return w;
  }
}

struct ValueAndSlope {
  double value = 0.0;
  double slope = 0.0;
};

// x ln x and x (ln x)^2 tend to 0 as x -> 0; using the limits lets a 100%
// down variation (lo = 0) interpolate smoothly, as RooFit does, instead of
// turning the whole polynomial into NaN.
inline double xLogX(double x) { return x > 0 ? x * std::log(x) : 0.0; }
inline double xLogXSquared(double x) {
  if (x <= 0) return 0.0;
  const double l = std::log(x);
  return x * l * l;
}

// h^alpha with the limit of the derivative at h = 0.
inline ValueAndSlope powerBranch(double base, double exponent,
                                 double exponentSlope) {
  if (base <= 0) return {0.0, 0.0};
  const double value = std::pow(base, exponent);
  return {value, value * std::log(base) * exponentSlope};
}

// Factor of codes 1 and 4 at alpha for ratios h (at +1) and l (at -1).
inline ValueAndSlope multiplicativeFactor(Interpolation code, double alpha,
                                          double h, double l) {
  if (code == Interpolation::kCode1) {
    // The right slope at the kink alpha = 0, as for code 0.
    return alpha >= 0 ? powerBranch(h, alpha, 1.0)
                      : powerBranch(l, -alpha, -1.0);
  }
  if (alpha >= 1) return powerBranch(h, alpha, 1.0);
  if (alpha <= -1) return powerBranch(l, -alpha, -1.0);
  // Coefficients of 1 + sum a_i alpha^i that match h^alpha and l^-alpha with
  // value, slope and curvature at alpha = +-1 (the inverse of the 6x6 system
  // of those six conditions, alpha_0 = 1).
  const double b0 = h - 1.0;
  const double b1 = l - 1.0;
  const double b2 = xLogX(h);
  const double b3 = -xLogX(l);
  const double b4 = xLogXSquared(h);
  const double b5 = xLogXSquared(l);
  const double a1 = (15 * b0 - 15 * b1 - 7 * b2 - 7 * b3 + b4 - b5) / 16.0;
  const double a2 = (24 * b0 + 24 * b1 - 9 * b2 + 9 * b3 + b4 + b5) / 16.0;
  const double a3 = (-5 * b0 + 5 * b1 + 5 * b2 + 5 * b3 - b4 + b5) / 8.0;
  const double a4 = (-12 * b0 - 12 * b1 + 7 * b2 - 7 * b3 - b4 - b5) / 8.0;
  const double a5 = (3 * b0 - 3 * b1 - 3 * b2 - 3 * b3 + b4 - b5) / 16.0;
  const double a6 = (8 * b0 + 8 * b1 - 5 * b2 + 5 * b3 + b4 + b5) / 16.0;
  const double x = alpha;
  const double value =
      1.0 + x * (a1 + x * (a2 + x * (a3 + x * (a4 + x * (a5 + x * a6)))));
  const double slope =
      a1 +
      x * (2 * a2 + x * (3 * a3 + x * (4 * a4 + x * (5 * a5 + x * 6 * a6))));
  return {value, slope};
}

inline bool isAdditive(Interpolation code) {
  return code == Interpolation::kCode0 || code == Interpolation::kCode2 ||
         code == Interpolation::kCode4p;
}

// A normsys factor kappa(alpha) for any code, with nominal 1.
inline ValueAndSlope normsysFactor(Interpolation code, double alpha, double hi,
                                   double lo) {
  if (isAdditive(code)) {
    const AdditiveWeights w = additiveWeights(code, alpha);
    return {1.0 + w.up * (hi - 1.0) + w.down * (1.0 - lo),
            w.upSlope * (hi - 1.0) + w.downSlope * (1.0 - lo)};
  }
  return multiplicativeFactor(code, alpha, hi, lo);
}

// A histosys shift of one bin for any code.
inline ValueAndSlope histosysShift(Interpolation code, double alpha, double nom,
                                   double hi, double lo) {
  if (isAdditive(code)) {
    const AdditiveWeights w = additiveWeights(code, alpha);
    return {w.up * (hi - nom) + w.down * (nom - lo),
            w.upSlope * (hi - nom) + w.downSlope * (nom - lo)};
  }
  // A multiplicative shift of an empty bin stays empty.
  if (nom == 0) return {0.0, 0.0};
  const ValueAndSlope f = multiplicativeFactor(code, alpha, hi / nom, lo / nom);
  return {nom * (f.value - 1.0), nom * f.slope};
}

}  // namespace hs3::hf
