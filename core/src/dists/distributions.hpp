// The distribution families, one file each; graph/registry.cpp maps their
// HS3 type keys to these builders.
#pragma once

#include "graph/builder.hpp"

namespace hs3::dists {

using graph::Call;
using graph::kInf;
using graph::LogPdf;
using graph::NodeId;
using graph::Range;

// positive.cpp: `logDensity`, or log 0 where a parameter behind one of
// `keys` is not positive; a literal that is not positive is an error.
NodeId requirePositive(Call& call, NodeId logDensity,
                       std::initializer_list<const char*> keys);

// gaussian.cpp
NodeId gaussianLogDensity(Call& call);
NodeId gaussianLogIntegral(Call& call, const std::string& var, Range range);
LogPdf multivariateNormal(Call& call);

// exponential.cpp: exponential, uniform, lognormal, poisson
NodeId exponentialLogDensity(Call& call);
NodeId exponentialLogIntegral(Call& call, const std::string& var, Range range);
NodeId uniformLogDensity(Call& call);
NodeId uniformLogIntegral(Call& call, const std::string& var, Range range);
NodeId lognormalLogDensity(Call& call);
NodeId lognormalLogIntegral(Call& call, const std::string& var, Range range);
NodeId poissonLogDensity(Call& call);
// n ln(nu) - nu - lgamma(n + 1), the log of the continued Poisson
// probability of n when nu is expected, with 0 ln 0 taken as 0.
NodeId logPoisson(graph::Program& p, NodeId n, NodeId nu);

// polynomial.cpp: polynomial, chebychev, bernstein
NodeId polynomialLogDensity(Call& call);
NodeId polynomialLogIntegral(Call& call, const std::string& var, Range range);
NodeId chebychevLogDensity(Call& call);
NodeId chebychevLogIntegral(Call& call, const std::string& var, Range range);
NodeId bernsteinLogDensity(Call& call);
NodeId bernsteinLogIntegral(Call& call, const std::string& var, Range range);

// shapes.cpp: peaks and edges normalised numerically
NodeId argusLogDensity(Call& call);
NodeId crystalBallLogDensity(Call& call);
NodeId histogramLogDensity(Call& call);
NodeId histogramLogIntegral(Call& call, const std::string& var, Range range);

// peaks.cpp: generalised normal, bifurcated Gaussian, gamma, Breit-Wigner
NodeId generalizedNormalLogDensity(Call& call);
NodeId generalizedNormalLogIntegral(Call& call, const std::string& var,
                                    Range range);
NodeId bifurcatedGaussianLogDensity(Call& call);
NodeId bifurcatedGaussianLogIntegral(Call& call, const std::string& var,
                                     Range range);
NodeId gammaLogDensity(Call& call);
NodeId gammaLogIntegral(Call& call, const std::string& var, Range range);
NodeId relativisticBreitWignerLogDensity(Call& call);

// power.cpp: power sums, exponentials of polynomials, CMS ZZ continua
NodeId powerSumLogDensity(Call& call);
NodeId powerSumLogIntegral(Call& call, const std::string& var, Range range);
NodeId expPolynomialLogDensity(Call& call);
NodeId expPolynomialLogIntegral(Call& call, const std::string& var,
                                Range range);
NodeId ggZZBackgroundLogDensity(Call& call);
NodeId qqZZBackgroundLogDensity(Call& call);

// decay.cpp: exponential decay convolved with a resolution model
NodeId decayLogDensity(Call& call);
NodeId decayLogIntegral(Call& call, const std::string& var, Range range);

// barlow_beeston.cpp
NodeId barlowBeestonLiteLogDensity(Call& call);

// composite.cpp
LogPdf mixture(Call& call);
LogPdf product(Call& call);
LogPdf rateExtended(Call& call);
NodeId efficiencyProductLogDensity(Call& call);
NodeId genericLogDensity(Call& call);
NodeId densityFunctionLogDensity(Call& call);
LogPdf selfNormalisedDensityFunction(Call& call);
NodeId logDensityFunctionLogDensity(Call& call);

// landau.cpp
NodeId landauLogDensity(Call& call);
NodeId landauLogIntegral(Call& call, const std::string& var, Range range);

// convolution.cpp
LogPdf fftConvolution(Call& call);

// projection.cpp
LogPdf projection(Call& call);

// binned.cpp: sums of functions, rate densities, counts in bins
LogPdf weightedSumDist(Call& call);
LogPdf rateDensity(Call& call);
LogPdf bincountsExtended(Call& call);
LogPdf bincountsDensity(Call& call);
LogPdf binSampling(Call& call);

}  // namespace hs3::dists
