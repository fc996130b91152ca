// fft_convolution_dist (ROOT's RooFFTConvPdf, exported as fft_conv_pdf):
// the convolution of two densities in one variable, computed the way ROOT
// computes it, since its discretisation shows in the likelihood at 1e-2:
//
//  - both densities are sampled at the bin centres of the variable's "cache"
//    binning, widened on each side by half the buffer fraction of its bins
//    (ROOT's "Extend" buffer strategy); the second one is sampled shifted by
//    the centre of that binning;
//  - the samples are convolved cyclically (by FFT), and the result, read
//    out from the position ROOT rotates it to, fills a histogram with the
//    cache binning;
//  - the density at x is that histogram interpolated with a polynomial of
//    order ipOrder through neighbouring bin centres, divided by the sum of
//    its bins times the bin width (RooHistPdf's integral over the full
//    range).
//
// The histogram is a node of the graph: it is recomputed only when a
// parameter of either density changed, and its adjoint is the cyclic
// correlation of the output adjoint with the other input.

#include "dists/convolution.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <unsupported/Eigen/FFT>
#include <vector>

#include "dists/distributions.hpp"
#include "funcs/integration.hpp"

namespace hs3::kernels {

namespace {

using Spectrum = std::vector<std::complex<double>>;

// kissfft keeps its plans and scratch buffers per transform length, so each
// thread has an engine of its own.
Eigen::FFT<double>& fftEngine() {
  thread_local Eigen::FFT<double> engine = [] {
    Eigen::FFT<double> fft;
    fft.SetFlag(Eigen::FFT<double>::HalfSpectrum);
    return fft;
  }();
  return engine;
}

// The n/2 + 1 non-redundant coefficients of the transform of a real vector.
void transform(const double* x, std::size_t n, Spectrum& out) {
  out.resize(n / 2 + 1);
  // kissfft's real transform reads past a vector of one (a one-bin cache
  // without buffer), whose transform is itself.
  if (n == 1) {
    out[0] = x[0];
    return;
  }
  fftEngine().fwd(out.data(), x, static_cast<Eigen::Index>(n));
}

// The real vector with that half spectrum (scaled by 1/n: the exact
// inverse of `transform`).
void inverseTransform(const Spectrum& spectrum, std::size_t n,
                      std::vector<double>& out) {
  out.resize(n);
  if (n == 1) {
    out[0] = spectrum[0].real();
    return;
  }
  fftEngine().inv(out.data(), spectrum.data(), static_cast<Eigen::Index>(n));
}

// adjoint[p] += sum_k g[k] x[(k - p) mod n], the cyclic correlation of g
// with x, given g's spectrum.
void addCorrelation(const Spectrum& gSpectrum, const double* x, std::size_t n,
                    double* adjoint) {
  Spectrum product;
  transform(x, n, product);
  for (std::size_t k = 0; k < product.size(); ++k) {
    product[k] = gSpectrum[k] * std::conj(product[k]);
  }
  std::vector<double> correlation;
  inverseTransform(product, n, correlation);
  for (std::size_t p = 0; p < n; ++p) adjoint[p] += correlation[p];
}

}  // namespace

void cyclicConvolution(const double* a, const double* b, std::size_t n,
                       std::size_t offset, std::size_t m, double* out) {
  Spectrum product, bSpectrum;
  transform(a, n, product);
  transform(b, n, bSpectrum);
  for (std::size_t k = 0; k < product.size(); ++k) product[k] *= bSpectrum[k];
  std::vector<double> convolution;
  inverseTransform(product, n, convolution);
  for (std::size_t i = 0; i < m; ++i) out[i] = convolution[(i + offset) % n];
}

void cyclicConvolutionAdjoint(const double* a, const double* b, std::size_t n,
                              std::size_t offset, std::size_t m,
                              const double* outAdjoint, double* aAdjoint,
                              double* bAdjoint) {
  // The output reads m distinct positions of the full convolution.
  std::vector<double> convolutionAdjoint(n, 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    convolutionAdjoint[(i + offset) % n] = outAdjoint[i];
  }
  Spectrum gSpectrum;
  transform(convolutionAdjoint.data(), n, gSpectrum);
  if (aAdjoint) addCorrelation(gSpectrum, b, n, aAdjoint);
  if (bAdjoint) addCorrelation(gSpectrum, a, n, bAdjoint);
}

InterpolationStencil interpolationStencil(double x, const HistogramGrid& grid,
                                          int order) {
  const long bins = static_cast<long>(grid.bins);
  const double width = grid.width();
  auto centre = [&](long i) { return grid.lo + (i + 0.5) * width; };
  // The bin of x as RooUniformBinning finds it, clamped to the histogram.
  long bin = bins - 1;
  if (x < grid.hi) {
    bin = x > grid.lo
              ? std::min(bins - 1,
                         static_cast<long>((x - grid.lo) * (1. / width)))
              : 0;
  }
  InterpolationStencil s;
  if (order == 0) {
    s.size = 1;
    s.bins[0] = static_cast<std::size_t>(bin);
    s.weights[0] = 1.0;
    return s;
  }

  // order + 1 centres around x, with two on the side of x's bin centre that
  // x lies on when the order is even; beyond an edge the histogram is
  // mirrored.
  s.size = static_cast<std::size_t>(order) + 1;
  const long first = bin - order / 2 - (x < centre(bin) ? 1 : 0);
  double nodes[kMaxInterpolationOrder + 1];
  for (long k = 0; k <= order; ++k) {
    const long i = first + k;
    long source = i;
    if (i >= bins) {
      source = 2 * bins - i - 1;
      nodes[k] = 2 * grid.hi - centre(source);
    } else if (i < 0) {
      source = -i - 1;
      nodes[k] = 2 * grid.lo - centre(source);
    } else {
      nodes[k] = centre(i);
    }
    s.bins[k] = static_cast<std::size_t>(source);
  }

  // Lagrange basis polynomials and their derivatives at x.
  for (std::size_t k = 0; k < s.size; ++k) {
    double weight = 1.0, slope = 0.0;
    for (std::size_t j = 0; j < s.size; ++j) {
      if (j == k) continue;
      const double scale = 1.0 / (nodes[k] - nodes[j]);
      slope = slope * (x - nodes[j]) * scale + weight * scale;
      weight *= (x - nodes[j]) * scale;
    }
    s.weights[k] = weight;
    s.slopes[k] = slope;
  }
  return s;
}

}  // namespace hs3::kernels

