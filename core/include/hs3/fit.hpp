// The minimizer: variable-metric (BFGS) minimisation with bounds, Hessian
// errors and profile-likelihood (MINOS-like) intervals.
//
// It minimises any hs3::Objective using the objective's exact gradient.
// Bounded parameters are mapped to an unbounded internal variable with
// Minuit's transforms (sin for two bounds, sqrt for one), fixed parameters are
// removed from the internal problem. Convergence is on the estimated distance
// to the minimum, EDM = g^T V g / 2 in internal coordinates, against the
// target 0.002 * tolerance * errordef, as in Minuit. After convergence the
// Hessian of f in external coordinates is computed from finite differences of
// the exact gradient, and its inverse times 2 * errordef is the covariance.
//
// The result owns plain vectors; it explains itself through status, message()
// and the list of parameters at a bound.
//
//   std::vector<hs3::Parameter> pars = ...;   // name, init, bounds, fixed
//   hs3::FitOptions options;                  // errordef 0.5 for an NLL
//   hs3::FitResult r = hs3::minimize(objective, pars, options);
//   if (!r.isValid()) std::cerr << r.message() << "\n";
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hs3/objective.hpp"
#include "hs3/parameter.hpp"

namespace hs3 {

struct FitOptions {
  // 0: fast, no Hessian at the start; 1: Minuit's default; 2: careful, exact
  // Hessian at the start and a Hessian check at the end.
  int strategy = 1;
  // Minuit's tolerance: the EDM target is 0.002 * tolerance * errordef.
  double tolerance = 0.1;
  // The change of f that defines one standard deviation: 0.5 for a negative
  // log-likelihood, 1 for -2 log L or a chi-square.
  double errordef = 0.5;
  // Objective evaluations allowed (value or value-and-gradient); 0 means
  // Minuit's default 200 + 100 n + 5 n^2.
  std::size_t maxCalls = 0;
  // Whether to compute the Hessian, covariance and errors after the fit.
  bool computeErrors = true;
  // Names of parameters that get profile-likelihood (MINOS-like) intervals.
  std::vector<std::string> minos;
};

// How a minimisation ended. Every value but kConverged and
// kCovarianceForcedPosDef means the best-fit values should not be trusted.
enum class FitStatus {
  // EDM below its target and, when errors were asked for, a positive-definite
  // Hessian.
  kConverged,
  // Converged, but the Hessian was not positive-definite and was made so by
  // adding to its diagonal; errors are approximate.
  kCovarianceForcedPosDef,
  // The minimisation stopped at the call limit before reaching the EDM target.
  kCallLimit,
  // No further progress was possible, yet the EDM stayed above its target.
  kEdmAboveTarget,
  // The Hessian could not be computed or inverted at the minimum.
  kHessianFailed,
  // The objective returned NaN or infinity where the fit had to go on.
  kFailed,
};

const char* fitStatusName(FitStatus status);

// A profile-likelihood interval of one parameter: the values where f rises by
// errordef above its minimum with all other free parameters refitted.
struct MinosInterval {
  std::string name;
  double lower = 0.0;       // negative: best - lower end
  double upper = 0.0;       // positive: upper end - best
  bool lowerValid = false;  // false when the crossing lies beyond a bound
  bool upperValid = false;
};

struct FitResult {
  FitStatus status = FitStatus::kFailed;
  std::vector<std::string> names;
  std::vector<double> values;  // best fit, external coordinates
  // Hessian errors; 0 for fixed parameters. Empty if errors were not asked.
  std::vector<double> errors;
  // Row-major n x n over all parameters (fixed ones have zero rows).
  std::vector<double> covariance;
  std::vector<double> correlation;
  double minValue = 0.0;  // f at the minimum
  double edm = 0.0;
  double edmTarget = 0.0;
  std::size_t calls = 0;  // objective evaluations
  std::size_t callLimit = 0;
  std::size_t iterations = 0;  // BFGS steps
  // Free parameters within 1e-4 of a bound's range (relative to the width, or
  // absolute for one-sided bounds): their errors are not Gaussian.
  std::vector<std::string> atBound;
  // The bound each parameter in atBound sits at, in the same order.
  std::vector<double> atBoundLimits;
  std::vector<MinosInterval> minos;
  // For a failed fit: where the objective's NaN or infinity came from.
  std::string diagnosis;

  bool isValid() const {
    return status == FitStatus::kConverged ||
           status == FitStatus::kCovarianceForcedPosDef;
  }
  bool hasParametersAtBound() const { return !atBound.empty(); }
  // One sentence with the numbers: status, EDM against target, calls against
  // the limit, parameters at a bound.
  std::string message() const;
};

FitResult minimize(Objective& objective,
                   const std::vector<Parameter>& parameters,
                   const FitOptions& options = FitOptions());

}  // namespace hs3
