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

// The most cells one evaluation may use: 60 000 points of the integrand
// in one dimension, 230 000 in two and 860 000 in three. They bound the
// time of an evaluation whose integrand will not converge (a cusp, a
// jump); it then warns once and keeps the estimate it has.
std::size_t maximumCells(std::size_t dimensions) {
  return dimensions == 1 ? 4000 : (dimensions == 2 ? 1024 : 256);
}

// The tensor product of the 15-point rule on [-1, 1]^dimensions: the nodes
// (point-major) and the Kronrod and Gauss weights of each point.
void tensorRule(std::size_t dimensions, std::vector<double>& nodes,
                std::vector<double>& kronrod, std::vector<double>& gauss) {
  std::size_t perCell = 1;
  for (std::size_t d = 0; d < dimensions; ++d) perCell *= kRulePoints;
  nodes.resize(perCell * dimensions);
  kronrod.assign(perCell, 1.0);
  gauss.assign(perCell, 1.0);
  for (std::size_t p = 0; p < perCell; ++p) {
    std::size_t digits = p;
    for (std::size_t d = dimensions; d-- > 0;) {
      const RulePoint r = rulePoint(digits % kRulePoints);
      digits /= kRulePoints;
      nodes[p * dimensions + d] = r.node;
      kronrod[p] *= r.kronrod;
      gauss[p] *= r.gauss;
    }
  }
}

// Appends the regular grid of `splits` cells per axis over the box.
template <class Cell>
void gridCells(const std::vector<double>& lower,
               const std::vector<double>& upper, std::size_t splits,
               std::vector<Cell>& cells) {
  const std::size_t dims = lower.size();
  std::size_t count = 1;
  for (std::size_t d = 0; d < dims; ++d) count *= splits;
  for (std::size_t i = 0; i < count; ++i) {
    Cell cell;
    cell.lower.resize(dims);
    cell.upper.resize(dims);
    std::size_t digits = i;
    for (std::size_t d = dims; d-- > 0;) {
      const std::size_t k = digits % splits;
      digits /= splits;
      const double width = (upper[d] - lower[d]) / splits;
      cell.lower[d] = lower[d] + k * width;
      cell.upper[d] = k + 1 == splits ? upper[d] : cell.lower[d] + width;
    }
    cells.push_back(std::move(cell));
  }
}

// The axis along which to halve a cell: its widest relative to the box.
template <class Cell>
std::size_t splitAxis(const Cell& cell, const std::vector<double>& lower,
                      const std::vector<double>& upper) {
  std::size_t axis = 0;
  double widest = -1.0;
  for (std::size_t d = 0; d < lower.size(); ++d) {
    const double relative =
        (cell.upper[d] - cell.lower[d]) / (upper[d] - lower[d]);
    if (relative > widest) {
      widest = relative;
      axis = d;
    }
  }
  return axis;
}

// Per event the cells are shared by all events, so that every cell costs a
// pass over all of them: fewer cells than for one integral. A smooth
// density needs few, as the 15-point rule is exact to degree 22 on each.
std::size_t eventInitialSplits(std::size_t dimensions) {
  return dimensions == 1 ? 16 : (dimensions == 2 ? 4 : 2);
}

std::size_t eventMaximumCells(std::size_t dimensions) {
  return dimensions == 1 ? 128 : (dimensions == 2 ? 64 : 32);
}

// Cells halved per refinement step (each step is a pass over all events).
std::size_t eventParentsPerStep(std::size_t dimensions) {
  return dimensions == 1 ? 8 : 4;
}

std::size_t tensorPoints(std::size_t dimensions) {
  std::size_t n = 1;
  for (std::size_t d = 0; d < dimensions; ++d) n *= kRulePoints;
  return n;
}

// The volume factor of a cell's rule: the product of its half widths.
double halfVolume(const std::vector<double>& lower,
                  const std::vector<double>& upper) {
  double volume = 1.0;
  for (std::size_t d = 0; d < lower.size(); ++d) {
    volume *= 0.5 * (upper[d] - lower[d]);
  }
  return volume;
}

}  // namespace

std::size_t Quadrature::pointsPerCell() const {
  return tensorPoints(dimensions());
}

