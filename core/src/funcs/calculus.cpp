// derivative (RooDerivative) and integral (RooRealIntegral): functions of
// other functions or distributions, built from that object evaluated at
// shifted points or over a box.
//
// A distribution without `normalization` enters with its unnormalised
// density, as RooFit evaluates a pdf without a normalisation set; with
// `normalization` it enters normalised over those variables, over their
// whole ranges. A plain function ignores `normalization`, as RooFit does.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "funcs/functions.hpp"
#include "funcs/integration.hpp"

namespace hs3::funcs {

using graph::Builder;
using graph::Call;
using graph::Context;
using graph::NodeId;
using graph::Op;
using graph::Range;

namespace {

bool sameSet(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

// The observable of `target` bound per entry in `context` that is none of
// `allowed`, or empty.
std::string strayObservable(Builder& builder, const std::string& target,
                            const Context& context,
                            const std::vector<std::string>& allowed) {
  for (const std::string& o : builder.observablesOf(target, context)) {
    if (std::find(allowed.begin(), allowed.end(), o) == allowed.end()) {
      return o;
    }
  }
  return "";
}

// log of what RooFit computes for a pdf without a normalisation set: for a
// product the sum over its factors, else the density as the Builder gives
// it (unnormalised for elementary types; other composites normalise their
// parts, which RooFit would not).
NodeId rawLogDensity(Builder& builder, Context& context,
                     const std::string& name, const std::string& where) {
  const graph::ObjectSpec* found = builder.findDistribution(name);
  if (!found) {
    throw Error(ErrorCode::kUnknownName, where,
                name.empty() ? "a factor of a product integrated here is a "
                               "number, not a distribution"
                             : "no distribution named '" + name + "'");
  }
  const graph::ObjectSpec& spec = *found;
  if (spec.type != "product_dist") {
    return builder.unnormalisedLogDensity(name, context, where);
  }
  auto factors =
      spec.fields.find(spec.hasField("factors") ? "factors" : "pdfs");
  graph::Program& p = builder.program();
  NodeId total = p.constant(0.0);
  if (factors == spec.fields.end()) return total;
  for (const graph::Ref& r : factors->second.items) {
    total = p.apply(Op::kAdd,
                    {total, rawLogDensity(builder, context, r.name, where)});
  }
  return total;
}

// The value of the derivative's function with its variable at x + shift,
// memoised per shift: the function (or distribution) is built again in a
// context where the variable is bound to the shifted value.
class ShiftedFunction {
 public:
  ShiftedFunction(Call& call, std::string function, std::string variable,
                  std::vector<std::string> normalization)
      : call_(call),
        builder_(call.builder()),
        function_(std::move(function)),
        variable_(std::move(variable)),
        normalization_(std::move(normalization)),
        at_(call.node("x")),
        range_(variableRange(builder_, call.context(), variable_)) {
    isDistribution_ = builder_.findDistribution(function_) != nullptr;
    if (!isDistribution_ || normalization_.empty()) return;
    // Normalised over variables bound per entry and over no others: the
    // Builder normalises over every bound variable the density uses.
    std::vector<std::string> allowed = normalization_;
    allowed.push_back(variable_);
    const std::string stray =
        strayObservable(builder_, function_, call.context(), allowed);
    if (!stray.empty()) {
      call.fail(ErrorCode::kInvalidValue, "normalization",
                "distribution '" + function_ + "' depends on the observable '" +
                    stray +
                    "', which is not normalised over; derivatives of such "
                    "partly normalised densities are not supported");
    }
    const bool varies = std::find(normalization_.begin(), normalization_.end(),
                                  variable_) != normalization_.end();
    if (!varies && normalization_.size() != 1) {
      call.fail(ErrorCode::kInvalidValue, "normalization",
                "a derivative in '" + variable_ +
                    "' of a density normalised over other variables is "
                    "supported for one such variable with a closed-form "
                    "normalisation only");
    }
  }

  const Range& range() const { return range_; }
  NodeId variable() const { return at_; }

  NodeId at(double shift) {
    auto memo = values_.find(shift);
    if (memo != values_.end()) return memo->second;
    graph::Program& p = builder_.program();
    const NodeId shifted =
        shift == 0 ? at_ : p.apply(Op::kAdd, {at_, p.constant(shift)});
    const NodeId value = build(shifted);
    values_[shift] = value;
    return value;
  }

 private:
  Context& shiftedContext(NodeId shifted) {
    const Context& outer = call_.context();
    Context& c = builder_.newContext(outer.length);
    c.bound = outer.bound;
    c.ranges = outer.ranges;
    c.bound[variable_] = shifted;
    c.ranges[variable_] = range_;
    return c;
  }

  NodeId build(NodeId shifted) {
    graph::Program& p = builder_.program();
    const std::string& where = call_.spec().path;
    if (!isDistribution_) {
      return builder_.value(function_, shiftedContext(shifted), where);
    }
    if (normalization_.empty()) {
      return p.apply(Op::kExp, {rawLogDensity(builder_, shiftedContext(shifted),
                                              function_, where)});
    }
    const bool varies = std::find(normalization_.begin(), normalization_.end(),
                                  variable_) != normalization_.end();
    if (varies) {
      // Every normalisation variable bound at its value (the derivative's
      // one shifted), and only those.
      Context& outer = call_.context();
      Context& c = builder_.newContext(outer.length);
      for (const std::string& v : normalization_) {
        c.bound[v] = v == variable_ ? shifted : builder_.value(v, outer, where);
        c.ranges[v] = variableRange(builder_, outer, v);
      }
      return p.apply(Op::kExp, {builder_.logPdf(function_, c, where).perEvent});
    }
    // The variable is a parameter of the density: its closed-form
    // normalisation over the one normalisation variable, at the shift.
    Context& c = shiftedContext(shifted);
    const std::string& over = normalization_.front();
    const graph::ObjectSpec& spec = *builder_.findDistribution(function_);
    NodeId logZ = graph::kNoNode;
    for (const graph::DistributionKind& kind : graph::distributionKinds()) {
      if (spec.type != kind.type || !kind.logIntegral) continue;
      Call inner(builder_, spec, c);
      logZ = kind.logIntegral(inner, over,
                              variableRange(builder_, call_.context(), over));
    }
    if (logZ == graph::kNoNode) {
      call_.fail(ErrorCode::kInvalidValue, "normalization",
                 "distribution '" + function_ +
                     "' has no closed-form normalisation over '" + over +
                     "'; a derivative in '" + variable_ +
                     "' of it normalised is not supported");
    }
    const NodeId logF = builder_.unnormalisedLogDensity(function_, c, where);
    return p.apply(Op::kExp, {p.apply(Op::kSub, {logF, logZ})});
  }

  Call& call_;
  Builder& builder_;
  std::string function_;
  std::string variable_;
  std::vector<std::string> normalization_;
  NodeId at_;
  Range range_;
  bool isDistribution_ = false;
  std::map<double, NodeId> values_;
};

// sum_k weights[k] f(x + shifts[k]) / divisor.
NodeId combine(graph::Program& p, ShiftedFunction& f,
               const std::vector<std::pair<double, double>>& terms,
               double divisor) {
  NodeId total = graph::kNoNode;
  for (const auto& [weight, shift] : terms) {
    const NodeId term = p.apply(Op::kMul, {p.constant(weight), f.at(shift)});
    total = total == graph::kNoNode ? term : p.apply(Op::kAdd, {total, term});
  }
  return p.apply(Op::kDiv, {total, p.constant(divisor)});
}

}  // namespace

// ROOT's RichardsonDerivator with step h = eps: central differences with
// steps h and h/2, combined as (4 D(h/2) - D(h)) / 3. Within eps of an end
// of the variable's range RooDerivative takes the one-sided first
// derivative and refuses higher orders; those give NaN here.
NodeId derivative(Call& call) {
  graph::Program& p = call.program();
  const std::string function = call.name("function");
  const std::string variable = call.name("x");
  if (!call.builder().findFunction(function) &&
      !call.builder().findDistribution(function)) {
    call.fail(ErrorCode::kUnknownName, "function",
              "no function or distribution named '" + function + "'");
  }
  const double order = call.number("order", 1.0);
  if (order != 1 && order != 2 && order != 3) {
    call.fail(
        ErrorCode::kInvalidValue, "order",
        "the order of a derivative is 1, 2 or 3, not " + std::to_string(order));
  }
  const double h = call.number("eps", 0.001);
  if (!(h > 0) || !std::isfinite(h)) {
    call.fail(ErrorCode::kInvalidValue, "eps", "must be a positive step");
  }
  // The differences are divided by 3 h^order and taken up to 2h away.
  const double divisor = 3 * std::pow(h, order);
  if (!(divisor > 0) || !std::isfinite(divisor) || !std::isfinite(2 * h)) {
    std::ostringstream step;
    step << h;
    call.fail(ErrorCode::kInvalidValue, "eps",
              "a step of " + step.str() +
                  " underflows or overflows a finite difference of order " +
                  std::to_string(static_cast<int>(order)));
  }
  ShiftedFunction f(call, function, variable,
                    call.has("normalization") ? call.names("normalization")
                                              : std::vector<std::string>{});
  const Range range = f.range();
  if (range.hi - range.lo < 2 * h) {
    call.fail(ErrorCode::kInvalidValue, "eps",
              "twice the step is wider than the range of '" + variable + "'");
  }

  NodeId central;
  if (order == 1) {
    central =
        combine(p, f, {{8, 0.5 * h}, {-8, -0.5 * h}, {-1, h}, {1, -h}}, 6 * h);
  } else if (order == 2) {
    // 4 (4 f(-h/2) - 8 f + 4 f(h/2)) - (f(-h) - 2 f + f(h)), over 3 h^2.
    central = combine(
        p, f, {{16, -0.5 * h}, {-30, 0}, {16, 0.5 * h}, {-1, -h}, {-1, h}},
        3 * h * h);
  } else {
    // 4 (4 f(h) - 8 f(h/2) + 8 f(-h/2) - 4 f(-h))
    //   - (f(2h)/2 - f(h) + f(-h) - f(-2h)/2), over 3 h^3.
    central = combine(p, f,
                      {{17, h},
                       {-32, 0.5 * h},
                       {32, -0.5 * h},
                       {-17, -h},
                       {-0.5, 2 * h},
                       {0.5, -2 * h}},
                      3 * h * h * h);
  }
  const bool bounded = std::isfinite(range.lo) || std::isfinite(range.hi);
  if (!bounded) return central;

  const NodeId x = f.variable();
  const NodeId nearLow =
      std::isfinite(range.lo)
          ? p.apply(Op::kLess, {p.apply(Op::kSub, {x, p.constant(range.lo)}),
                                p.constant(h)})
          : p.constant(0.0);
  const NodeId nearHigh =
      std::isfinite(range.hi)
          ? p.apply(Op::kLess, {p.apply(Op::kSub, {p.constant(range.hi), x}),
                                p.constant(h)})
          : p.constant(0.0);
  if (order != 1) {
    const NodeId nan = p.constant(std::numeric_limits<double>::quiet_NaN());
    return p.apply(Op::kSelect,
                   {p.apply(Op::kOr, {nearLow, nearHigh}), nan, central});
  }
  // GSL's one-sided rule from four points at h/4 .. h (backward: -h).
  auto oneSided = [&](double step) {
    return combine(p, f,
                   {{22.0 / 3, step},
                    {-84.0 / 3, 0.75 * step},
                    {114.0 / 3, 0.5 * step},
                    {-52.0 / 3, 0.25 * step}},
                   step);
  };
  NodeId out = central;
  if (std::isfinite(range.hi)) {
    out = p.apply(Op::kSelect, {nearHigh, oneSided(-h), out});
  }
  if (std::isfinite(range.lo)) {
    out = p.apply(Op::kSelect, {nearLow, oneSided(h), out});
  }
  return out;
}

// The integral of `integrand` over `variables`: over the ranges of `domain`
// (a named domain of the file) where it has them, else over the variables'
// whole ranges.
NodeId integral(Call& call) {
  Builder& b = call.builder();
  graph::Program& p = call.program();
  const std::string& where = call.spec().path;
  const std::string integrand = call.name("integrand");
  const std::vector<std::string> variables = call.names("variables");
  const bool isDistribution = b.findDistribution(integrand) != nullptr;
  if (!isDistribution && !b.findFunction(integrand)) {
    call.fail(ErrorCode::kUnknownName, "integrand",
              "no function or distribution named '" + integrand + "'");
  }
  if (variables.empty()) {
    call.fail(ErrorCode::kSchema, "variables", "names no variable");
  }
  const graph::DomainSpec* domain = nullptr;
  if (call.has("domain")) {
    const std::string name = call.variable("domain");
    for (const graph::DomainSpec& d : b.document().domains) {
      if (d.name == name) domain = &d;
    }
    if (!domain) {
      call.fail(ErrorCode::kUnknownName, "domain",
                "no domain named '" + name + "'");
    }
  }
  const std::string stray =
      strayObservable(b, integrand, call.context(), variables);
  if (!stray.empty()) {
    call.fail(ErrorCode::kInvalidValue, "integrand",
              "'" + integrand + "' depends on the observable '" + stray +
                  "', bound per entry here and not integrated over; such "
                  "integrals are not supported");
  }

  // `box` carries the integration ranges, `whole` the full ones.
  Context& box = b.newContext(1);
  Context& whole = b.newContext(1);
  std::map<std::string, Range> full;
  for (const std::string& v : variables) {
    full[v] = variableRange(b, call.context(), v);
    Range r = full[v];
    for (std::size_t k = 0; domain && k < domain->axes.size(); ++k) {
      const graph::Axis& axis = domain->axes[k];
      if (axis.name != v) continue;
      if (axis.min) r.lo = *axis.min;
      if (axis.max) r.hi = *axis.max;
    }
    if (!std::isfinite(r.hi - r.lo)) {
      call.fail(ErrorCode::kInvalidValue, "variables",
                "'" + v +
                    "' has no finite range to integrate over (or one wider "
                    "than the largest double); give it one in the "
                    "default_domain");
    }
    if (!(r.lo < r.hi)) {
      call.fail(ErrorCode::kInvalidValue, domain ? "domain" : "variables",
                "the range of '" + v + "' to integrate over, [" +
                    std::to_string(r.lo) + ", " + std::to_string(r.hi) +
                    "], is empty or reversed");
    }
    box.ranges[v] = r;
    whole.ranges[v] = full[v];
  }

  if (!isDistribution) {
    auto value = [&integrand, &where](Builder& in, Context& q) {
      return in.value(integrand, q, where);
    };
    if (variables.size() == 1) {
      const std::string& v = variables.front();
      return valueIntegrals(b, box, {integrand}, v, {box.ranges[v]}, value,
                            where)
          .front();
    }
    return signedIntegral(b, box, variables, value, where);
  }

  // Densities are integrated as log densities. Composites normalise their
  // parts over the whole ranges, whatever the box.
  auto logDensity = [&integrand, &where, &full](Builder& in, Context& q) {
    for (const auto& [v, r] : full) q.ranges[v] = r;
    return rawLogDensity(in, q, integrand, where);
  };
  const NodeId logIntegral =
      b.logIntegralNumeric(variables, box, logDensity, where);
  if (!call.has("normalization")) return p.apply(Op::kExp, {logIntegral});
  if (!sameSet(call.names("normalization"), variables)) {
    call.fail(ErrorCode::kInvalidValue, "normalization",
              "integrals of a density normalised over other variables than "
              "the integrated ones are not supported");
  }
  const NodeId logNorm =
      b.logIntegralNumeric(variables, whole, logDensity, where);
  return p.apply(Op::kExp, {p.apply(Op::kSub, {logIntegral, logNorm})});
}

}  // namespace hs3::funcs
