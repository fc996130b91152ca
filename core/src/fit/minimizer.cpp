#include "hs3/fit.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <cstddef>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "fit/fit_problem.hpp"
#include "fit/hessian.hpp"
#include "fit/migrad.hpp"
#include "fit/minos.hpp"
#include "hs3/error.hpp"
#include "hs3/log.hpp"

namespace hs3 {

namespace {

// A free parameter closer to a bound than this (relative to the width for
// two bounds, absolute for one) is reported as at the bound.
constexpr double kAtBoundDistance = 1e-4;
// Names listed in full in an error message before "and N more".
constexpr std::size_t kMaxListedNames = 20;

std::string formatNumber(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string formatEdm(double value) {
  std::ostringstream out;
  out << std::scientific << std::setprecision(1) << value;
  return out.str();
}

[[noreturn]] void throwInvalid(const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, "", message);
}

void validate(const Objective& objective,
              const std::vector<Parameter>& parameters,
              const FitOptions& options) {
  if (parameters.size() != objective.dimension()) {
    throwInvalid("the objective has " + std::to_string(objective.dimension()) +
                 " parameters but " + std::to_string(parameters.size()) +
                 " were given; pass one Parameter for each");
  }
  if (options.strategy < 0 || options.strategy > 2) {
    throwInvalid("strategy must be 0, 1 or 2, not " +
                 std::to_string(options.strategy));
  }
  if (!(options.tolerance > 0.0) || !std::isfinite(options.tolerance)) {
    throwInvalid("tolerance must be a positive number, not " +
                 formatNumber(options.tolerance));
  }
  if (!(options.errordef > 0.0) || !std::isfinite(options.errordef)) {
    throwInvalid(
        "errordef must be positive (0.5 for a negative "
        "log-likelihood, 1 for a chi-square), not " +
        formatNumber(options.errordef));
  }

  for (const Parameter& p : parameters) {
    if (!std::isfinite(p.init)) {
      throwInvalid("parameter '" + p.name + "' starts at " +
                   formatNumber(p.init) + ", which is not a finite number");
    }
    if (p.fixed) continue;
    const std::string bounds =
        "[" + formatNumber(p.lower) + ", " + formatNumber(p.upper) + "]";
    if (!(p.lower < p.upper)) {
      throwInvalid("parameter '" + p.name + "' has bounds " + bounds +
                   "; a free parameter needs its lower bound below its "
                   "upper bound (use infinities for no bound)");
    }
    if (p.init < p.lower || p.init > p.upper) {
      throwInvalid("parameter '" + p.name + "' starts at " +
                   formatNumber(p.init) + ", outside its bounds " + bounds);
    }
  }
}

std::string listFreeNames(const std::vector<Parameter>& parameters) {
  std::string list;
  std::size_t listed = 0;
  std::size_t free = 0;
  for (const Parameter& p : parameters) {
    if (p.fixed) continue;
    ++free;
    if (listed == kMaxListedNames) continue;
    list += (listed == 0 ? "" : ", ") + p.name;
    ++listed;
  }
  if (free == 0) return "none, all parameters are fixed";
  if (free > listed) {
    list += " and " + std::to_string(free - listed) + " more";
  }
  return list;
}

// Indices of the parameters named in options.minos, which must be free.
std::vector<std::size_t> minosIndices(const std::vector<Parameter>& parameters,
                                      const FitOptions& options) {
  std::vector<std::size_t> indices;
  for (const std::string& name : options.minos) {
    std::size_t found = parameters.size();
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      if (parameters[i].name == name && !parameters[i].fixed) found = i;
    }
    if (found == parameters.size()) {
      throwInvalid("MINOS was asked for '" + name +
                   "', which is not a free parameter of the fit; valid "
                   "names are " +
                   listFreeNames(parameters));
    }
    indices.push_back(found);
  }
  return indices;
}

FitStatus statusOf(fit::MigradEnd end) {
  switch (end) {
    case fit::MigradEnd::kConverged:
      return FitStatus::kConverged;
    case fit::MigradEnd::kCallLimit:
      return FitStatus::kCallLimit;
    case fit::MigradEnd::kNoProgress:
      return FitStatus::kEdmAboveTarget;
    case fit::MigradEnd::kNonFinite:
      break;
  }
  return FitStatus::kFailed;
}

void flagParametersAtBound(const fit::FitProblem& problem, FitResult& result) {
  using Kind = fit::ParameterTransform::Kind;
  for (std::size_t k = 0; k < problem.size(); ++k) {
    const std::size_t i = problem.freeIndex(k);
    const fit::ParameterTransform& t = problem.transform(k);
    const double x = result.values[i];
    const double range = t.kind() == Kind::kBoth
                             ? kAtBoundDistance * (t.upper() - t.lower())
                             : kAtBoundDistance;
    double limit = std::numeric_limits<double>::quiet_NaN();
    if (t.kind() != Kind::kNone && t.kind() != Kind::kUpper &&
        x - t.lower() < range) {
      limit = t.lower();
    } else if (t.kind() != Kind::kNone && t.kind() != Kind::kLower &&
               t.upper() - x < range) {
      limit = t.upper();
    }
    if (std::isnan(limit)) continue;
    result.atBound.push_back(result.names[i]);
    result.atBoundLimits.push_back(limit);
  }
}

// Hessian in external coordinates at the best fit, its inverse, and from
// it covariance, errors and correlations. Only a converged status changes:
// the others already say that the numbers cannot be trusted.
void computeErrors(fit::FitProblem& problem, const fit::Migrad& migrad,
                   double errordef, FitResult& result) {
  const std::size_t n = problem.size();
  const std::size_t dimension = problem.dimension();

  // First guess of each error from the minimizer's metric and the chain
  // rule; externalHessian corrects the guess where it is poor.
  Eigen::VectorXd sigma(n);
  for (std::size_t k = 0; k < n; ++k) {
    const auto i = static_cast<Eigen::Index>(k);
    const double slope = problem.transform(k).derivative(migrad.point()[i]);
    sigma[i] =
        std::abs(slope) * std::sqrt(2.0 * errordef * migrad.metric()(i, i));
  }

  Eigen::MatrixXd hessian;
  Eigen::MatrixXd inverse;
  // As in Minuit's HESSE, a Hessian that is positive-definite only by a
  // hair (correlations beyond 1 - 1e-6) counts as not positive-definite:
  // its inverse would be dominated by rounding.
  bool forced = false;
  bool ok =
      fit::externalHessian(problem, result.values, sigma, errordef, hessian);
  if (ok) {
    forced = fit::makePositiveDefinite(hessian);
    ok = fit::invertPositiveDefinite(hessian, inverse);
  }
  if (!ok) {
    HS3_LOG(kWarning, "fit")
        << "the Hessian at the minimum could not be computed or inverted, "
           "so there are no errors; look for parameters that f does not "
           "depend on and fix them";
    if (result.status == FitStatus::kConverged) {
      result.status = FitStatus::kHessianFailed;
    }
    return;
  }
  if (forced) {
    HS3_LOG(kWarning, "fit")
        << "the Hessian at the minimum is not positive-definite and was "
           "made so by adding to its diagonal; the errors are approximate. "
           "An unconstrained parameter is the usual cause: fix it or "
           "constrain it";
    if (result.status == FitStatus::kConverged) {
      result.status = FitStatus::kCovarianceForcedPosDef;
    }
  }

  // cov = 2 errordef H^-1: for a chi-square (errordef 1) f = x^2 / sigma^2
  // has H = 2 / sigma^2, for an NLL (errordef 0.5) f = x^2 / (2 sigma^2)
  // has H = 1 / sigma^2.
  const Eigen::MatrixXd covariance = 2.0 * errordef * inverse;
  result.errors.assign(dimension, 0.0);
  result.covariance.assign(dimension * dimension, 0.0);
  result.correlation.assign(dimension * dimension, 0.0);
  for (std::size_t a = 0; a < n; ++a) {
    const auto ia = static_cast<Eigen::Index>(a);
    const std::size_t i = problem.freeIndex(a);
    result.errors[i] = std::sqrt(covariance(ia, ia));
    for (std::size_t b = 0; b < n; ++b) {
      const auto ib = static_cast<Eigen::Index>(b);
      const std::size_t j = problem.freeIndex(b);
      result.covariance[i * dimension + j] = covariance(ia, ib);
      result.correlation[i * dimension + j] =
          covariance(ia, ib) /
          std::sqrt(covariance(ia, ia) * covariance(ib, ib));
    }
  }
}

}  // namespace