namespace hs3::dists {

using graph::Op;

namespace {

// ROOT widens a coarser binning to this many bins when no "cache" binning
// is given: 1024 / (1 + 0.1), the FFT length of its default buffer.
constexpr std::size_t kDefaultCacheBins = 930;
// The variable's number of bins when nothing sets it (RooRealVar's).
constexpr std::size_t kDefaultBins = 100;
// The most samples a convolution takes, buffer included: each density is
// evaluated at every one with all its intermediate values kept, so a
// million samples already take hundreds of megabytes (ROOT's default is
// 1024).
constexpr std::size_t kMaxSamples = std::size_t{1} << 20;

const graph::Axis* cacheAxis(const graph::Document& doc,
                             const std::string& variable) {
  for (const graph::DomainSpec& d : doc.domains) {
    if (d.name != "cache") continue;
    for (const graph::Axis& axis : d.axes) {
      if (axis.name == variable) return &axis;
    }
  }
  return nullptr;
}

// The binning ROOT samples on: the variable's binning named "cache" (an
// axis of the HS3 domain "cache"), else its own range with its own number
// of bins, raised to kDefaultCacheBins.
kernels::HistogramGrid cacheBinning(Call& call, const std::string& variable) {
  graph::Builder& b = call.builder();
  if (const graph::Axis* axis = cacheAxis(b.document(), variable)) {
    if (axis->bins() == 0) {
      call.fail(ErrorCode::kSchema, "conv_var",
                "the axis of '" + variable +
                    "' in the domain 'cache' needs 'nbins' (with 'min' and "
                    "'max'): it is the sampling of the convolution");
    }
    const double lo = axis->edges.front(), hi = axis->edges.back();
    if (!funcs::sameEdges(axis->edges,
                          funcs::uniformEdges(lo, hi, axis->bins()))) {
      call.fail(ErrorCode::kInvalidValue, "conv_var",
                "the 'cache' binning of '" + variable +
                    "' must be uniform to sample the convolution");
    }
    return {lo, hi, axis->bins()};
  }
  const graph::Range range = funcs::variableRange(b, call.context(), variable);
  const graph::Axis* axis = b.document().domainAxis(variable);
  const std::size_t bins =
      axis && axis->bins() > 0 ? axis->bins() : kDefaultBins;
  if (!range.isFinite()) {
    call.fail(ErrorCode::kInvalidValue, "conv_var",
              "the convolution variable '" + variable +
                  "' needs a finite range (a data axis, the default_domain "
                  "or a 'cache' domain) to be sampled on");
  }
  return {range.lo, range.hi, std::max(bins, kDefaultCacheBins)};
}

}  // namespace

LogPdf fftConvolution(Call& call) {
  graph::Builder& b = call.builder();
  graph::Program& p = call.program();
  const std::string& where = call.spec().path;
  if (call.has("conv_func")) {
    call.fail(ErrorCode::kSchema, "conv_func",
              "a convolution in a function of the variable is not supported");
  }
  const std::string variable = call.name("conv_var");
  const std::string pdf1 = call.name("pdf1");
  const std::string pdf2 = call.name("pdf2");
  const double order = call.number("ipOrder", 2.0);
  if (!(order >= 0 && order <= kernels::kMaxInterpolationOrder) ||
      order != std::floor(order)) {
    call.fail(ErrorCode::kInvalidValue, "ipOrder",
              "the interpolation order must be a whole number from 0 to " +
                  std::to_string(kernels::kMaxInterpolationOrder));
  }
  const double bufferFraction = call.number("bufferFraction", 0.1);
  if (!(bufferFraction >= 0 && bufferFraction <= 10)) {
    call.fail(ErrorCode::kInvalidValue, "bufferFraction",
              "the buffer fraction must be between 0 and 10");
  }
  for (const std::string& pdf : {pdf1, pdf2}) {
    for (const std::string& o : b.observablesOf(pdf, call.context())) {
      if (o == variable) continue;
      call.fail(ErrorCode::kShapeMismatch, pdf == pdf1 ? "pdf1" : "pdf2",
                "'" + pdf + "' depends on the observable '" + o +
                    "' besides '" + variable +
                    "'; convolutions sliced in other observables are not "
                    "supported");
    }
  }

  const kernels::HistogramGrid cache = cacheBinning(call, variable);
  auto range = call.context().ranges.find(variable);
  if (range != call.context().ranges.end() &&
      (range->second.lo != cache.lo || range->second.hi != cache.hi)) {
    call.fail(ErrorCode::kInvalidValue, "conv_var",
              "the 'cache' binning of '" + variable +
                  "' must span its range; a histogram normalised over part "
                  "of its binning is not supported");
  }
  if (cache.bins <= static_cast<std::size_t>(order)) {
    call.fail(ErrorCode::kInvalidValue, "ipOrder",
              "needs more bins than the interpolation order");
  }

  // The sampling grid with its buffer, as RooFFTConvPdf lays it out.
  const std::size_t bins = cache.bins;
  const auto buffer = static_cast<std::size_t>(
      static_cast<double>(bins) * bufferFraction / 2 + 0.5);
  const std::size_t samples = bins + 2 * buffer;
  if (samples > kMaxSamples) {
    call.fail(ErrorCode::kLimitExceeded, "conv_var",
              "the sampling of '" + variable + "' has " +
                  std::to_string(samples) +
                  " points with its buffer, more than the " +
                  std::to_string(kMaxSamples) +
                  " supported; give it fewer bins (its 'cache' or "
                  "default_domain axis)");
  }
  const double width = cache.width();
  const double scanLo = cache.lo - static_cast<double>(buffer) * width;
  const double scanHi = cache.hi + static_cast<double>(buffer) * width;
  const double scanWidth = (scanHi - scanLo) / static_cast<double>(samples);
  const double shift = (cache.hi + cache.lo) / 2;

  // ROOT rotates each sample vector so that the bin holding 0 (moved by the
  // density's shift) comes first, and rotates the convolution back by the
  // first density's rotation plus the buffer; of the two rotations only
  // the second density's survives.
  const auto n = static_cast<long>(samples);
  long zeroBin;
  if (scanHi >= 0 && scanLo <= 0) {
    zeroBin =
        0 >= scanHi
            ? n - 1
            : std::max(0L, static_cast<long>((0 - scanLo) * (1. / scanWidth)));
  } else {
    const double edge = scanLo > 0 ? scanLo : scanHi;
    zeroBin = static_cast<long>(-edge / ((scanHi - scanLo) / n));
  }
  zeroBin += static_cast<long>(n * shift / (scanHi - scanLo));
  const long offset = ((static_cast<long>(buffer) - zeroBin) % n + n) % n;

  std::vector<double> points(samples), shifted(samples);
  for (std::size_t k = 0; k < samples; ++k) {
    points[k] = scanLo + (static_cast<double>(k) + 0.5) * scanWidth;
    shifted[k] = points[k] - shift;
  }
  auto sample = [&](const std::string& pdf, std::vector<double> at) {
    graph::Context& grid = b.newContext(samples);
    grid.bound[variable] = p.column(std::move(at));
    grid.ranges[variable] = {cache.lo, cache.hi};
    NodeId f = p.apply(Op::kExp, {b.unnormalisedLogDensity(pdf, grid, where)});
    if (p.length(f) == 1) {
      f = p.apply(Op::kMul, {f, p.column(std::vector<double>(samples, 1.0))});
    }
    return f;
  };
  const NodeId contents = p.cyclicConvolution(
      sample(pdf1, std::move(points)), sample(pdf2, std::move(shifted)), bins,
      static_cast<std::size_t>(offset));

  const NodeId density =
      p.histogramInterpolation(call.node("conv_var"), contents, cache.lo,
                               cache.hi, static_cast<std::uint32_t>(order));
  const NodeId logNorm = p.apply(
      Op::kAdd,
      {p.apply(Op::kLog, {p.sum(contents)}), p.constant(std::log(width))});
  LogPdf out;
  out.perEvent = p.apply(Op::kSub, {p.apply(Op::kLog, {density}), logNorm});
  return out;
}

}  // namespace hs3::dists
