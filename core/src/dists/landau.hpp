// The Landau density and distribution function as ROOT computes them
// (TMath::Landau, ROOT::Math::landau_cdf): the piecewise rational
// approximations of Kölbig and Schorr, Comput. Phys. Commun. 31 (1984) 97
// (CERNLIB G110, DENLAN and DISLAN), each with its exact derivative in the
// standardised variable. Matching ROOT to 1e-7 needs the same approximation,
// not a more accurate Landau function.
#pragma once

#include "dists/kernels.hpp"

namespace hs3::kernels {

// The density phi(z) and d phi / dz; zero far below the peak, where the
// approximation underflows.
ValueAndSlope landauDensity(double z);

// log phi(z) and phi'(z) / phi(z), computed in logarithms where phi
// underflows, so that the slope stays finite (and exact) wherever phi is
// not 0 in ROOT; -infinity with slope 0 where ROOT cuts it to 0.
ValueAndSlope landauLogDensity(double z);

// The distribution function Phi(z) and d Phi / dz: the derivative of the
// approximation itself (close to, but not exactly, landauDensity), so that
// gradients agree with the values.
ValueAndSlope landauDistribution(double z);

}  // namespace hs3::kernels