// A batch is a sweep of the integrand's tape: about 240 points in one
// dimension, 900 in two and 6750 in three, long enough to vectorise the
// kernels, short enough to stay in cache.
std::size_t Quadrature::cellsPerBatch() const {
  return dimensions() == 1 ? 16 : (dimensions() == 2 ? 4 : 2);
}

QuadratureRun::QuadratureRun(const Quadrature& quadrature)
    : quadrature_(&quadrature),
      tape_(quadrature.integrand),
      x_(quadrature.integrand.parameterCount()),
      points_(quadrature.dimensions() * quadrature.batchLength()),
      logF_(quadrature.batchLength()) {
  tensorRule(quadrature.dimensions(), ruleNodes_, kronrodWeights_,
             gaussWeights_);
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
    // Keep exp(logF - shift) finite and away from underflow: rescale what
    // is already summed.
    const double factor = std::exp(shift_ - peak);
    for (Cell& cell : cells_) {
      cell.kronrod *= factor;
      cell.error *= factor;
    }
    shift_ = peak;
  }
  for (std::size_t c = 0; c < count; ++c) {
    Cell& cell = cells_[first + c];
    const double volume = halfVolume(cell.lower, cell.upper);
    double kronrod = 0.0, gauss = 0.0;
    for (std::size_t p = 0; p < perCell; ++p) {
      // Before any finite log f the shift is -inf, and so is every log f
      // that is not NaN or +inf: those points add nothing.
      const double logF = logF_[c * perCell + p];
      const double f = logF == -HUGE_VAL ? 0.0 : std::exp(logF - shift_);
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
  cells_.clear();
  gridCells(q.lower, q.upper, initialSplits(dims), cells_);
  const std::size_t initial = cells_.size();
  // The first finite log f sets the shift: an integrand that is tiny
  // everywhere (log f near -1e4) would underflow against a fixed one.
  shift_ = -HUGE_VAL;
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
            << "the normalisation integral at " << q.where << " stopped at "
            << cells_.size() << " cells, the most allowed, with an estimated "
            << "relative error of " << error / total
            << "; a narrower observable range would help";
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
      const std::size_t axis = splitAxis(parent, q.lower, q.upper);
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
      const double factor =
          scale * halfVolume(cells_[first + c].lower, cells_[first + c].upper);
      for (std::size_t p = 0; p < perCell; ++p) {
        const double s = factor * kronrodWeights_[p] *
                         std::exp(logF_[c * perCell + p] - shift_);
        seeds[scalar ? 0 : c * perCell + p] += s;
      }
    }
    tape_.gradient(q.logF, seeds.data(), grad);
  }
}

std::size_t EventQuadrature::pointsPerCell() const {
  return tensorPoints(dimensions());
}

std::size_t EventQuadrature::pairsPerBatch() const {
  return dimensions() == 1 ? 64 : (dimensions() == 2 ? 4 : 1);
}

EventQuadratureRun::EventQuadratureRun(const EventQuadrature& quadrature)
    : quadrature_(&quadrature),
      tape_(quadrature.integrand),
      x_(quadrature.integrand.parameterCount()),
      points_((quadrature.dimensions() + quadrature.conditions) *
              quadrature.batchLength()),
      logF_(quadrature.batchLength()) {
  tensorRule(quadrature.dimensions(), ruleNodes_, kronrodWeights_,
             gaussWeights_);
}

