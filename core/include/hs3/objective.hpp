// A scalar function of n parameters with its exact gradient: what the
// minimizer minimises. Likelihoods implement it with nll = -log L.
#pragma once

#include <cstddef>

namespace hs3 {

class Objective {
 public:
  virtual ~Objective() = default;

  virtual std::size_t dimension() const = 0;
  // f(x) for x of length dimension().
  virtual double value(const double* x) = 0;
  // f(x), and the gradient df/dx written to grad (length dimension()).
  virtual double valueAndGradient(const double* x, double* grad) = 0;
};

}  // namespace hs3
