// Brent's method for a root of a function known to change sign in a
// bracket: inverse quadratic interpolation with bisection as a safeguard
// (R. P. Brent, Algorithms for Minimization without Derivatives, ch. 4).
#pragma once

#include <cmath>
#include <functional>
#include <utility>

namespace hs3::infer {

// f(a) and f(b) must have opposite signs (or one be zero). Stops when the
// bracket is narrower than xtol + rtol |x|.
inline double brentRoot(const std::function<double(double)>& f, double a,
                        double b, double fa, double fb, double xtol,
                        double rtol, int maxIterations = 100) {
  if (fa == 0) return a;
  if (fb == 0) return b;
  double c = a, fc = fa, d = b - a, e = d;
  for (int i = 0; i < maxIterations; ++i) {
    if ((fb > 0) == (fc > 0)) {
      c = a;
      fc = fa;
      d = e = b - a;
    }
    if (std::fabs(fc) < std::fabs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tolerance = 0.5 * (xtol + rtol * std::fabs(b));
    const double middle = 0.5 * (c - b);
    if (std::fabs(middle) <= tolerance || fb == 0) return b;
    if (std::fabs(e) >= tolerance && std::fabs(fa) > std::fabs(fb)) {
      double p, q;
      const double s = fb / fa;
      if (a == c) {
        p = 2 * middle * s;
        q = 1 - s;
      } else {
        const double r = fb / fc;
        const double t = fa / fc;
        p = s * (2 * middle * t * (t - r) - (b - a) * (r - 1));
        q = (t - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) {
        q = -q;
      } else {
        p = -p;
      }
      if (2 * p < std::min(3 * middle * q - std::fabs(tolerance * q),
                           std::fabs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = middle;
        e = d;
      }
    } else {
      d = middle;
      e = d;
    }
    a = b;
    fa = fb;
    b += std::fabs(d) > tolerance ? d : (middle > 0 ? tolerance : -tolerance);
    fb = f(b);
  }
  return b;
}

}  // namespace hs3::infer
