#include "fit/fit_problem.hpp"

namespace hs3::fit {

FitProblem::FitProblem(Objective& objective,
                       const std::vector<Parameter>& parameters)
    : objective_(objective),
      external_(parameters.size()),
      externalGradient_(parameters.size()) {
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Parameter& p = parameters[i];
    external_[i] = p.init;
    if (p.fixed) continue;
    free_.push_back(i);
    transforms_.emplace_back(p.lower, p.upper);
  }
  start_ = external_;
}

Eigen::VectorXd FitProblem::internalStart() const {
  Eigen::VectorXd u(size());
  for (std::size_t k = 0; k < size(); ++k) {
    u[k] = transforms_[k].toInternal(start_[free_[k]]);
  }
  return u;
}

const std::vector<double>& FitProblem::toExternal(const Eigen::VectorXd& u) {
  for (std::size_t k = 0; k < size(); ++k) {
    external_[free_[k]] = transforms_[k].toExternal(u[k]);
  }
  return external_;
}

double FitProblem::valueAndGradient(const Eigen::VectorXd& u,
                                    Eigen::VectorXd& grad) {
  toExternal(u);
  ++calls_;
  const double f =
      objective_.valueAndGradient(external_.data(), externalGradient_.data());
  for (std::size_t k = 0; k < size(); ++k) {
    grad[k] = externalGradient_[free_[k]] * transforms_[k].derivative(u[k]);
  }
  return f;
}

double FitProblem::externalValueAndGradient(const std::vector<double>& x,
                                            std::vector<double>& grad) {
  ++calls_;
  return objective_.valueAndGradient(x.data(), grad.data());
}

double FitProblem::externalValue(const std::vector<double>& x) {
  ++calls_;
  return objective_.value(x.data());
}

}  // namespace hs3::fit
