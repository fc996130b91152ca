// Asymptotic formulas of Cowan, Cranmer, Gross and Vitells (arXiv:1007.1727)
// in the form pyhf evaluates them: p-values as normal tails in the
// "-mu_hat/sigma" space, computed in logarithms so that CLs = CLsb / CLb is
// defined even where both tails underflow.
#pragma once

#include <cmath>

#include "hs3/infer.hpp"

namespace hs3::infer {

// log of the standard normal upper tail, log(1 - Phi(x)), accurate for
// every x: erfc while it has precision, the asymptotic series beyond.
inline double logNormalTail(double x) {
  if (x < 25.0) return std::log(0.5 * std::erfc(x / std::sqrt(2.0)));
  const double x2 = x * x;
  const double series =
      1.0 - 1.0 / x2 + 3.0 / (x2 * x2) - 15.0 / (x2 * x2 * x2);
  return -0.5 * x2 - std::log(x * std::sqrt(2.0 * M_PI)) + std::log(series);
}

inline double normalTail(double x) { return std::exp(logNormalTail(x)); }

// The quantile: x with 1 - Phi(x) = p, by Newton steps on logNormalTail
// from a rational first guess; accurate to machine precision for
// 1e-300 < p < 1.
inline double normalTailQuantile(double p) {
  double x = 0.0;
  if (p < 0.5) {
    const double t = std::sqrt(-2.0 * std::log(p));
    x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  } else if (p > 0.5) {
    x = -normalTailQuantile(1.0 - p);
  }
  const double target = std::log(p);
  for (int i = 0; i < 50; ++i) {
    const double logTail = logNormalTail(x);
    // d/dx log tail = -density / tail.
    const double logDensity = -0.5 * x * x - 0.5 * std::log(2.0 * M_PI);
    const double slope = -std::exp(logDensity - logTail);
    const double step = (logTail - target) / slope;
    x -= step;
    if (std::fabs(step) < 1e-15 * std::max(1.0, std::fabs(x))) break;
  }
  return x;
}

// The observed statistic mapped to the -mu_hat/sigma space. pyhf uses <=
// between the two branches of q~; with q_A = 0 the second branch would
// divide by zero, so the first (its limit) is used.
inline double asymptoticT(TestStatistic statistic, double q, double qA) {
  const double sq = std::sqrt(std::max(q, 0.0));
  const double sqA = std::sqrt(std::max(qA, 0.0));
  if (statistic == TestStatistic::kQMuTilde && sq > sqA && sqA > 0) {
    return (q - qA) / (2.0 * sqA);
  }
  return sq - sqA;
}

struct TailProbabilities {
  double clsb = 0.0;
  double clb = 0.0;
  double cls = 0.0;
};

// p-values at t: CLsb = 1 - Phi(t + sqrt(qA)), CLb = 1 - Phi(t), and their
// ratio from the logarithms.
inline TailProbabilities tailsAt(double t, double qA) {
  const double sqA = std::sqrt(std::max(qA, 0.0));
  const double logClsb = logNormalTail(t + sqA);
  const double logClb = logNormalTail(t);
  return {std::exp(logClsb), std::exp(logClb), std::exp(logClsb - logClb)};
}

// The five expected values at t = 2, 1, 0, -1, -2, pyhf's order.
inline Band expectedBand(double qA, bool returnClsb) {
  Band band{};
  const double sigmas[5] = {2.0, 1.0, 0.0, -1.0, -2.0};
  for (int k = 0; k < 5; ++k) {
    const TailProbabilities p = tailsAt(sigmas[k], qA);
    band[k] = returnClsb ? p.clsb : p.cls;
  }
  return band;
}

// The sqrt(qA) at which the expected CLs at t = n equals alpha: solves
// 1 - Phi(n + s) = alpha (1 - Phi(n)) for s.
inline double sqrtQAsimovForExpected(double n, double alpha) {
  return normalTailQuantile(alpha * std::exp(logNormalTail(n))) - n;
}

}  // namespace hs3::infer
