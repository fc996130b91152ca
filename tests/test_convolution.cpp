// The Landau kernels and the pieces of the FFT convolution against plain
// references: slopes against finite differences, the FFT against the
// direct sum, the interpolation against polynomials it must reproduce, and
// a Gaussian convolved with a Gaussian against the exact Gaussian.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "dists/convolution.hpp"
#include "dists/landau.hpp"
#include "hs3/load.hpp"
#include "hs3/model.hpp"

namespace {

using hs3::kernels::ValueAndSlope;

double centralDifference(ValueAndSlope (*f)(double), double z) {
  const double h = 1e-6 * std::max(1.0, std::abs(z));
  return (f(z + h).value - f(z - h).value) / (2 * h);
}

// Points on both sides of every boundary between pieces, and inside them.
std::vector<double> landauPoints() {
  std::vector<double> out;
  for (double edge : {-5.5, -1.0, 1.0, 4.0, 5.0, 12.0, 50.0, 300.0}) {
    out.push_back(edge - 1e-3 * std::max(1.0, std::abs(edge)));
    out.push_back(edge + 1e-3 * std::max(1.0, std::abs(edge)));
  }
  for (double z = -20; z < 30; z += 0.37) out.push_back(z);
  out.push_back(1000.0);
  return out;
}

}  // namespace

TEST_CASE("the Landau density has ROOT's values and exact slopes", "[landau]") {
  using hs3::kernels::landauDensity;
  // The Landau density by its definition, phi(z) = 1/pi int_0^inf
  // exp(-t ln t - z t) sin(pi t) dt, from scipy's quad (relative error
  // estimate below 1e-10); ROOT's approximation (CERNLIB DENLAN) agrees
  // to about 1e-7.
  struct Point {
    double z, density;
  };
  for (const Point& p :
       {Point{-3, 0.0006737286139450688}, Point{-1, 0.1513919115214857},
        Point{0, 0.17885416067524945}, Point{0.5, 0.16523227548265734},
        Point{3, 0.07424765459960142}, Point{20, 0.003004979395692255},
        Point{200, 2.611912443540744e-05}}) {
    INFO("z = " << p.z);
    CHECK(landauDensity(p.z).value == Approx(p.density).epsilon(1e-6));
  }
  CHECK(landauDensity(-30.0).value == 0.0);
  for (double z : landauPoints()) {
    INFO("z = " << z);
    const ValueAndSlope v = landauDensity(z);
    CHECK(v.value >= 0);
    const double fd = centralDifference(landauDensity, z);
    CHECK(std::abs(v.slope - fd) <= 1e-6 * std::max(1e-3, std::abs(fd)));
  }
}

TEST_CASE("the log Landau density is finite wherever ROOT's is not 0",
          "[landau]") {
  using hs3::kernels::landauDensity;
  using hs3::kernels::landauLogDensity;
  for (double z : landauPoints()) {
    INFO("z = " << z);
    const ValueAndSlope v = landauLogDensity(z);
    const double phi = landauDensity(z).value;
    if (phi > 1e-300) CHECK(v.value == Approx(std::log(phi)).epsilon(1e-13));
    const double fd = centralDifference(landauLogDensity, z);
    CHECK(v.slope == Approx(fd).epsilon(1e-6).margin(1e-6));
  }
  // Where the density underflows its logarithm and slope are still exact:
  // near u = exp(z + 1) -> 0 the slope is 1/u.
  const ValueAndSlope deep = landauLogDensity(-20.0);
  CHECK(std::isfinite(deep.value));
  CHECK(deep.slope == Approx(std::exp(19.0)).epsilon(1e-6));
  CHECK(landauLogDensity(-30.0).value == -HUGE_VAL);
  CHECK(landauLogDensity(-30.0).slope == 0.0);
  CHECK(std::isfinite(landauLogDensity(1e200).value));
}

