// Results as JSON text, in the shapes the `hs3` command prints and the
// JavaScript API returns, so that both frontends agree field by field.
//
//   std::cout << hs3::report::nll(likelihood, x) << "\n";
#pragma once

#include <string>
#include <vector>

#include "hs3/model.hpp"

namespace hs3::report {

// Channels, samples, bins, parameters with their settings, constraints.
std::string inspect(const Model& model);

// {"logpdf", "nll", "twice_nll", "main_logpdf", "constraint_logpdf"}, plus
// "gradient" (of the nll, by parameter name) when asked for.
std::string nll(Likelihood& likelihood, const std::vector<double>& x,
                bool withGradient);

}  // namespace hs3::report
