#include "graph/quadrature.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "hs3/log.hpp"

namespace hs3::graph {

namespace {

// Kronrod's 15-point extension of the 7-point Gauss-Legendre rule on
// [-1, 1] (A. S. Kronrod, 1965; the values tabulated in QUADPACK): the
// non-negative nodes from the outermost in, with their Kronrod weights. The
// Gauss rule uses every second node, starting with the second.
constexpr double kNodes[8] = {
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0.0};
constexpr double kKronrodWeights[8] = {
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
constexpr double kGaussWeights[4] = {
    0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
    0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

constexpr std::size_t kRulePoints = 15;

// The rule's node, Kronrod weight and Gauss weight (0 for the Kronrod-only
// nodes) of point i, numbered from -1 to 1.
struct RulePoint {
  double node;
  double kronrod;
  double gauss;
};

RulePoint rulePoint(std::size_t i) {
  const std::size_t k = i < 8 ? i : 14 - i;
  const double sign = i < 7 ? -1.0 : 1.0;
  return {sign * kNodes[k], kKronrodWeights[k],
          k % 2 == 1 ? kGaussWeights[k / 2] : 0.0};
}

// The sum of the Kronrod-Gauss differences over all cells must fall below
// this fraction of the integral. Since the 15-point rule is exact to degree
// 22, the true error is orders of magnitude below this estimate on smooth
// densities.
constexpr double kRelativeTolerance = 1e-10;

// The first cells are a regular grid fine enough that a peak a few
// thousandths of the range wide still shows at several nodes: refinement
// only sees what the nodes see, and a minimizer would otherwise find the
// narrow peaks the integral misses.
std::size_t initialSplits(std::size_t dimensions) {
  return dimensions == 1 ? 128 : (dimensions == 2 ? 16 : 4);
}

std::size_t maximumCells(std::size_t dimensions) {
  return dimensions == 1 ? 4000 : (dimensions == 2 ? 1024 : 256);
}

}  // namespace

std::size_t Quadrature::pointsPerCell() const {
  std::size_t n = 1;
  for (std::size_t d = 0; d < dimensions(); ++d) n *= kRulePoints;
  return n;
}

std::size_t Quadrature::cellsPerBatch() const {
  return dimensions() == 1 ? 16 : (dimensions() == 2 ? 4 : 2);
}

QuadratureRun::QuadratureRun(const Quadrature& quadrature)
    : quadrature_(&quadrature),
      tape_(quadrature.integrand),
      x_(quadrature.integrand.parameterCount()),
      points_(quadrature.dimensions() * quadrature.batchLength()),
      logF_(quadrature.batchLength()) {
  const std::size_t dims = quadrature.dimensions();
  const std::size_t perCell = quadrature.pointsPerCell();
  ruleNodes_.resize(perCell * dims);
  kronrodWeights_.assign(perCell, 1.0);
  gaussWeights_.assign(perCell, 1.0);
  for (std::size_t p = 0; p < perCell; ++p) {
    std::size_t digits = p;
    for (std::size_t d = dims; d-- > 0;) {
      const RulePoint r = rulePoint(digits % kRulePoints);
      digits /= kRulePoints;
      ruleNodes_[p * dims + d] = r.node;
      kronrodWeights_[p] *= r.kronrod;
      gaussWeights_[p] *= r.gauss;
    }
  }
}

double QuadratureRun::halfVolume(const Cell& cell) const {
  double volume = 1.0;
  for (std::size_t d = 0; d < cell.lower.size(); ++d) {
    volume *= 0.5 * (cell.upper[d] - cell.lower[d]);
  }
  return volume;
}

void QuadratureRun::sample(std::size_t first, std::size_t count) {
  const Quadrature& q = *quadrature_;
  const std::size_t dims = q.dimensions();
  const std::size_t perCell = q.pointsPerCell();
  const std::size_t length = q.batchLength();
  for (std::size_t c = 0; c < q.cellsPerBatch(); ++c) {
    // Unused slots of the last batch repeat its last cell.
    const Cell& cell = cells_[first + std::min(c, count - 1)];
    for (std::size_t d = 0; d < dims; ++d) {
      const double mid = 0.5 * (cell.lower[d] + cell.upper[d]);
      const double half = 0.5 * (cell.upper[d] - cell.lower[d]);
      double* column = points_.data() + d * length + c * perCell;
      for (std::size_t p = 0; p < perCell; ++p) {
        column[p] = mid + half * ruleNodes_[p * dims + d];
      }
    }
  }
  tape_.invalidate();
  tape_.forward(x_.data(), points_.data());
  const double* values = tape_.values(q.logF);
  if (q.integrand.length(q.logF) == 1) {
    std::fill(logF_.begin(), logF_.end(), values[0]);
  } else {
    std::copy(values, values + length, logF_.begin());
  }
}

void QuadratureRun::estimate(std::size_t first, std::size_t count) {
  sample(first, count);
  const Quadrature& q = *quadrature_;
  const std::size_t perCell = q.pointsPerCell();
  const std::size_t used = count * perCell;
  double peak = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < used; ++i) peak = std::max(peak, logF_[i]);
  if (std::isfinite(peak) && peak > shift_) {
    // Keep exp(logF - shift) finite: rescale what is already summed.
    const double factor = std::exp(shift_ - peak);
    for (Cell& cell : cells_) {
      cell.kronrod *= factor;
      cell.error *= factor;
    }
    shift_ = peak;
  }
  for (std::size_t c = 0; c < count; ++c) {
    Cell& cell = cells_[first + c];
    const double volume = halfVolume(cell);
    double kronrod = 0.0, gauss = 0.0;
    for (std::size_t p = 0; p < perCell; ++p) {
      const double f = std::exp(logF_[c * perCell + p] - shift_);
      kronrod += kronrodWeights_[p] * f;
      gauss += gaussWeights_[p] * f;
    }
    cell.kronrod = volume * kronrod;
    cell.error = volume * std::abs(kronrod - gauss);
  }
}

double QuadratureRun::logIntegral(const double* x) {
  const Quadrature& q = *quadrature_;
  std::copy(x, x + x_.size(), x_.begin());
  const std::size_t dims = q.dimensions();
  const std::size_t splits = initialSplits(dims);
  std::size_t initial = 1;
  for (std::size_t d = 0; d < dims; ++d) initial *= splits;
  cells_.assign(initial, Cell());
  for (std::size_t i = 0; i < initial; ++i) {
    Cell& cell = cells_[i];
    cell.lower.resize(dims);
    cell.upper.resize(dims);
    std::size_t digits = i;
    for (std::size_t d = dims; d-- > 0;) {
      const std::size_t k = digits % splits;
      digits /= splits;
      const double width = (q.upper[d] - q.lower[d]) / splits;
      cell.lower[d] = q.lower[d] + k * width;
      cell.upper[d] = k + 1 == splits ? q.upper[d] : cell.lower[d] + width;
    }
  }
  shift_ = 0.0;
  const std::size_t batch = q.cellsPerBatch();
  for (std::size_t first = 0; first < initial; first += batch) {
    estimate(first, std::min(batch, initial - first));
  }

  std::vector<std::size_t> order;
  for (;;) {
    double total = 0.0, error = 0.0;
    for (const Cell& cell : cells_) {
      total += cell.kronrod;
      error += cell.error;
    }
    integral_ = total;
    if (!std::isfinite(total) || !std::isfinite(error)) break;
    if (error <= kRelativeTolerance * total) break;
    if (cells_.size() >= maximumCells(dims)) {
      if (!warned_) {
        warned_ = true;
        HS3_LOG(kWarning, "graph")
            << "a normalisation integral stopped at " << cells_.size()
            << " cells with an estimated relative error of " << error / total;
      }
      break;
    }
    // Halve the cells with the largest error estimates, as many as fill
    // one batch with their halves.
    order.resize(cells_.size());
    std::iota(order.begin(), order.end(), 0);
    const std::size_t parents = std::min(batch / 2, cells_.size());
    std::partial_sort(order.begin(), order.begin() + parents, order.end(),
                      [&](std::size_t a, std::size_t b) {
                        return cells_[a].error > cells_[b].error;
                      });
    order.resize(parents);
    std::sort(order.begin(), order.end());
    std::vector<Cell> halves;
    for (std::size_t index : order) {
      const Cell& parent = cells_[index];
      std::size_t axis = 0;
      double widest = -1.0;
      for (std::size_t d = 0; d < dims; ++d) {
        const double relative =
            (parent.upper[d] - parent.lower[d]) / (q.upper[d] - q.lower[d]);
        if (relative > widest) {
          widest = relative;
          axis = d;
        }
      }
      Cell low = parent, high = parent;
      const double mid = 0.5 * (parent.lower[axis] + parent.upper[axis]);
      low.upper[axis] = mid;
      high.lower[axis] = mid;
      halves.push_back(std::move(low));
      halves.push_back(std::move(high));
    }
    for (std::size_t k = order.size(); k-- > 0;) {
      cells_.erase(cells_.begin() + order[k]);
    }
    const std::size_t first = cells_.size();
    cells_.insert(cells_.end(), halves.begin(), halves.end());
    estimate(first, halves.size());
  }
  return shift_ + std::log(integral_);
}

void QuadratureRun::addGradient(double seed, double* grad) {
  if (seed == 0 || !std::isfinite(integral_) || integral_ <= 0) return;
  const Quadrature& q = *quadrature_;
  const std::size_t perCell = q.pointsPerCell();
  const std::size_t batch = q.cellsPerBatch();
  const bool scalar = q.integrand.length(q.logF) == 1;
  std::vector<double> seeds(scalar ? 1 : q.batchLength());
  // d log I = sum over points of w f dlogF / I, with I and f both scaled
  // by exp(-shift).
  const double scale = seed / integral_;
  for (std::size_t first = 0; first < cells_.size(); first += batch) {
    const std::size_t count = std::min(batch, cells_.size() - first);
    sample(first, count);
    std::fill(seeds.begin(), seeds.end(), 0.0);
    for (std::size_t c = 0; c < count; ++c) {
      const double factor = scale * halfVolume(cells_[first + c]);
      for (std::size_t p = 0; p < perCell; ++p) {
        const double s = factor * kronrodWeights_[p] *
                         std::exp(logF_[c * perCell + p] - shift_);
        seeds[scalar ? 0 : c * perCell + p] += s;
      }
    }
    tape_.gradient(q.logF, seeds.data(), grad);
  }
}

}  // namespace hs3::graph