const char* fitStatusName(FitStatus status) {
  switch (status) {
    case FitStatus::kConverged:
      return "converged";
    case FitStatus::kCovarianceForcedPosDef:
      return "covariance_forced_pos_def";
    case FitStatus::kCallLimit:
      return "call_limit";
    case FitStatus::kEdmAboveTarget:
      return "edm_above_target";
    case FitStatus::kHessianFailed:
      return "hessian_failed";
    case FitStatus::kFailed:
      break;
  }
  return "failed";
}

std::string FitResult::message() const {
  // A fit that could not lower f any further counts as converged with an
  // EDM up to ten times its target, as in Minuit; say so.
  const std::string edmText =
      "EDM " + formatEdm(edm) +
      (edm < edmTarget ? " below target " : " above target ") +
      formatEdm(edmTarget) +
      (edm < edmTarget ? "" : ", the best that rounding in f allows,") +
      " after " + std::to_string(calls) + " calls (limit " +
      std::to_string(callLimit) + ")";
  std::string text;
  switch (status) {
    case FitStatus::kConverged:
      text = "Converged: " + edmText;
      break;
    case FitStatus::kCovarianceForcedPosDef:
      text = "Converged with approximate errors: " + edmText +
             ", but the Hessian was not positive-definite and was made so "
             "by adding to its diagonal";
      break;
    case FitStatus::kCallLimit:
      text = "Stopped at the call limit of " + std::to_string(callLimit) +
             " with EDM " + formatEdm(edm) + " still above target " +
             formatEdm(edmTarget) +
             "; allow more calls (--max-calls, maxCalls) or start closer to "
             "the minimum";
      break;
    case FitStatus::kEdmAboveTarget:
      text = "No further progress: EDM " + formatEdm(edm) +
             " stays above target " + formatEdm(edmTarget) + " after " +
             std::to_string(calls) + " calls (limit " +
             std::to_string(callLimit) +
             "), even with the metric rebuilt from a fresh Hessian";
      break;
    case FitStatus::kHessianFailed:
      text = "Converged without errors: " + edmText +
             ", but the Hessian at the minimum could not be computed or "
             "inverted";
      break;
    case FitStatus::kFailed:
      text =
          "Failed: the objective is NaN or infinite at the starting "
          "values (f = " +
          formatNumber(minValue) + ")";
      break;
  }

  if (!diagnosis.empty()) text += ": " + diagnosis;
  if (atBound.size() == 1) {
    text += "; " + atBound[0] + " is at its bound " +
            formatNumber(atBoundLimits[0]) + ", so its error is not Gaussian";
  } else if (atBound.size() > 1) {
    text += "; ";
    for (std::size_t i = 0; i < atBound.size(); ++i) {
      if (i > 0) text += i + 1 == atBound.size() ? " and " : ", ";
      text += atBound[i] + " (bound " + formatNumber(atBoundLimits[i]) + ")";
    }
    text += " are at their bounds, so their errors are not Gaussian";
  }
  return text + ".";
}