TEST_CASE("the Landau distribution function is the density's integral",
          "[landau]") {
  using hs3::kernels::landauDensity;
  using hs3::kernels::landauDistribution;
  CHECK(landauDistribution(-HUGE_VAL).value == 0.0);
  CHECK(landauDistribution(HUGE_VAL).value == 1.0);
  for (double z : landauPoints()) {
    INFO("z = " << z);
    const ValueAndSlope v = landauDistribution(z);
    const double fd = centralDifference(landauDistribution, z);
    CHECK(std::abs(v.slope - fd) <= 1e-6 * std::max(1e-3, std::abs(fd)));
    // Two approximations of one function: they agree to their accuracy.
    CHECK(v.slope == Approx(landauDensity(z).value).margin(2e-6));
  }
  // Simpson's rule over [-4, 8] against the difference of the function.
  const int steps = 12000;
  const double lo = -4, hi = 8, h = (hi - lo) / steps;
  double integral = 0;
  for (int i = 0; i <= steps; ++i) {
    const double w = (i == 0 || i == steps) ? 1 : (i % 2 ? 4 : 2);
    integral += w * landauDensity(lo + i * h).value;
  }
  integral *= h / 3;
  CHECK(integral ==
        Approx(landauDistribution(hi).value - landauDistribution(lo).value)
            .margin(1e-6));
}

TEST_CASE(
    "the FFT convolution equals the direct cyclic sum, and so does "
    "its adjoint",
    "[convolution]") {
  for (std::size_t n : {7u, 12u, 30u, 33u}) {
    INFO("n = " << n);
    std::vector<double> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = std::sin(0.7 * i) + 1.5;
      b[i] = std::exp(-0.1 * i * i) + 0.01 * i;
    }
    const std::size_t m = n - 3, offset = n / 2;
    std::vector<double> out(m);
    hs3::kernels::cyclicConvolution(a.data(), b.data(), n, offset, m,
                                    out.data());
    std::vector<double> seed(m), aAdjoint(n, 0.0), bAdjoint(n, 0.0);
    for (std::size_t i = 0; i < m; ++i) seed[i] = std::cos(1.3 * i);
    hs3::kernels::cyclicConvolutionAdjoint(a.data(), b.data(), n, offset, m,
                                           seed.data(), aAdjoint.data(),
                                           bAdjoint.data());
    std::vector<double> aWant(n, 0.0), bWant(n, 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      const std::size_t k = (i + offset) % n;
      double direct = 0;
      for (std::size_t p = 0; p < n; ++p) {
        const std::size_t q = (k + n - p) % n;
        direct += a[p] * b[q];
        aWant[p] += seed[i] * b[q];
        bWant[q] += seed[i] * a[p];
      }
      CHECK(out[i] == Approx(direct).epsilon(1e-13));
    }
    for (std::size_t p = 0; p < n; ++p) {
      CHECK(aAdjoint[p] == Approx(aWant[p]).margin(1e-12));
      CHECK(bAdjoint[p] == Approx(bWant[p]).margin(1e-12));
    }
  }
}

