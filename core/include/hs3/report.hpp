// Results as JSON text, in the shapes the `hs3` command prints and the
// JavaScript API returns, so that both frontends agree field by field.
//
//   std::cout << hs3::report::nll(likelihood, x, /*withGradient=*/true);
#pragma once

#include <string>
#include <vector>

#include "hs3/error.hpp"
#include "hs3/fit.hpp"
#include "hs3/infer.hpp"
#include "hs3/model.hpp"

namespace hs3::report {

// Channels, samples, bins, parameters with their settings, constraints.
std::string inspect(const Model& model);

// {"logpdf", "nll", "twice_nll", "main_logpdf", "constraint_logpdf"}, plus
// "gradient" (of the nll, by parameter name) when asked for.
std::string nll(Likelihood& likelihood, const std::vector<double>& x,
                bool withGradient);

// Best fit, errors, correlations, twice_nll, status and its explanation.
std::string fit(const FitResult& result);

// pyhf's shape ({"CLs_obs", "CLs_exp"}) plus the tail probabilities, the
// statistics and any fit warnings.
std::string hypotest(const HypotestResult& result);

// {"obs", "exp"} as pyhf prints limits, with what was not found.
std::string upperLimit(const UpperLimitResult& result);

std::string scan(const ScanResult& result);
// {"parameters", "values", "bestfit", "twice_nll_min", "delta_twice_nll"
// (rows along the first parameter; null where a fit failed), "warnings"}.
std::string scan2d(const Scan2dResult& result);

std::string significance(const SignificanceResult& result);

std::string pulls(const PullsResult& result);
std::string ranking(const RankingResult& result);
std::string yields(const YieldsResult& result);

// {"error": {"code", "path", "message"}} for an hs3::Error.
std::string errorObject(const Error& error);

// One compact line for one patch of a patchset: {"patch", "values", ...}
// followed by the members of `body`, itself a JSON object's text.
std::string patchLine(const std::string& patch,
                      const std::vector<double>& values,
                      const std::string& body);

}  // namespace hs3::report
