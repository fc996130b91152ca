#include "gradient_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hs3::test {

double worstGradientError(const std::shared_ptr<const Model>& model,
                          const std::vector<double>& x, double relativeStep) {
  Likelihood likelihood(model, model->observedData());
  std::vector<double> grad(x.size());
  likelihood.valueAndGradient(x.data(), grad.data());
  double worst = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double h = relativeStep * std::max(1.0, std::abs(x[i]));
    std::vector<double> up = x, down = x;
    up[i] += h;
    down[i] -= h;
    const double fd =
        (likelihood.value(up.data()) - likelihood.value(down.data())) / (2 * h);
    if (!std::isfinite(fd) || !std::isfinite(grad[i])) {
      return std::numeric_limits<double>::infinity();
    }
    worst =
        std::max(worst, std::abs(fd - grad[i]) / std::max(1.0, std::abs(fd)));
  }
  return worst;
}

}  // namespace hs3::test
