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
      {"generalized_normal_dist", generalizedNormalLogDensity,
       generalizedNormalLogIntegral, nullptr, false},
      {"bifurkated_gaussian_dist", bifurcatedGaussianLogDensity,
       bifurcatedGaussianLogIntegral, nullptr, false},
      {"gamma_dist", gammaLogDensity, gammaLogIntegral, nullptr, false},
      {"relativistic_breit_wigner_dist", relativisticBreitWignerLogDensity,
       nullptr, nullptr, false},
      {"power_sum_dist", powerSumLogDensity, powerSumLogIntegral, nullptr,
       false},
      {"legacy_exp_poly_dist", expPolynomialLogDensity,
       expPolynomialLogIntegral, nullptr, false},
      {"CMS::ggZZ_background_dist", ggZZBackgroundLogDensity, nullptr, nullptr,
       false},
      {"CMS::qqZZ_background_dist", qqZZBackgroundLogDensity, nullptr, nullptr,
       false},
      {"decay_dist", decayLogDensity, decayLogIntegral, nullptr, false},
      // Resolution models are densities of their own too (RooFit's are
      // pdfs); the delta model is not, and decay_dist reads it directly.
      {"gauss_resolution_model", gaussianLogDensity, gaussianLogIntegral,
       nullptr, false},
      {"gauss_model_function", gaussianLogDensity, gaussianLogIntegral, nullptr,
       false},
      {"mixture_resolution_model", nullptr, nullptr, mixture, false},
      {"mixture_model", nullptr, nullptr, mixture, false},
      {"barlow_beeston_lite_poisson_constraint_dist",
       barlowBeestonLiteLogDensity, nullptr, nullptr, true},
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
      {"landau_dist", landauLogDensity, landauLogIntegral, nullptr, false},
      {"fft_convolution_dist", nullptr, nullptr, fftConvolution, false},
      {"fft_conv_pdf", nullptr, nullptr, fftConvolution, false},
      {"projected_dist", nullptr, nullptr, projection, false},
      {"weighted_sum_dist", nullptr, nullptr, weightedSumDist, false},
      {"rate_density_dist", nullptr, nullptr, rateDensity, false},
      {"bincounts_extended_dist", nullptr, nullptr, bincountsExtended, false},
      {"bincounts_density_dist", nullptr, nullptr, bincountsDensity, false},
      {"binsampling_dist", nullptr, nullptr, binSampling, false},
      {"binsampling", nullptr, nullptr, binSampling, false},
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
      {"weighted_sum", funcs::weightedSum},
      {"binvolume", funcs::binVolume},
      {"inverse_binvolume", funcs::inverseBinVolume},
      {"binwidth", funcs::binWidth},
      {"spline", funcs::spline},
      {"derivative", funcs::derivative},
      {"integral", funcs::integral},
  };
  return kinds;
}

}  // namespace hs3::graph
