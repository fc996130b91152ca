// A scalar function of n parameters with its exact gradient: what the
// minimizer minimises. Likelihoods implement it with nll = -log L.
//
//   class Parabola : public hs3::Objective {
//     std::size_t dimension() const override { return 1; }
//     double value(const double* x) override { return x[0] * x[0]; }
//     double valueAndGradient(const double* x, double* g) override {
//       g[0] = 2 * x[0];
//       return x[0] * x[0];
//     }
//   };
#pragma once

#include <cstddef>
#include <string>

namespace hs3 {

class Objective {
 public:
  virtual ~Objective() = default;

  virtual std::size_t dimension() const = 0;
  // f(x) for x of length dimension().
  virtual double value(const double* x) = 0;
  // f(x), and the gradient df/dx written to grad (length dimension()).
  virtual double valueAndGradient(const double* x, double* grad) = 0;
  // Where f(x) is NaN or infinite: which term made it so, in words; empty
  // when the objective cannot tell.
  virtual std::string explainNonFinite(const double* x) {
    (void)x;
    return "";
  }
};

}  // namespace hs3
