// The compiled form of a general (non-HistFactory) model: a flat list of
// nodes in topological order, each a scalar or a vector over the events of
// one data set (or the points of one quadrature grid), evaluated forward and
// differentiated in one reverse sweep.
//
// A Program is built once and then immutable, so a Model can share it between
// threads; each Likelihood owns a Tape with the value and adjoint buffers,
// allocated once. The tape remembers the parameters of its last evaluation
// and recomputes only nodes downstream of a parameter that changed: a
// normalisation integral is redone only when one of its shape parameters
// moved.
//
//   Program p;
//   NodeId mu = p.parameter(0), x = p.column({0.1, 0.4});
//   NodeId d = p.apply(Op::kSub, {x, mu});
//   NodeId out = p.sum(p.apply(Op::kMul, {d, d}));
//   Tape tape(p);
//   tape.forward(params, data);
//   double v = tape.value(out);
//   tape.gradient({out}, {1.0}, grad);
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hs3::graph {

using NodeId = std::uint32_t;
constexpr NodeId kNoNode = 0xffffffffu;

enum class Op : std::uint8_t {
  // leaves
  kConstant,
  kParameter,  // index_: position in the parameter vector
  kColumn,     // a constant vector (observable values, quadrature weights)
  kData,       // index_: offset of a slice of the likelihood's data vector
  // elementwise, with scalars broadcast over vectors
  kAdd,
  kSub,
  kMul,
  kDiv,
  kPow,
  kNeg,
  kExp,
  kLog,
  kLog10,
  kSqrt,
  kAbs,
  kSin,
  kCos,
  kTan,
  kAsin,
  kAcos,
  kAtan,
  kSinh,
  kCosh,
  kTanh,
  kErf,
  kErfc,
  kLgamma,
  kFloor,
  kCeil,
  kMin,
  kMax,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqual,      // within a few ulp, as HS3's ==
  kNotEqual,   // negation of kEqual
  kIdentical,  // exact ===
  kNotIdentical,
  kAnd,
  kOr,
  kNot,
  kSelect,  // c ? a : b
  // special kernels with their own derivatives
  kLogNormalInterval,   // log(Phi(b) - Phi(a)) of (a, b)
  kLogExpIntegral,      // log int_lo^hi exp(-c x) dx of (c); a_, b_ = range
  kInterpolate,         // (alpha, nom, hi, lo); index_ = kernels::InterpCode
  kSmoothAbs,           // CMS ProcessNormalization's smooth |theta|
  kLogErfc,             // log(erfc(a)), finite far into the right tail
  kBinLookup,           // (x, v_0 .. v_n-1): v at the bin of x; table_ edges
  kQuadrature,          // log of an adaptive integral; index_: quadrature
  kHistFactory,         // log L of HistFactory channels; index_: which
  kLogLandau,           // log of the Landau density of z (dists/landau.hpp)
  kLandauDistribution,  // its distribution function
  kCyclicConvolution,   // (a, b): (a * b)[(i + index_) mod n] (convolution.hpp)
  kHistogramInterpolation,  // (x, contents) of order index_ on [a_, b_]
  kEventQuadrature,  // (observables..., parameters...): log of an integral
                     // per event; index_: which event quadrature
  // reduction of a vector to a scalar
  kSum,
};

// The spelling used in messages.
const char* opName(Op op);

struct Quadrature;  // graph/quadrature.hpp
class QuadratureRun;
struct EventQuadrature;
class EventQuadratureRun;
struct EmbeddedHistFactory;  // graph/embedded_histfactory.hpp
class HistFactoryRun;

class Program {
 public:
  NodeId constant(double value);
  // The node of parameter `index` (one per index).
  NodeId parameter(std::size_t index);
  NodeId column(std::vector<double> values);
  NodeId data(std::size_t offset, std::size_t length);
  // An elementwise or special node; all-constant scalar inputs fold into a
  // constant. Vector operands must have the same length.
  NodeId apply(Op op, const std::vector<NodeId>& operands,
               std::uint32_t index = 0, double a = 0.0, double b = 0.0);
  NodeId binLookup(NodeId x, const std::vector<NodeId>& values,
                   std::vector<double> edges);
  NodeId sum(NodeId vector);
  // log of the integral of a quadrature's integrand, recomputed when one of
  // `parameters` (the parameter nodes it reads) changed.
  NodeId quadrature(std::shared_ptr<const Quadrature> integral,
                    const std::vector<NodeId>& parameters);
  // log of the integral of an event quadrature's integrand for each event:
  // a vector as long as `observables` (the values the integrand reads per
  // event, which are data and get no gradient), recomputed when one of
  // `parameters` changed or the data did.
  NodeId eventQuadrature(std::shared_ptr<const EventQuadrature> integral,
                         const std::vector<NodeId>& observables,
                         const std::vector<NodeId>& parameters);
  // The positions in the parameter vector that this program reads.
  std::vector<std::size_t> parameterIndices() const;
  // log L of HistFactory channels, recomputed when one of the channels'
  // inputs changed or the data did.
  NodeId histFactory(std::shared_ptr<const EmbeddedHistFactory> channels);
  // The cyclic convolution of two vectors of equal length n, `length`
  // values of it read from position `offset` on (kCyclicConvolution).
  NodeId cyclicConvolution(NodeId a, NodeId b, std::size_t length,
                           std::size_t offset);
  // A histogram of equal bins on [lo, hi] interpolated at each x with
  // polynomials of `order` through bin centres, as ROOT's RooDataHist.
  NodeId histogramInterpolation(NodeId x, NodeId contents, double lo, double hi,
                                std::uint32_t order);

  std::size_t length(NodeId node) const { return nodes_[node].length; }
  bool isConstant(NodeId node) const {
    return nodes_[node].op == Op::kConstant;
  }
  double constantValue(NodeId node) const { return nodes_[node].a; }
  std::size_t size() const { return nodes_.size(); }
  std::size_t valueSize() const { return valueSize_; }
  std::size_t parameterCount() const { return parameterCount_; }

 private:
  friend class Tape;
  struct Node {
    Op op = Op::kConstant;
    std::uint32_t length = 1;
    std::uint32_t first = 0;  // operands_[first, first + count)
    std::uint32_t count = 0;
    std::uint32_t value = 0;  // offset in the value buffer
    std::uint32_t index = 0;
    std::uint32_t table = 0;  // tables_ entry (columns, bin edges)
    double a = 0.0;
    double b = 0.0;
    bool varies = false;  // depends on a parameter or on the data
  };
  NodeId add(Node node, const std::vector<NodeId>& operands);

  std::vector<Node> nodes_;
  std::vector<NodeId> operands_;
  std::vector<std::vector<double>> tables_;
  std::vector<std::shared_ptr<const Quadrature>> quadratures_;
  std::vector<std::shared_ptr<const EventQuadrature>> eventQuadratures_;
  // One node per parameter: the tape decides whether a parameter changed
  // by comparing with its last value, once per node.
  std::vector<NodeId> parameterNodes_;
  std::vector<std::shared_ptr<const EmbeddedHistFactory>> histFactories_;
  std::size_t valueSize_ = 0;
  std::size_t parameterCount_ = 0;
};

// Buffers of one evaluation of a Program, with the cache of its last inputs.
class Tape {
 public:
  explicit Tape(const Program& program);
  ~Tape();
  Tape(Tape&&) noexcept;
  Tape& operator=(Tape&&) noexcept;

  // Forgets the cache, for new data.
  void invalidate() { fresh_ = false; }
  // Runs the program forward at parameters x with the data vector `data`.
  void forward(const double* x, const double* data);
  double value(NodeId node) const {
    return values_[program_->nodes_[node].value];
  }
  const double* values(NodeId node) const {
    return values_.data() + program_->nodes_[node].value;
  }
  // Adds sum_k seeds[k] * d outputs[k] / dx to grad (after forward).
  void gradient(const std::vector<NodeId>& outputs,
                const std::vector<double>& seeds, double* grad);
  // Adds sum_j seeds[j] * d output[j] / dx for a vector (or scalar) output.
  void gradient(NodeId output, const double* seeds, double* grad);

 private:
  void evaluateNode(std::size_t i, const double* x, const double* data);
  void propagateNode(std::size_t i, double* grad);

  const Program* program_;
  std::vector<double> values_;
  std::vector<double> adjoints_;
  std::vector<double> lastX_;
  std::vector<char> dirty_;
  std::vector<std::unique_ptr<QuadratureRun>> quadratures_;
  std::vector<std::unique_ptr<EventQuadratureRun>> eventQuadratures_;
  std::vector<std::unique_ptr<HistFactoryRun>> histFactories_;
  bool fresh_ = false;
};

}  // namespace hs3::graph
