#include "graph/program.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dists/convolution.hpp"
#include "dists/kernels.hpp"
#include "dists/landau.hpp"
#include "graph/embedded_histfactory.hpp"
#include "graph/quadrature.hpp"
#include "hs3/error.hpp"

namespace hs3::graph {

namespace {

bool nearlyEqual(double a, double b) {
  if (a == b) return true;
  const double scale = std::max(std::abs(a), std::abs(b));
  return std::abs(a - b) <= 4 * std::numeric_limits<double>::epsilon() * scale;
}

double unaryValue(Op op, double x) {
  switch (op) {
    case Op::kNeg:
      return -x;
    case Op::kExp:
      return std::exp(x);
    case Op::kLog:
      return std::log(x);
    case Op::kLog10:
      return std::log10(x);
    case Op::kSqrt:
      return std::sqrt(x);
    case Op::kAbs:
      return std::abs(x);
    case Op::kSin:
      return std::sin(x);
    case Op::kCos:
      return std::cos(x);
    case Op::kTan:
      return std::tan(x);
    case Op::kAsin:
      return std::asin(x);
    case Op::kAcos:
      return std::acos(x);
    case Op::kAtan:
      return std::atan(x);
    case Op::kSinh:
      return std::sinh(x);
    case Op::kCosh:
      return std::cosh(x);
    case Op::kTanh:
      return std::tanh(x);
    case Op::kErf:
      return std::erf(x);
    case Op::kErfc:
      return std::erfc(x);
    case Op::kLgamma:
      return std::lgamma(x);
    case Op::kFloor:
      return std::floor(x);
    case Op::kCeil:
      return std::ceil(x);
    case Op::kNot:
      return x == 0 ? 1.0 : 0.0;
    case Op::kSmoothAbs:
      return kernels::smoothAbs(x).value;
    case Op::kLogErfc:
      return kernels::logErfc(x).value;
    case Op::kLogLandau:
      return kernels::landauLogDensity(x).value;
    case Op::kLandauDistribution:
      return kernels::landauDistribution(x).value;
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

// dy/dx of a unary op, given x and y = op(x).
double unarySlope(Op op, double x, double y) {
  switch (op) {
    case Op::kNeg:
      return -1.0;
    case Op::kExp:
      return y;
    case Op::kLog:
      return 1.0 / x;
    case Op::kLog10:
      return 1.0 / (x * 2.30258509299404568402);
    case Op::kSqrt:
      return 0.5 / y;
    case Op::kAbs:
      return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
    case Op::kSin:
      return std::cos(x);
    case Op::kCos:
      return -std::sin(x);
    case Op::kTan:
      return 1.0 + y * y;
    case Op::kAsin:
      return 1.0 / std::sqrt(1.0 - x * x);
    case Op::kAcos:
      return -1.0 / std::sqrt(1.0 - x * x);
    case Op::kAtan:
      return 1.0 / (1.0 + x * x);
    case Op::kSinh:
      return std::cosh(x);
    case Op::kCosh:
      return std::sinh(x);
    case Op::kTanh:
      return 1.0 - y * y;
    case Op::kErf:
      return kernels::kTwoOverSqrtPi * std::exp(-x * x);
    case Op::kErfc:
      return -kernels::kTwoOverSqrtPi * std::exp(-x * x);
    case Op::kLgamma:
      return kernels::digamma(x);
    case Op::kSmoothAbs:
      return kernels::smoothAbs(x).slope;
    case Op::kLogErfc:
      return kernels::logErfc(x).slope;
    case Op::kLogLandau:
      return kernels::landauLogDensity(x).slope;
    case Op::kLandauDistribution:
      return kernels::landauDistribution(x).slope;
    default:
      return 0.0;
  }
}

double binaryValue(Op op, double a, double b) {
  switch (op) {
    case Op::kAdd:
      return a + b;
    case Op::kSub:
      return a - b;
    case Op::kMul:
      return a * b;
    case Op::kDiv:
      return a / b;
    case Op::kPow:
      return std::pow(a, b);
    case Op::kMin:
      return std::min(a, b);
    case Op::kMax:
      return std::max(a, b);
    case Op::kLess:
      return a < b;
    case Op::kLessEqual:
      return a <= b;
    case Op::kGreater:
      return a > b;
    case Op::kGreaterEqual:
      return a >= b;
    case Op::kEqual:
      return nearlyEqual(a, b);
    case Op::kNotEqual:
      return !nearlyEqual(a, b);
    case Op::kIdentical:
      return a == b;
    case Op::kNotIdentical:
      return a != b;
    case Op::kAnd:
      return a != 0 && b != 0;
    case Op::kOr:
      return a != 0 || b != 0;
    case Op::kLogNormalInterval:
      return kernels::logNormalInterval(a, b).value;
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

struct Partials {
  double a = 0.0;
  double b = 0.0;
};

Partials binaryPartials(Op op, double a, double b, double y) {
  switch (op) {
    case Op::kAdd:
      return {1.0, 1.0};
    case Op::kSub:
      return {1.0, -1.0};
    case Op::kMul:
      return {b, a};
    case Op::kDiv:
      return {1.0 / b, -y / b};
    case Op::kPow: {
      // a^b: the b-partial needs a > 0; at a = 0 it is 0 (y = 0).
      const double da = b == 0 ? 0.0 : b * std::pow(a, b - 1.0);
      const double db = a > 0 ? y * std::log(a) : 0.0;
      return {da, db};
    }
    case Op::kMin:
      return a <= b ? Partials{1.0, 0.0} : Partials{0.0, 1.0};
    case Op::kMax:
      return a >= b ? Partials{1.0, 0.0} : Partials{0.0, 1.0};
    case Op::kLogNormalInterval: {
      const kernels::LogInterval v = kernels::logNormalInterval(a, b);
      return {v.dLo, v.dHi};
    }
    default:
      return {0.0, 0.0};
  }
}

bool isUnary(Op op) {
  switch (op) {
    case Op::kNeg:
    case Op::kExp:
    case Op::kLog:
    case Op::kLog10:
    case Op::kSqrt:
    case Op::kAbs:
    case Op::kSin:
    case Op::kCos:
    case Op::kTan:
    case Op::kAsin:
    case Op::kAcos:
    case Op::kAtan:
    case Op::kSinh:
    case Op::kCosh:
    case Op::kTanh:
    case Op::kErf:
    case Op::kErfc:
    case Op::kLgamma:
    case Op::kFloor:
    case Op::kCeil:
    case Op::kNot:
    case Op::kSmoothAbs:
    case Op::kLogErfc:
    case Op::kLogLandau:
    case Op::kLandauDistribution:
    case Op::kLogExpIntegral:
      return true;
    default:
      return false;
  }
}

std::size_t arity(Op op) {
  if (isUnary(op)) return 1;
  if (op == Op::kSelect) return 3;
  if (op == Op::kInterpolate) return 4;
  return 2;
}

}  // namespace

const char* opName(Op op) {
  static const char* const names[] = {"constant",
                                      "parameter",
                                      "column",
                                      "data",
                                      "+",
                                      "-",
                                      "*",
                                      "/",
                                      "pow",
                                      "neg",
                                      "exp",
                                      "log",
                                      "log10",
                                      "sqrt",
                                      "abs",
                                      "sin",
                                      "cos",
                                      "tan",
                                      "asin",
                                      "acos",
                                      "atan",
                                      "sinh",
                                      "cosh",
                                      "tanh",
                                      "erf",
                                      "erfc",
                                      "lgamma",
                                      "floor",
                                      "ceil",
                                      "min",
                                      "max",
                                      "<",
                                      "<=",
                                      ">",
                                      ">=",
                                      "==",
                                      "!=",
                                      "===",
                                      "!==",
                                      "&&",
                                      "||",
                                      "!",
                                      "?:",
                                      "lognormalinterval",
                                      "logexpintegral",
                                      "interpolate",
                                      "smoothabs",
                                      "logerfc",
                                      "binlookup",
                                      "quadrature",
                                      "histfactory",
                                      "loglandau",
                                      "landaudistribution",
                                      "cyclicconvolution",
                                      "histograminterpolation",
                                      "eventquadrature",
                                      "sum"};
  return names[static_cast<std::size_t>(op)];
}

NodeId Program::add(Node node, const std::vector<NodeId>& operands) {
  node.first = static_cast<std::uint32_t>(operands_.size());
  node.count = static_cast<std::uint32_t>(operands.size());
  for (NodeId o : operands) {
    operands_.push_back(o);
    node.varies = node.varies || nodes_[o].varies;
  }
  node.value = static_cast<std::uint32_t>(valueSize_);
  valueSize_ += node.length;
  if (valueSize_ > 0x7fffffffu) {
    throw Error(ErrorCode::kLimitExceeded, "",
                "the model needs more than 2^31 values in its compiled form");
  }
  nodes_.push_back(node);
  return static_cast<NodeId>(nodes_.size() - 1);
}

NodeId Program::constant(double value) {
  Node node;
  node.op = Op::kConstant;
  node.a = value;
  return add(node, {});
}

NodeId Program::parameter(std::size_t index) {
  if (index < parameterNodes_.size() && parameterNodes_[index] != kNoNode) {
    return parameterNodes_[index];
  }
  Node node;
  node.op = Op::kParameter;
  node.index = static_cast<std::uint32_t>(index);
  node.varies = true;
  parameterCount_ = std::max(parameterCount_, index + 1);
  if (parameterNodes_.size() <= index)
    parameterNodes_.resize(index + 1, kNoNode);
  parameterNodes_[index] = add(node, {});
  return parameterNodes_[index];
}

NodeId Program::column(std::vector<double> values) {
  Node node;
  node.op = Op::kColumn;
  node.length = static_cast<std::uint32_t>(values.size());
  node.table = static_cast<std::uint32_t>(tables_.size());
  tables_.push_back(std::move(values));
  return add(node, {});
}

NodeId Program::data(std::size_t offset, std::size_t length) {
  Node node;
  node.op = Op::kData;
  node.index = static_cast<std::uint32_t>(offset);
  node.length = static_cast<std::uint32_t>(length);
  node.varies = true;
  return add(node, {});
}

NodeId Program::apply(Op op, const std::vector<NodeId>& operands,
                      std::uint32_t index, double a, double b) {
  if (operands.size() != arity(op)) {
    throw Error(ErrorCode::kInvalidValue, "",
                std::string("internal: '") + opName(op) + "' takes " +
                    std::to_string(arity(op)) + " operands");
  }
  Node node;
  node.op = op;
  node.index = index;
  node.a = a;
  node.b = b;
  bool allConstant = true;
  for (NodeId o : operands) {
    const std::uint32_t len = nodes_[o].length;
    if (len != 1) {
      if (node.length != 1 && node.length != len) {
        throw Error(ErrorCode::kShapeMismatch, "",
                    "internal: vectors of different lengths meet in '" +
                        std::string(opName(op)) + "'");
      }
      node.length = len;
    }
    allConstant = allConstant && nodes_[o].op == Op::kConstant;
  }
  if (allConstant) {
    // Fold now, on a scratch program holding only this node's inputs.
    Program scratch;
    std::vector<NodeId> inputs;
    for (NodeId o : operands)
      inputs.push_back(scratch.constant(constantValue(o)));
    const NodeId id = scratch.add(node, inputs);
    Tape tape(scratch);
    tape.forward(nullptr, nullptr);
    return constant(tape.value(id));
  }
  return add(node, operands);
}

NodeId Program::binLookup(NodeId x, const std::vector<NodeId>& values,
                          std::vector<double> edges) {
  Node node;
  node.op = Op::kBinLookup;
  node.length = nodes_[x].length;
  node.table = static_cast<std::uint32_t>(tables_.size());
  tables_.push_back(std::move(edges));
  std::vector<NodeId> operands{x};
  for (NodeId v : values) {
    if (nodes_[v].length != 1) {
      throw Error(ErrorCode::kShapeMismatch, "",
                  "internal: bin contents must be scalars");
    }
    operands.push_back(v);
  }
  return add(node, operands);
}

NodeId Program::quadrature(std::shared_ptr<const Quadrature> integral,
                           const std::vector<NodeId>& parameters) {
  Node node;
  node.op = Op::kQuadrature;
  node.index = static_cast<std::uint32_t>(quadratures_.size());
  quadratures_.push_back(std::move(integral));
  return add(node, parameters);
}

NodeId Program::eventQuadrature(std::shared_ptr<const EventQuadrature> integral,
                                const std::vector<NodeId>& observables,
                                const std::vector<NodeId>& parameters) {
  Node node;
  node.op = Op::kEventQuadrature;
  node.index = static_cast<std::uint32_t>(eventQuadratures_.size());
  for (NodeId o : observables) {
    const std::uint32_t len = nodes_[o].length;
    if (len != 1 && node.length != 1 && node.length != len) {
      throw Error(ErrorCode::kShapeMismatch, "",
                  "internal: observables of different lengths meet in an "
                  "event quadrature");
    }
    node.length = std::max(node.length, len);
  }
  eventQuadratures_.push_back(std::move(integral));
  std::vector<NodeId> operands = observables;
  operands.insert(operands.end(), parameters.begin(), parameters.end());
  return add(node, operands);
}

NodeId Program::histFactory(
    std::shared_ptr<const EmbeddedHistFactory> channels) {
  Node node;
  node.op = Op::kHistFactory;
  node.index = static_cast<std::uint32_t>(histFactories_.size());
  // It reads the data vector, so it varies even without parameters.
  node.varies = true;
  const std::vector<NodeId> inputs = channels->inputs;
  histFactories_.push_back(std::move(channels));
  return add(node, inputs);
}

std::vector<std::size_t> Program::parameterIndices() const {
  std::vector<std::size_t> out;
  for (const Node& node : nodes_) {
    if (node.op == Op::kParameter) out.push_back(node.index);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

NodeId Program::cyclicConvolution(NodeId a, NodeId b, std::size_t length,
                                  std::size_t offset) {
  const std::size_t n = nodes_[a].length;
  if (nodes_[b].length != n || length > n || offset >= n) {
    throw Error(ErrorCode::kShapeMismatch, "",
                "internal: a cyclic convolution needs two vectors of the "
                "same length, at least as long as its output");
  }
  Node node;
  node.op = Op::kCyclicConvolution;
  node.length = static_cast<std::uint32_t>(length);
  node.index = static_cast<std::uint32_t>(offset);
  return add(node, {a, b});
}

NodeId Program::histogramInterpolation(NodeId x, NodeId contents, double lo,
                                       double hi, std::uint32_t order) {
  if (nodes_[contents].length <= order ||
      order > static_cast<std::uint32_t>(kernels::kMaxInterpolationOrder)) {
    throw Error(ErrorCode::kShapeMismatch, "",
                "internal: a histogram interpolated with order " +
                    std::to_string(order) + " needs more bins");
  }
  Node node;
  node.op = Op::kHistogramInterpolation;
  node.length = nodes_[x].length;
  node.index = order;
  node.a = lo;
  node.b = hi;
  return add(node, {x, contents});
}

NodeId Program::sum(NodeId vector) {
  if (nodes_[vector].length == 1) return vector;
  Node node;
  node.op = Op::kSum;
  return add(node, {vector});
}

Tape::Tape(const Program& program)
    : program_(&program),
      values_(program.valueSize_),
      adjoints_(program.valueSize_),
      lastX_(program.parameterCount_),
      dirty_(program.nodes_.size(), 1) {
  for (const auto& integral : program.quadratures_) {
    quadratures_.push_back(std::make_unique<QuadratureRun>(*integral));
  }
  for (const auto& integral : program.eventQuadratures_) {
    eventQuadratures_.push_back(
        std::make_unique<EventQuadratureRun>(*integral));
  }
  for (const auto& channels : program.histFactories_) {
    histFactories_.push_back(std::make_unique<HistFactoryRun>(*channels));
  }
}

Tape::~Tape() = default;
Tape::Tape(Tape&&) noexcept = default;
Tape& Tape::operator=(Tape&&) noexcept = default;

void Tape::forward(const double* x, const double* data) {
  const auto& nodes = program_->nodes_;
  const auto& operands = program_->operands_;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& node = nodes[i];
    bool dirty = !fresh_;
    if (node.op == Op::kParameter) {
      const double v = x[node.index];
      dirty = dirty || !(v == lastX_[node.index]);
      lastX_[node.index] = v;
    } else if (!dirty && node.varies) {
      for (std::uint32_t k = 0; k < node.count && !dirty; ++k) {
        dirty = dirty_[operands[node.first + k]] != 0;
      }
    }
    dirty_[i] = dirty;
    if (dirty) evaluateNode(i, x, data);
  }
  fresh_ = true;
}

void Tape::evaluateNode(std::size_t i, const double* x, const double* data) {
  const auto& node = program_->nodes_[i];
  const NodeId* in = program_->operands_.data() + node.first;
  double* out = values_.data() + node.value;
  const std::size_t n = node.length;
  auto input = [&](std::size_t k) {
    return values_.data() + program_->nodes_[in[k]].value;
  };
  auto stride = [&](std::size_t k) -> std::size_t {
    return program_->nodes_[in[k]].length == 1 ? 0 : 1;
  };
  switch (node.op) {
    case Op::kConstant:
      out[0] = node.a;
      return;
    case Op::kParameter:
      out[0] = x[node.index];
      return;
    case Op::kColumn: {
      const auto& table = program_->tables_[node.table];
      std::copy(table.begin(), table.end(), out);
      return;
    }
    case Op::kData:
      std::copy(data + node.index, data + node.index + n, out);
      return;
    case Op::kQuadrature:
      out[0] = quadratures_[node.index]->logIntegral(x);
      return;
    case Op::kEventQuadrature: {
      const std::size_t conditions =
          program_->eventQuadratures_[node.index]->conditions;
      std::vector<const double*> observables;
      std::vector<std::size_t> strides;
      for (std::size_t k = 0; k < conditions; ++k) {
        observables.push_back(input(k));
        strides.push_back(stride(k));
      }
      eventQuadratures_[node.index]->logIntegrals(x, observables, strides, n,
                                                  out);
      return;
    }
    case Op::kHistFactory:
      // A sweep that is not fresh follows new data (or is the first).
      if (!fresh_) histFactories_[node.index]->setData(data);
      out[0] = histFactories_[node.index]->logLikelihood(input);
      return;
    case Op::kCyclicConvolution:
      kernels::cyclicConvolution(input(0), input(1),
                                 program_->nodes_[in[0]].length, node.index, n,
                                 out);
      return;
    case Op::kHistogramInterpolation: {
      const kernels::HistogramGrid grid{node.a, node.b,
                                        program_->nodes_[in[1]].length};
      const double* xs = input(0);
      const double* contents = input(1);
      const std::size_t sx = stride(0);
      const int order = static_cast<int>(node.index);
      for (std::size_t j = 0; j < n; ++j) {
        const kernels::InterpolationStencil s =
            kernels::interpolationStencil(xs[j * sx], grid, order);
        double v = 0.0;
        for (std::size_t k = 0; k < s.size; ++k) {
          v += s.weights[k] * contents[s.bins[k]];
        }
        out[j] = v;
      }
      return;
    }
    case Op::kSum: {
      const double* a = input(0);
      const std::size_t m = program_->nodes_[in[0]].length;
      double s = 0.0;
      for (std::size_t j = 0; j < m; ++j) s += a[j];
      out[0] = s;
      return;
    }
    case Op::kSelect: {
      const double *c = input(0), *a = input(1), *b = input(2);
      const std::size_t sc = stride(0), sa = stride(1), sb = stride(2);
      for (std::size_t j = 0; j < n; ++j) {
        out[j] = c[j * sc] != 0 ? a[j * sa] : b[j * sb];
      }
      return;
    }
    case Op::kLogExpIntegral: {
      const double* c = input(0);
      const std::size_t sc = stride(0);
      for (std::size_t j = 0; j < n; ++j) {
        out[j] =
            kernels::logExponentialIntegral(c[j * sc], node.a, node.b).value;
      }
      return;
    }
    case Op::kInterpolate: {
      const auto code = static_cast<kernels::InterpCode>(node.index);
      const double *al = input(0), *nom = input(1), *hi = input(2),
                   *lo = input(3);
      const std::size_t s0 = stride(0), s1 = stride(1), s2 = stride(2),
                        s3 = stride(3);
      for (std::size_t j = 0; j < n; ++j) {
        const double nm = nom[j * s1];
        if (kernels::isAdditiveCode(code)) {
          out[j] = kernels::additiveShift(code, al[j * s0], hi[j * s2] - nm,
                                          nm - lo[j * s3])
                       .value;
        } else {
          out[j] = nm == 0
                       ? 1.0
                       : kernels::multiplicativeFactor(
                             code, al[j * s0], hi[j * s2] / nm, lo[j * s3] / nm)
                             .value;
        }
      }
      return;
    }
    case Op::kBinLookup: {
      const auto& edges = program_->tables_[node.table];
      const double* xs = input(0);
      const std::size_t sx = stride(0);
      const std::size_t bins = edges.size() - 1;
      for (std::size_t j = 0; j < n; ++j) {
        const double v = xs[j * sx];
        std::size_t bin = static_cast<std::size_t>(
            std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
        bin = bin == 0 ? 0 : std::min(bin - 1, bins - 1);
        out[j] = values_[program_->nodes_[in[1 + bin]].value];
      }
      return;
    }
    default:
      break;
  }
  if (isUnary(node.op)) {
    const double* a = input(0);
    const std::size_t sa = stride(0);
    for (std::size_t j = 0; j < n; ++j) out[j] = unaryValue(node.op, a[j * sa]);
    return;
  }
  const double *a = input(0), *b = input(1);
  const std::size_t sa = stride(0), sb = stride(1);
  switch (node.op) {
    case Op::kAdd:
      for (std::size_t j = 0; j < n; ++j) out[j] = a[j * sa] + b[j * sb];
      return;
    case Op::kMul:
      for (std::size_t j = 0; j < n; ++j) out[j] = a[j * sa] * b[j * sb];
      return;
    default:
      for (std::size_t j = 0; j < n; ++j) {
        out[j] = binaryValue(node.op, a[j * sa], b[j * sb]);
      }
  }
}

void Tape::gradient(const std::vector<NodeId>& outputs,
                    const std::vector<double>& seeds, double* grad) {
  std::fill(adjoints_.begin(), adjoints_.end(), 0.0);
  const auto& nodes = program_->nodes_;
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    adjoints_[nodes[outputs[k]].value] += seeds[k];
  }
  for (std::size_t i = nodes.size(); i-- > 0;) {
    if (nodes[i].varies) propagateNode(i, grad);
  }
}

void Tape::gradient(NodeId output, const double* seeds, double* grad) {
  std::fill(adjoints_.begin(), adjoints_.end(), 0.0);
  const auto& nodes = program_->nodes_;
  const auto& out = nodes[output];
  std::copy(seeds, seeds + out.length, adjoints_.begin() + out.value);
  for (std::size_t i = output + 1; i-- > 0;) {
    if (nodes[i].varies) propagateNode(i, grad);
  }
}

void Tape::propagateNode(std::size_t i, double* grad) {
  const auto& node = program_->nodes_[i];
  const NodeId* in = program_->operands_.data() + node.first;
  const double* adj = adjoints_.data() + node.value;
  const double* y = values_.data() + node.value;
  const std::size_t n = node.length;
  auto value = [&](std::size_t k) {
    return values_.data() + program_->nodes_[in[k]].value;
  };
  auto adjoint = [&](std::size_t k) {
    return adjoints_.data() + program_->nodes_[in[k]].value;
  };
  auto stride = [&](std::size_t k) -> std::size_t {
    return program_->nodes_[in[k]].length == 1 ? 0 : 1;
  };
  auto varies = [&](std::size_t k) { return program_->nodes_[in[k]].varies; };
  switch (node.op) {
    case Op::kParameter:
      grad[node.index] += adj[0];
      return;
    case Op::kConstant:
    case Op::kColumn:
    case Op::kData:
    case Op::kFloor:
    case Op::kCeil:
    case Op::kNot:
    case Op::kLess:
    case Op::kLessEqual:
    case Op::kGreater:
    case Op::kGreaterEqual:
    case Op::kEqual:
    case Op::kNotEqual:
    case Op::kIdentical:
    case Op::kNotIdentical:
    case Op::kAnd:
    case Op::kOr:
      return;
    case Op::kSum: {
      double* ga = adjoint(0);
      const std::size_t m = program_->nodes_[in[0]].length;
      for (std::size_t j = 0; j < m; ++j) ga[j] += adj[0];
      return;
    }
    case Op::kSelect: {
      const double* c = value(0);
      double *ga = adjoint(1), *gb = adjoint(2);
      const std::size_t sc = stride(0), sa = stride(1), sb = stride(2);
      for (std::size_t j = 0; j < n; ++j) {
        if (c[j * sc] != 0) {
          ga[j * sa] += adj[j];
        } else {
          gb[j * sb] += adj[j];
        }
      }
      return;
    }
    case Op::kLogExpIntegral: {
      if (!varies(0)) return;
      const double* c = value(0);
      double* gc = adjoint(0);
      const std::size_t sc = stride(0);
      for (std::size_t j = 0; j < n; ++j) {
        gc[j * sc] +=
            adj[j] *
            kernels::logExponentialIntegral(c[j * sc], node.a, node.b).slope;
      }
      return;
    }
    case Op::kInterpolate: {
      // Exact in alpha; nominal and variations are usually constant
      // templates, and when they are not, a central difference of the
      // kernel gives their partials.
      const auto code = static_cast<kernels::InterpCode>(node.index);
      const double *al = value(0), *nom = value(1), *hi = value(2),
                   *lo = value(3);
      const std::size_t s[4] = {stride(0), stride(1), stride(2), stride(3)};
      auto evaluate = [&](double a, double nm, double h, double l) {
        if (kernels::isAdditiveCode(code)) {
          return kernels::additiveShift(code, a, h - nm, nm - l);
        }
        if (nm == 0) return kernels::ValueAndSlope{1.0, 0.0};
        return kernels::multiplicativeFactor(code, a, h / nm, l / nm);
      };
      for (std::size_t j = 0; j < n; ++j) {
        const double args[4] = {al[j * s[0]], nom[j * s[1]], hi[j * s[2]],
                                lo[j * s[3]]};
        adjoint(0)[j * s[0]] +=
            adj[j] * evaluate(args[0], args[1], args[2], args[3]).slope;
        for (std::size_t k = 1; k < 4; ++k) {
          if (!varies(k)) continue;
          double up[4] = {args[0], args[1], args[2], args[3]};
          double down[4] = {args[0], args[1], args[2], args[3]};
          const double h = 1e-6 * std::max(1.0, std::abs(args[k]));
          up[k] += h;
          down[k] -= h;
          const double d =
              (evaluate(up[0], up[1], up[2], up[3]).value -
               evaluate(down[0], down[1], down[2], down[3]).value) /
              (2 * h);
          adjoint(k)[j * s[k]] += adj[j] * d;
        }
      }
      return;
    }
    case Op::kQuadrature:
      quadratures_[node.index]->addGradient(adj[0], grad);
      return;
    case Op::kEventQuadrature:
      eventQuadratures_[node.index]->addGradient(adj, grad);
      return;
    case Op::kHistFactory:
      histFactories_[node.index]->addGradient(
          adj[0], [&](std::size_t k) -> double* {
            return varies(k) ? adjoint(k) : nullptr;
          });
      return;
    case Op::kCyclicConvolution:
      kernels::cyclicConvolutionAdjoint(
          value(0), value(1), program_->nodes_[in[0]].length, node.index, n,
          adj, varies(0) ? adjoint(0) : nullptr,
          varies(1) ? adjoint(1) : nullptr);
      return;
    case Op::kHistogramInterpolation: {
      // Linear in the contents; in x through the slope of the polynomial.
      const kernels::HistogramGrid grid{node.a, node.b,
                                        program_->nodes_[in[1]].length};
      const double* xs = value(0);
      const double* contents = value(1);
      double* gx = adjoint(0);
      double* gContents = adjoint(1);
      const std::size_t sx = stride(0);
      const int order = static_cast<int>(node.index);
      for (std::size_t j = 0; j < n; ++j) {
        if (adj[j] == 0) continue;
        const kernels::InterpolationStencil s =
            kernels::interpolationStencil(xs[j * sx], grid, order);
        double slope = 0.0;
        for (std::size_t k = 0; k < s.size; ++k) {
          if (varies(1)) gContents[s.bins[k]] += adj[j] * s.weights[k];
          slope += s.slopes[k] * contents[s.bins[k]];
        }
        if (varies(0)) gx[j * sx] += adj[j] * slope;
      }
      return;
    }
    case Op::kBinLookup: {
      const auto& edges = program_->tables_[node.table];
      const double* xs = value(0);
      const std::size_t sx = stride(0);
      const std::size_t bins = edges.size() - 1;
      for (std::size_t j = 0; j < n; ++j) {
        std::size_t bin = static_cast<std::size_t>(
            std::upper_bound(edges.begin(), edges.end(), xs[j * sx]) -
            edges.begin());
        bin = bin == 0 ? 0 : std::min(bin - 1, bins - 1);
        adjoint(1 + bin)[0] += adj[j];
      }
      return;
    }
    default:
      break;
  }
  if (isUnary(node.op)) {
    const double* a = value(0);
    double* ga = adjoint(0);
    const std::size_t sa = stride(0);
    for (std::size_t j = 0; j < n; ++j) {
      if (adj[j] == 0) continue;
      // log of a subnormal x (an exp that nearly underflowed): 1/x would
      // overflow where adj/x, with adj as small, does not.
      ga[j * sa] += node.op == Op::kLog
                        ? adj[j] / a[j * sa]
                        : adj[j] * unarySlope(node.op, a[j * sa], y[j]);
    }
    return;
  }
  const double *a = value(0), *b = value(1);
  double *ga = adjoint(0), *gb = adjoint(1);
  const std::size_t sa = stride(0), sb = stride(1);
  const bool va = varies(0), vb = varies(1);
  for (std::size_t j = 0; j < n; ++j) {
    if (adj[j] == 0) continue;
    const Partials p = binaryPartials(node.op, a[j * sa], b[j * sb], y[j]);
    if (va) ga[j * sa] += adj[j] * p.a;
    if (vb) gb[j * sb] += adj[j] * p.b;
  }
}

}  // namespace hs3::graph