namespace {

FitResult minimizeOnce(Objective& objective,
                       const std::vector<Parameter>& parameters,
                       const FitOptions& options) {
  const std::vector<std::size_t> minos = minosIndices(parameters, options);

  fit::FitProblem problem(objective, parameters);
  const std::size_t n = problem.size();
  const std::size_t dimension = problem.dimension();
  FitResult result;
  for (const Parameter& p : parameters) {
    result.names.push_back(p.name);
    result.values.push_back(p.init);
  }
  result.edmTarget = 0.002 * options.tolerance * options.errordef;
  result.callLimit =
      options.maxCalls > 0 ? options.maxCalls : 200 + 100 * n + 5 * n * n;

  if (n == 0) {
    result.minValue = problem.externalValue(result.values);
    result.calls = problem.calls();
    result.status = std::isfinite(result.minValue) ? FitStatus::kConverged
                                                   : FitStatus::kFailed;
    if (options.computeErrors) {
      result.errors.assign(dimension, 0.0);
      result.covariance.assign(dimension * dimension, 0.0);
      result.correlation.assign(dimension * dimension, 0.0);
    }
    return result;
  }

  fit::MigradSettings settings;
  settings.strategy = options.strategy;
  settings.errordef = options.errordef;
  settings.edmTarget = result.edmTarget;
  settings.callLimit = result.callLimit;
  fit::Migrad migrad(problem, settings);
  const fit::MigradEnd end = migrad.run();
  result.status = statusOf(end);
  result.iterations = migrad.iterations();
  result.minValue = migrad.value();
  if (end == fit::MigradEnd::kNonFinite) {
    result.calls = problem.calls();
    return result;
  }
  result.values = problem.toExternal(migrad.point());
  result.edm = migrad.edm();
  flagParametersAtBound(problem, result);
  if (options.computeErrors) {
    computeErrors(problem, migrad, options.errordef, result);
  }
  result.calls = problem.calls();

  if (!minos.empty() && !result.isValid()) {
    HS3_LOG(kWarning, "fit") << "MINOS skipped because the fit did not "
                                "converge; make the fit converge first";
  }
  std::size_t minosCalls = 0;
  for (const std::size_t index : minos) {
    if (!result.isValid()) {
      MinosInterval skipped;
      skipped.name = parameters[index].name;
      result.minos.push_back(skipped);
      continue;
    }
    result.minos.push_back(fit::minosInterval(objective, parameters, options,
                                              result, index, minosCalls));
  }
  result.calls += minosCalls;

  HS3_LOG(kDebug, "fit") << result.message();
  return result;
}

}  // namespace

FitResult minimize(Objective& objective,
                   const std::vector<Parameter>& parameters,
                   const FitOptions& options) {
  validate(objective, parameters, options);
  FitResult result = minimizeOnce(objective, parameters, options);
  if (result.status == FitStatus::kFailed) {
    result.diagnosis = objective.explainNonFinite(result.values.data());
  }
  return result;
}

}  // namespace hs3
