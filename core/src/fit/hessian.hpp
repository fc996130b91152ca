// Second derivatives of the objective: the Hessian from finite differences of
// the exact gradient, Minuit's repair of a matrix that is not
// positive-definite (MnPosDef) and a well-conditioned inverse.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "fit/fit_problem.hpp"

namespace hs3::fit {

// Makes a symmetric matrix positive-definite by enlarging its diagonal, the
// way Minuit's MnPosDef does: scaled to unit diagonal, the smallest
// eigenvalue is raised to a thousandth of the largest. Returns whether the
// matrix had to be changed.
bool makePositiveDefinite(Eigen::MatrixXd& matrix);

// The inverse of a symmetric positive-definite matrix, computed on the
// matrix scaled to unit diagonal so that curvatures many orders of magnitude
// apart keep their precision. Returns false if the matrix is not
// positive-definite.
bool invertPositiveDefinite(const Eigen::MatrixXd& matrix,
                            Eigen::MatrixXd& inverse);

// The Hessian of f with respect to the free external parameters at x, from
// central differences of the exact gradient (one-sided second-order
// differences next to a bound), symmetrised. sigma holds a first guess of
// each parameter's error; steps are a hundredth of the error, and a column
// is redone when its own curvature says the guess was off by more than ten.
// Returns false if the gradient is not finite near x.
bool externalHessian(FitProblem& problem, const std::vector<double>& x,
                     const Eigen::VectorXd& sigma, double errordef,
                     Eigen::MatrixXd& hessian);

}  // namespace hs3::fit