void EventQuadratureRun::sample(const std::vector<Pair>& pairs) {
  const EventQuadrature& q = *quadrature_;
  const std::size_t dims = q.dimensions();
  const std::size_t perCell = q.pointsPerCell();
  const std::size_t length = q.batchLength();
  for (std::size_t s = 0; s < q.pairsPerBatch(); ++s) {
    // Unused slots of the last batch repeat its last pair.
    const Pair& pair = pairs[std::min(s, pairs.size() - 1)];
    const Cell& cell = cells_[pair.cell];
    for (std::size_t d = 0; d < dims; ++d) {
      const double mid = 0.5 * (cell.lower[d] + cell.upper[d]);
      const double half = 0.5 * (cell.upper[d] - cell.lower[d]);
      double* column = points_.data() + d * length + s * perCell;
      for (std::size_t p = 0; p < perCell; ++p) {
        column[p] = mid + half * ruleNodes_[p * dims + d];
      }
    }
    for (std::size_t k = 0; k < q.conditions; ++k) {
      double* column = points_.data() + (dims + k) * length + s * perCell;
      std::fill(column, column + perCell,
                conditions_[k * events_ + pair.event]);
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

void EventQuadratureRun::estimate(std::size_t first) {
  const EventQuadrature& q = *quadrature_;
  const std::size_t perCell = q.pointsPerCell();
  const std::size_t total = (cells_.size() - first) * events_;
  std::vector<Pair> pairs;
  for (std::size_t start = 0; start < total; start += q.pairsPerBatch()) {
    pairs.clear();
    const std::size_t end = std::min(total, start + q.pairsPerBatch());
    for (std::size_t k = start; k < end; ++k) {
      pairs.push_back({first + k / events_, k % events_});
    }
    sample(pairs);
    for (std::size_t s = 0; s < pairs.size(); ++s) {
      const std::size_t i = pairs[s].event;
      const double* logF = logF_.data() + s * perCell;
      double peak = -std::numeric_limits<double>::infinity();
      for (std::size_t p = 0; p < perCell; ++p) peak = std::max(peak, logF[p]);
      if (std::isfinite(peak) && peak > shifts_[i]) {
        // Keep exp(logF - shift) finite and away from underflow: rescale
        // what this event has summed already.
        const double factor = std::exp(shifts_[i] - peak);
        for (Cell& cell : cells_) {
          cell.kronrod[i] *= factor;
          cell.error[i] *= factor;
        }
        shifts_[i] = peak;
      }
      if (shifts_[i] == -std::numeric_limits<double>::infinity()) continue;
      double kronrod = 0.0, gauss = 0.0;
      for (std::size_t p = 0; p < perCell; ++p) {
        const double f = std::exp(logF[p] - shifts_[i]);
        kronrod += kronrodWeights_[p] * f;
        gauss += gaussWeights_[p] * f;
      }
      Cell& cell = cells_[pairs[s].cell];
      const double volume = halfVolume(cell.lower, cell.upper);
      cell.kronrod[i] = volume * kronrod;
      cell.error[i] = volume * std::abs(kronrod - gauss);
    }
  }
}

void EventQuadratureRun::logIntegrals(
    const double* x, const std::vector<const double*>& observables,
    const std::vector<std::size_t>& strides, std::size_t events, double* out) {
  const EventQuadrature& q = *quadrature_;
  std::copy(x, x + x_.size(), x_.begin());
  events_ = events;
  conditions_.resize(q.conditions * events);
  for (std::size_t k = 0; k < q.conditions; ++k) {
    for (std::size_t i = 0; i < events; ++i) {
      conditions_[k * events + i] = observables[k][i * strides[k]];
    }
  }
  cells_.clear();
  integrals_.assign(events, 0.0);
  if (events == 0) return;
  shifts_.assign(events, -std::numeric_limits<double>::infinity());
  const std::size_t dims = q.dimensions();
  gridCells(q.lower, q.upper, eventInitialSplits(dims), cells_);
  for (Cell& cell : cells_) {
    cell.kronrod.assign(events, 0.0);
    cell.error.assign(events, 0.0);
  }
  estimate(0);

  std::vector<double> errors(events);
  std::vector<double> scores;
  std::vector<std::size_t> order;
  for (;;) {
    std::fill(integrals_.begin(), integrals_.end(), 0.0);
    std::fill(errors.begin(), errors.end(), 0.0);
    for (const Cell& cell : cells_) {
      for (std::size_t i = 0; i < events; ++i) {
        integrals_[i] += cell.kronrod[i];
        errors[i] += cell.error[i];
      }
    }
    // An event is served when its error estimate is within the tolerance;
    // one whose integral vanishes or is not finite cannot be served by
    // finer cells and is left as it is.
    std::vector<std::size_t> unserved;
    double worst = 0.0;
    for (std::size_t i = 0; i < events; ++i) {
      const double total = integrals_[i];
      if (!std::isfinite(total) || !std::isfinite(errors[i]) || total <= 0) {
        continue;
      }
      if (errors[i] > kRelativeTolerance * total) {
        unserved.push_back(i);
        worst = std::max(worst, errors[i] / total);
      }
    }
    if (unserved.empty()) break;
    const std::size_t room = eventMaximumCells(dims) -
                             std::min(cells_.size(), eventMaximumCells(dims));
    if (room == 0) {
      if (!warned_) {
        warned_ = true;
        HS3_LOG(kWarning, "graph")
            << "the per-event integral at " << q.where << " stopped at "
            << cells_.size() << " cells, the most allowed, with an estimated "
            << "relative error of " << worst << " for its worst event";
      }
      break;
    }
    // A cell's score is the largest share of an unserved event's integral
    // that its error estimate makes up; the worst cells are halved.
    scores.assign(cells_.size(), 0.0);
    for (std::size_t c = 0; c < cells_.size(); ++c) {
      for (std::size_t i : unserved) {
        scores[c] = std::max(scores[c], cells_[c].error[i] / integrals_[i]);
      }
    }
    order.resize(cells_.size());
    std::iota(order.begin(), order.end(), 0);
    const std::size_t parents =
        std::min({eventParentsPerStep(dims), room, cells_.size()});
    std::partial_sort(
        order.begin(), order.begin() + parents, order.end(),
        [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    order.resize(parents);
    std::sort(order.begin(), order.end());
    std::vector<Cell> halves;
    for (std::size_t index : order) {
      const Cell& parent = cells_[index];
      const std::size_t axis = splitAxis(parent, q.lower, q.upper);
      Cell low, high;
      low.lower = high.lower = parent.lower;
      low.upper = high.upper = parent.upper;
      const double mid = 0.5 * (parent.lower[axis] + parent.upper[axis]);
      low.upper[axis] = mid;
      high.lower[axis] = mid;
      low.kronrod.assign(events, 0.0);
      low.error.assign(events, 0.0);
      high.kronrod = low.kronrod;
      high.error = low.error;
      halves.push_back(std::move(low));
      halves.push_back(std::move(high));
    }
    for (std::size_t k = order.size(); k-- > 0;) {
      cells_.erase(cells_.begin() + order[k]);
    }
    const std::size_t first = cells_.size();
    for (Cell& half : halves) cells_.push_back(std::move(half));
    estimate(first);
  }
  for (std::size_t i = 0; i < events; ++i) {
    out[i] = shifts_[i] + std::log(integrals_[i]);
  }
}

void EventQuadratureRun::addGradient(const double* seeds, double* grad) {
  const EventQuadrature& q = *quadrature_;
  const std::size_t perCell = q.pointsPerCell();
  const bool scalar = q.integrand.length(q.logF) == 1;
  std::vector<double> pointSeeds(scalar ? 1 : q.batchLength());
  // d log I_i = sum over the points of event i of w f dlogF / I_i, with
  // I_i and f both scaled by exp(-shift_i). Events without a seed or
  // without a finite positive integral are skipped.
  std::vector<Pair> pairs;
  auto flush = [&]() {
    if (pairs.empty()) return;
    sample(pairs);
    std::fill(pointSeeds.begin(), pointSeeds.end(), 0.0);
    for (std::size_t s = 0; s < pairs.size(); ++s) {
      const std::size_t i = pairs[s].event;
      const double factor =
          seeds[i] / integrals_[i] *
          halfVolume(cells_[pairs[s].cell].lower, cells_[pairs[s].cell].upper);
      for (std::size_t p = 0; p < perCell; ++p) {
        pointSeeds[scalar ? 0 : s * perCell + p] +=
            factor * kronrodWeights_[p] *
            std::exp(logF_[s * perCell + p] - shifts_[i]);
      }
    }
    tape_.gradient(q.logF, pointSeeds.data(), grad);
    pairs.clear();
  };
  for (std::size_t c = 0; c < cells_.size(); ++c) {
    for (std::size_t i = 0; i < events_; ++i) {
      if (seeds[i] == 0 || !std::isfinite(integrals_[i]) ||
          integrals_[i] <= 0) {
        continue;
      }
      pairs.push_back({c, i});
      if (pairs.size() == q.pairsPerBatch()) flush();
    }
  }
  flush();
}

}  // namespace hs3::graph
