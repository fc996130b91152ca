// The fit as the algorithms see it: the free parameters only, each mapped to
// an unbounded internal variable by its ParameterTransform, while fixed
// parameters keep their values. Every evaluation of the objective goes
// through this class, which counts it.
//
// The problem borrows the objective; it must outlive the problem.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <vector>

#include "fit/parameter_transform.hpp"
#include "hs3/objective.hpp"
#include "hs3/parameter.hpp"

namespace hs3::fit {

class FitProblem {
 public:
  FitProblem(Objective& objective, const std::vector<Parameter>& parameters);

  // Number of free parameters: the dimension of the internal problem.
  std::size_t size() const { return free_.size(); }
  // Number of parameters of the objective, free and fixed.
  std::size_t dimension() const { return external_.size(); }
  std::size_t calls() const { return calls_; }

  // Index into the full parameter list of the k-th free parameter.
  std::size_t freeIndex(std::size_t k) const { return free_[k]; }
  const ParameterTransform& transform(std::size_t k) const {
    return transforms_[k];
  }

  // Internal coordinates of the starting values.
  Eigen::VectorXd internalStart() const;
  // External values of all parameters at the internal point u.
  const std::vector<double>& toExternal(const Eigen::VectorXd& u);

  // f at the internal point u and its gradient with respect to u.
  double valueAndGradient(const Eigen::VectorXd& u, Eigen::VectorXd& grad);
  // f at the external point x (all parameters) and its gradient with respect
  // to every external parameter.
  double externalValueAndGradient(const std::vector<double>& x,
                                  std::vector<double>& grad);
  double externalValue(const std::vector<double>& x);

 private:
  Objective& objective_;
  std::vector<std::size_t> free_;
  std::vector<ParameterTransform> transforms_;
  std::vector<double> start_;
  std::vector<double> external_;
  std::vector<double> externalGradient_;
  std::size_t calls_ = 0;
};

}  // namespace hs3::fit
