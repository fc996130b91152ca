// The HS3 vocabulary of the general graph: every distribution and function
// type key with its builder, in one place. An unknown type is refused with
// this list.

#include "dists/distributions.hpp"
#include "funcs/functions.hpp"
#include "graph/builder.hpp"

namespace hs3::graph {

const std::vector<DistributionKind>& distributionKinds() {
  using namespace dists;
  static const std::vector<DistributionKind> kinds = {
      {"gaussian_dist", gaussianLogDensity, gaussianLogIntegral, nullptr,
       false},
      {"normal_dist", gaussianLogDensity, gaussianLogIntegral, nullptr, false},
      {"multivariate_normal_dist", nullptr, nullptr, multivariateNormal, false},
      {"exponential_dist", exponentialLogDensity, exponentialLogIntegral,
       nullptr, false},
      {"uniform_dist", uniformLogDensity, uniformLogIntegral, nullptr, false},
      {"lognormal_dist", lognormalLogDensity, lognormalLogIntegral, nullptr,
       false},
      {"poisson_dist", poissonLogDensity, nullptr, nullptr, true},
      {"polynomial_dist", polynomialLogDensity, polynomialLogIntegral, nullptr,
       false},
      {"chebychev_dist", chebychevLogDensity, chebychevLogIntegral, nullptr,
       false},
      {"bernstein_poly_dist", bernsteinLogDensity, bernsteinLogIntegral,
       nullptr, false},
      {"argus_dist", argusLogDensity, nullptr, nullptr, false},
      {"ARGUS_dist", argusLogDensity, nullptr, nullptr, false},
      {"crystalball_dist", crystalBallLogDensity, nullptr, nullptr, false},
      {"crystalball_doublesided_dist", crystalBallLogDensity, nullptr, nullptr,
       false},
      {"histogram_dist", histogramLogDensity, histogramLogIntegral, nullptr,
       false},
      {"mixture_dist", nullptr, nullptr, mixture, false},
      {"product_dist", nullptr, nullptr, product, false},
      {"rate_extended_dist", nullptr, nullptr, rateExtended, false},
      {"extend_pdf", nullptr, nullptr, rateExtended, false},
      {"efficiency_product_pdf_dist", efficiencyProductLogDensity, nullptr,
       nullptr, false},
      {"generic_dist", genericLogDensity, nullptr, nullptr, false},
      {"density_function_dist", nullptr, nullptr, selfNormalisedDensityFunction,
       false},
      {"log_density_function_dist", logDensityFunctionLogDensity, nullptr,
       nullptr, false},
  };
  return kinds;
}

const std::vector<FunctionKind>& functionKinds() {
  static const std::vector<FunctionKind> kinds = {
      {"sum", funcs::sum},
      {"product", funcs::product},
      {"generic_function", funcs::generic},
      {"generic", funcs::generic},
      {"polynomial", funcs::polynomial},
      {"interpolation", funcs::interpolation},
      {"interpolation0d", funcs::interpolation0d},
      {"step", funcs::step},
      {"histogram", funcs::histogram},
      {"CMS::process_normalization", funcs::processNormalization},
      {"CMS::asympow", funcs::asymmetricPower},
      {"roorecursivefraction_dist", funcs::recursiveFraction},
  };
  return kinds;
}

}  // namespace hs3::graph
