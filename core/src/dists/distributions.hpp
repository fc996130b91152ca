// The distribution families, one file each; graph/registry.cpp maps their
// HS3 type keys to these builders.
#pragma once

#include "graph/builder.hpp"

namespace hs3::dists {

using graph::Call;
using graph::LogPdf;
using graph::NodeId;
using graph::Range;

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

// composite.cpp
LogPdf mixture(Call& call);
LogPdf product(Call& call);
LogPdf rateExtended(Call& call);
NodeId efficiencyProductLogDensity(Call& call);
NodeId genericLogDensity(Call& call);
NodeId densityFunctionLogDensity(Call& call);
LogPdf selfNormalisedDensityFunction(Call& call);
NodeId logDensityFunctionLogDensity(Call& call);

}  // namespace hs3::dists
