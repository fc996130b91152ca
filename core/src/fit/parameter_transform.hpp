// Minuit's maps between a bounded external parameter x and an unbounded
// internal variable u, so that no step of the minimizer can leave the bounds:
//
//   two bounds:  x = lo + (hi - lo) (sin u + 1) / 2
//   lower only:  x = lo - 1 + sqrt(u^2 + 1)
//   upper only:  x = hi + 1 - sqrt(u^2 + 1)
//   none:        x = u
//
// An infinite bound means no bound on that side.
#pragma once

#include <algorithm>
#include <cmath>

namespace hs3::fit {

class ParameterTransform {
 public:
  enum class Kind { kNone, kLower, kUpper, kBoth };

  ParameterTransform(double lower, double upper)
      : lower_(lower), upper_(upper), kind_(kindOf(lower, upper)) {}

  Kind kind() const { return kind_; }
  double lower() const { return lower_; }
  double upper() const { return upper_; }

  double toExternal(double u) const {
    switch (kind_) {
      case Kind::kBoth:
        return lower_ + 0.5 * (upper_ - lower_) * (std::sin(u) + 1.0);
      case Kind::kLower:
        return lower_ + sqrtOnePlusSquareMinusOne(u);
      case Kind::kUpper:
        return upper_ - sqrtOnePlusSquareMinusOne(u);
      case Kind::kNone:
        break;
    }
    return u;
  }

  // dx/du, for the chain rule from the external to the internal gradient.
  double derivative(double u) const {
    switch (kind_) {
      case Kind::kBoth:
        return 0.5 * (upper_ - lower_) * std::cos(u);
      case Kind::kLower:
        return u / std::sqrt(u * u + 1.0);
      case Kind::kUpper:
        return -u / std::sqrt(u * u + 1.0);
      case Kind::kNone:
        break;
    }
    return 1.0;
  }

  // A value on a bound is moved slightly inside, as Minuit does: there
  // dx/du = 0, so a fit started exactly on the bound could never leave it.
  double toInternal(double x) const {
    switch (kind_) {
      case Kind::kBoth: {
        const double y = 2.0 * (x - lower_) / (upper_ - lower_) - 1.0;
        const double u = std::asin(std::clamp(y, -1.0, 1.0));
        const double edge = 0.5 * kPi - kEdge;
        return std::clamp(u, -edge, edge);
      }
      case Kind::kLower:
        return distanceToInternal(x - lower_);
      case Kind::kUpper:
        return distanceToInternal(upper_ - x);
      case Kind::kNone:
        break;
    }
    return x;
  }

 private:
  static constexpr double kPi = 3.14159265358979323846;
  // How far inside a bound (in u) a start on the bound is moved; x moves by
  // at most 5e-7 (times the width for two bounds), far below any error.
  static constexpr double kEdge = 1e-3;

  static Kind kindOf(double lower, double upper) {
    const bool hasLower = std::isfinite(lower);
    const bool hasUpper = std::isfinite(upper);
    if (hasLower && hasUpper) return Kind::kBoth;
    if (hasLower) return Kind::kLower;
    if (hasUpper) return Kind::kUpper;
    return Kind::kNone;
  }

  // sqrt(u^2 + 1) - 1, written so that it keeps its precision for small u,
  // where a parameter sits close to its bound.
  static double sqrtOnePlusSquareMinusOne(double u) {
    const double square = u * u;
    return square / (std::sqrt(square + 1.0) + 1.0);
  }

  // Inverse of the one-sided map for a distance d >= 0 from the bound:
  // (d + 1)^2 - 1 = d (d + 2) avoids the cancellation near the bound.
  static double distanceToInternal(double d) {
    const double clamped = std::max(d, 0.0);
    return std::max(std::sqrt(clamped * (clamped + 2.0)), kEdge);
  }

  double lower_;
  double upper_;
  Kind kind_;
};

}  // namespace hs3::fit
