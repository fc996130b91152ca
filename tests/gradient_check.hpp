// The check every likelihood test makes of its gradient: the exact one
// against central finite differences.
#pragma once

#include <memory>
#include <vector>

#include "hs3/model.hpp"

namespace hs3::test {

// The largest difference between the exact gradient of -log L on the
// model's observed data at x and central finite differences, relative to
// the size of the derivative (at least 1). Infinite when either is not
// finite, so that a NaN cannot pass for agreement. The step is
// relativeStep * max(1, |x_i|).
double worstGradientError(const std::shared_ptr<const Model>& model,
                          const std::vector<double>& x,
                          double relativeStep = 1e-6);

}  // namespace hs3::test
