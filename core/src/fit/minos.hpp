// Profile-likelihood intervals, as Minuit's MINOS computes them: on each side
// of the best fit, the value of one parameter where f, minimised over all
// other free parameters, rises by errordef above its minimum.
//
// The profile is evaluated by fitting again with the parameter fixed, the
// other parameters starting from the last profile fit moved along the
// covariance. The crossing is found by a secant method on
// s = sqrt((f - fmin) / errordef), which is linear in the parameter for a
// parabolic profile, so that a few fits suffice.
#pragma once

#include <cstddef>
#include <vector>

#include "hs3/fit.hpp"

namespace hs3::fit {

// The interval of parameters[index] around the fit `best` (which must have
// converged); `calls` grows by the objective evaluations of all the fits.
MinosInterval minosInterval(Objective& objective,
                            const std::vector<Parameter>& parameters,
                            const FitOptions& options, const FitResult& best,
                            std::size_t index, std::size_t& calls);

}  // namespace hs3::fit
