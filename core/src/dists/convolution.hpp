// Kernels of the sampled convolution (fft_convolution_dist): the cyclic
// convolution of two sampled densities by FFT with its adjoint, and the
// polynomial interpolation of a histogram between its bin centres, as
// ROOT's RooFFTConvPdf and RooDataHist do them.
//
//   std::vector<double> out(m);
//   kernels::cyclicConvolution(a.data(), b.data(), n, offset, m,
//                              out.data());
//   kernels::HistogramGrid grid{lo, hi, m};
//   auto s = kernels::interpolationStencil(x, grid, 2);
//   double value = 0;
//   for (std::size_t k = 0; k < s.size; ++k) {
//     value += s.weights[k] * out[s.bins[k]];
//   }
#pragma once

#include <cstddef>

namespace hs3::kernels {

// out[i] = (a * b)[(i + offset) mod n] for i < m, where (a * b)[k] =
// sum_p a[p] b[(k - p) mod n] is the cyclic convolution of two length-n
// vectors.
void cyclicConvolution(const double* a, const double* b, std::size_t n,
                       std::size_t offset, std::size_t m, double* out);

// The reverse sweep of cyclicConvolution: adds d(sum_i outAdjoint[i] out[i])
// / da to aAdjoint and / db to bAdjoint; either may be null when that input
// needs no adjoint.
void cyclicConvolutionAdjoint(const double* a, const double* b, std::size_t n,
                              std::size_t offset, std::size_t m,
                              const double* outAdjoint, double* aAdjoint,
                              double* bAdjoint);

// `bins` bins of equal width on [lo, hi].
struct HistogramGrid {
  double lo = 0.0;
  double hi = 1.0;
  std::size_t bins = 1;
  double width() const { return (hi - lo) / static_cast<double>(bins); }
};

constexpr int kMaxInterpolationOrder = 10;

// The value of an interpolated histogram at x is sum_k weights[k] *
// contents[bins[k]]; slopes[k] are the x-derivatives of the weights.
struct InterpolationStencil {
  std::size_t size = 0;
  std::size_t bins[kMaxInterpolationOrder + 1] = {};
  double weights[kMaxInterpolationOrder + 1] = {};
  double slopes[kMaxInterpolationOrder + 1] = {};
};

// RooDataHist's interpolation of order `order` at x: the polynomial through
// the centres of order + 1 neighbouring bins, the histogram mirrored at its
// edges; order 0 is the content of the bin of x. Needs grid.bins > order.
InterpolationStencil interpolationStencil(double x, const HistogramGrid& grid,
                                          int order);

}  // namespace hs3::kernels
