#include "fit/minos.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <string>

#include "hs3/log.hpp"

namespace hs3::fit {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Profile fits per side before the search gives up.
constexpr int kMaxSteps = 30;
// A crossing is accepted when f is within this fraction of errordef of
// fmin + errordef: a shift of about 1e-3 of an error for a parabola.
constexpr double kCrossingTolerance = 1e-3;
// A profile fit this far (times errordef) below the minimum means the main
// fit stopped short of the best minimum.
constexpr double kNewMinimumTolerance = 0.01;
// The profile fits aim ten times closer to their minimum than the main fit,
// since their EDM enters the crossing directly.
constexpr double kProfileToleranceFactor = 0.1;

// f minimised over the other free parameters, as a function of one
// parameter's value.
class Profile {
 public:
  Profile(Objective& objective, const std::vector<Parameter>& parameters,
          const FitOptions& options, const FitResult& best, std::size_t index)
      : objective_(objective),
        parameters_(parameters),
        options_(options),
        index_(index),
        lastValue_(best.values[index]),
        lastValues_(best.values),
        shift_(parameters.size(), 0.0) {
    parameters_[index].fixed = true;
    options_.computeErrors = false;
    options_.minos.clear();
    options_.tolerance *= kProfileToleranceFactor;

    // Along the profile the other parameters move by C_jk / C_kk per unit
    // of parameter k, to first order; starting there saves iterations.
    const std::size_t n = parameters.size();
    if (best.covariance.size() == n * n) {
      const double ckk = best.covariance[index * n + index];
      if (ckk > 0.0) {
        for (std::size_t j = 0; j < n; ++j) {
          shift_[j] = best.covariance[j * n + index] / ckk;
        }
      }
    }
  }

  // NaN when the fit at this value failed.
  double operator()(double value) {
    for (std::size_t j = 0; j < parameters_.size(); ++j) {
      Parameter& p = parameters_[j];
      if (j == index_) {
        p.init = value;
      } else if (!p.fixed) {
        const double start = lastValues_[j] + shift_[j] * (value - lastValue_);
        p.init = std::clamp(start, p.lower, p.upper);
      }
    }
    const FitResult fit = minimize(objective_, parameters_, options_);
    calls_ += fit.calls;
    if (fit.status == FitStatus::kFailed) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (!fit.isValid()) {
      HS3_LOG(kDebug, "fit")
          << "MINOS profile fit of " << parameters_[index_].name << " at "
          << value << ": " << fit.message();
    }
    lastValue_ = value;
    lastValues_ = fit.values;
    return fit.minValue;
  }

  std::size_t calls() const { return calls_; }

 private:
  Objective& objective_;
  std::vector<Parameter> parameters_;
  FitOptions options_;
  std::size_t index_;
  double lastValue_;
  std::vector<double> lastValues_;
  std::vector<double> shift_;
  std::size_t calls_ = 0;
};

struct Crossing {
  double offset = 0.0;  // crossing minus best value
  bool valid = false;
};

// The crossing on one side (direction +1 or -1), searched in the distance d
// from the best value. `limit` is the bound on that side, infinite if none.
Crossing findCrossing(Profile& profile, double best, double fmin,
                      double errordef, double error, double limit,
                      double direction) {
  const double maxDistance = std::abs(limit - best);
  auto rise = [&](double f) {
    return std::sqrt(std::max(f - fmin, 0.0) / errordef);
  };

  // (dLo, sLo): farthest point known below the crossing; dHi: nearest point
  // known above it (or where the fit failed).
  double dLo = 0.0;
  double sLo = 0.0;
  double dPrevious = 0.0;
  double sPrevious = 0.0;
  double dHi = kInfinity;
  double sHi = kInfinity;
  double d = std::min(error, maxDistance);
  bool warned = false;
  for (int step = 0; step < kMaxSteps; ++step) {
    const bool atLimit = d >= maxDistance;
    const double value = atLimit ? limit : best + direction * d;
    const double f = profile(value);
    const double excess = f - fmin - errordef;
    if (f < fmin - kNewMinimumTolerance * errordef && !warned) {
      HS3_LOG(kWarning, "fit")
          << std::setprecision(10) << "MINOS found f = " << f
          << " below the minimum " << fmin
          << "; the fit stopped short of the best minimum, so refit "
             "before trusting the intervals";
      warned = true;
    }
    if (std::abs(excess) < kCrossingTolerance * errordef) {
      return {value - best, true};
    }
    if (!std::isfinite(f) || excess > 0.0) {
      dHi = d;
      sHi = rise(f);
    } else {
      if (atLimit) return {value - best, false};
      dPrevious = dLo;
      sPrevious = sLo;
      dLo = d;
      sLo = rise(f);
    }

    if (dHi < kInfinity) {
      const double width = dHi - dLo;
      if (width <= 4.0 * std::numeric_limits<double>::epsilon() *
                       (std::abs(best) + dHi)) {
        return {value - best, true};
      }
      double next = dLo + 0.5 * width;
      if (std::isfinite(sHi) && sHi > sLo) {
        next = dLo + (1.0 - sLo) * width / (sHi - sLo);
      }
      d = std::clamp(next, dLo + 0.01 * width, dHi - 0.01 * width);
    } else {
      // Not bracketed yet: extrapolate the last two points, which s makes
      // nearly linear, but never more than four times as far.
      double next = 2.0 * dLo;
      if (sLo > sPrevious) {
        next = dLo + (1.0 - sLo) * (dLo - dPrevious) / (sLo - sPrevious);
      }
      d = std::min(std::clamp(next, 1.1 * dLo, 4.0 * dLo), maxDistance);
    }
  }
  return {direction * d, false};
}

}  // namespace

MinosInterval minosInterval(Objective& objective,
                            const std::vector<Parameter>& parameters,
                            const FitOptions& options, const FitResult& best,
                            std::size_t index, std::size_t& calls) {
  const Parameter& parameter = parameters[index];
  const double value = best.values[index];
  double error = 0.1 * (1.0 + std::abs(value));
  if (index < best.errors.size() && best.errors[index] > 0.0 &&
      std::isfinite(best.errors[index])) {
    error = best.errors[index];
  }

  MinosInterval interval;
  interval.name = parameter.name;
  Profile upperProfile(objective, parameters, options, best, index);
  const Crossing upper =
      findCrossing(upperProfile, value, best.minValue, options.errordef, error,
                   parameter.upper, 1.0);
  Profile lowerProfile(objective, parameters, options, best, index);
  const Crossing lower =
      findCrossing(lowerProfile, value, best.minValue, options.errordef, error,
                   parameter.lower, -1.0);
  calls += upperProfile.calls() + lowerProfile.calls();

  interval.upper = upper.offset;
  interval.upperValid = upper.valid;
  interval.lower = lower.offset;
  interval.lowerValid = lower.valid;
  return interval;
}

}  // namespace hs3::fit