TEST_CASE("histogram interpolation reproduces polynomials of its order",
          "[convolution]") {
  const hs3::kernels::HistogramGrid grid{-1.0, 3.0, 40};
  auto centre = [&](std::size_t i) { return -1.0 + (i + 0.5) * 0.1; };
  for (int order = 0; order <= 4; ++order) {
    // A polynomial of this order, sampled at the bin centres.
    auto polynomial = [order](double x) {
      double v = 0;
      for (int k = 0; k <= order; ++k) v += std::pow(0.5 * x, k) / (k + 1);
      return v;
    };
    std::vector<double> contents(grid.bins);
    for (std::size_t i = 0; i < grid.bins; ++i) {
      contents[i] = polynomial(centre(i));
    }
    for (double x = -0.5; x < 2.5; x += 0.0173) {
      INFO("order " << order << " at x = " << x);
      const auto s = hs3::kernels::interpolationStencil(x, grid, order);
      REQUIRE(s.size == static_cast<std::size_t>(order) + 1);
      double v = 0, slope = 0;
      for (std::size_t k = 0; k < s.size; ++k) {
        v += s.weights[k] * contents[s.bins[k]];
        slope += s.slopes[k] * contents[s.bins[k]];
      }
      if (order == 0) {
        CHECK(v == contents[static_cast<std::size_t>((x + 1.0) / 0.1)]);
        continue;
      }
      CHECK(v == Approx(polynomial(x)).epsilon(1e-12));
      const double h = 1e-6;
      CHECK(slope == Approx((polynomial(x + h) - polynomial(x - h)) / (2 * h))
                         .epsilon(1e-6));
    }
  }
  // Beyond the edges the histogram is mirrored: a constant stays constant.
  const std::vector<double> flat(grid.bins, 2.0);
  for (double x : {-1.0, -0.99, 2.99, 3.0}) {
    const auto s = hs3::kernels::interpolationStencil(x, grid, 2);
    double v = 0;
    for (std::size_t k = 0; k < s.size; ++k)
      v += s.weights[k] * flat[s.bins[k]];
    CHECK(v == Approx(2.0).epsilon(1e-12));
  }
}

TEST_CASE(
    "a Gaussian convolved with a Gaussian is the wider Gaussian, half "
    "a bin to the left as ROOT samples it",
    "[convolution][hs3]") {
  // 4000 bins on [-10, 10]: ROOT's histogram holds the convolution at the
  // upper edge of each bin, so the density at x is the exact one at
  // x + width/2, up to the O(width^2) error of the sampling.
  const std::vector<double> xs = {-2.5, -0.7, 0.0, 0.45, 1.9, 3.3};
  std::string entries;
  for (double x : xs) {
    entries += (entries.empty() ? "[" : ", [") + std::to_string(x) + "]";
  }
  const std::string text = R"({"metadata": {"hs3_version": "0.2"},
    "distributions": [
      {"name": "conv", "type": "fft_convolution_dist", "conv_var": "x",
       "pdf1": "signal", "pdf2": "resolution", "ipOrder": 2},
      {"name": "signal", "type": "gaussian_dist", "x": "x", "mean": "m",
       "sigma": 1.0},
      {"name": "resolution", "type": "gaussian_dist", "x": "x", "mean": 0.0,
       "sigma": 0.5}],
    "domains": [
      {"name": "cache", "type": "product_domain",
       "axes": [{"name": "x", "min": -10, "max": 10, "nbins": 4000}]},
      {"name": "default_domain", "type": "product_domain",
       "axes": [{"name": "m", "min": -3, "max": 3}]}],
    "parameter_points": [{"name": "default_values",
      "parameters": [{"name": "m", "value": 0.3}]}],
    "data": [{"name": "d", "type": "unbinned",
      "axes": [{"name": "x", "min": -10, "max": 10}],
      "entries": [)" + entries +
                           R"(]}],
    "likelihoods": [{"name": "L", "distributions": ["conv"],
      "data": ["d"]}]})";
  const auto model = hs3::parseModel(text, {}, {});
  hs3::Likelihood likelihood(model, model->observedData());
  const double width = 20.0 / 4000;
  const double sigma = std::sqrt(1.25);
  for (double m : {-0.4, 0.3, 1.1}) {
    std::vector<double> x = {m};
    double want = 0;
    for (double v : xs) {
      const double z = (v + width / 2 - m) / sigma;
      want += 0.5 * z * z + std::log(sigma) + 0.91893853320467274178;
    }
    INFO("m = " << m);
    CHECK(likelihood.value(x.data()) == Approx(want).epsilon(1e-7));
    // The gradient against a central difference.
    std::vector<double> grad(1);
    likelihood.valueAndGradient(x.data(), grad.data());
    std::vector<double> up = {m + 1e-5}, down = {m - 1e-5};
    const double fd =
        (likelihood.value(up.data()) - likelihood.value(down.data())) / 2e-5;
    CHECK(grad[0] == Approx(fd).epsilon(1e-6));
  }
}
