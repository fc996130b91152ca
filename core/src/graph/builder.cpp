#include "graph/builder.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "graph/quadrature.hpp"
#include "hs3/error.hpp"
#include "hs3/log.hpp"

namespace hs3::graph {

namespace {

// Keys whose strings are settings, not references to other objects.
bool isSettingKey(const std::string& key) {
  return key == "expression" || key == "domain" || key == "interpolation" ||
         key == "ref_coef_norm" || key == "decayType";
}

// The box of `variables` in the ranges of `context`, refused when it is
// unbounded or when it and `conditions` make more than three dimensions.
void checkedBox(const std::vector<std::string>& variables,
                const std::vector<std::string>& conditions,
                const Context& context, const std::string& where,
                std::vector<double>& lower, std::vector<double>& upper) {
  const std::size_t total = variables.size() + conditions.size();
  if (variables.empty() || total > 3) {
    throw Error(ErrorCode::kLimitExceeded, where,
                "normalising numerically over " + std::to_string(total) +
                    " observables at once is not supported (1 to 3)");
  }
  for (const std::string& v : variables) {
    const Range r = context.ranges.at(v);
    if (!std::isfinite(r.hi - r.lo)) {
      throw Error(ErrorCode::kInvalidValue, where,
                  "observable '" + v +
                      "' has an unbounded range (or one wider than the "
                      "largest double); give its data axis or the "
                      "default_domain a min and max to normalise over");
    }
    lower.push_back(r.lo);
    upper.push_back(r.hi);
  }
}

}  // namespace

Program& Call::program() { return builder_.program(); }

const Field& Call::field(const std::string& key) const {
  auto it = spec_.fields.find(key);
  if (it == spec_.fields.end()) {
    throw Error(
        ErrorCode::kSchema, spec_.path,
        spec_.type + " '" + spec_.name + "' needs the key '" + key + "'");
  }
  return it->second;
}

const Ref& Call::ref(const std::string& key) const {
  const Field& f = field(key);
  if (f.items.size() != 1 || f.isList) {
    fail(ErrorCode::kSchema, key, "must be one name or number");
  }
  return f.items.front();
}

std::string Call::pick(std::initializer_list<const char*> keys) const {
  for (const char* key : keys) {
    if (has(key)) return key;
  }
  std::string list;
  for (const char* key : keys)
    list += (list.empty() ? "'" : " or '") + std::string(key) + "'";
  throw Error(ErrorCode::kSchema, spec_.path,
              spec_.type + " '" + spec_.name + "' needs the key " + list);
}

NodeId Call::value(const Ref& r) {
  if (r.isNumber()) return program().constant(r.number);
  return builder_.value(r.name, context_, spec_.path);
}

NodeId Call::node(const std::string& key) { return value(ref(key)); }

std::vector<NodeId> Call::nodes(const std::string& key) {
  std::vector<NodeId> out;
  for (const Ref& r : field(key).items) out.push_back(value(r));
  return out;
}

double Call::number(const std::string& key, double fallback) const {
  auto it = spec_.fields.find(key);
  if (it == spec_.fields.end() || it->second.items.empty()) return fallback;
  const Ref& r = it->second.items.front();
  if (!r.isNumber()) fail(ErrorCode::kSchema, key, "must be a number");
  return r.number;
}

std::string Call::variable(const std::string& key) const {
  auto it = spec_.fields.find(key);
  if (it == spec_.fields.end() || it->second.items.size() != 1) return "";
  return it->second.items.front().name;
}

std::string Call::name(const std::string& key) const {
  const Ref& r = ref(key);
  if (r.isNumber()) {
    fail(ErrorCode::kSchema, key, "'" + key + "' must be a name, not a number");
  }
  return r.name;
}

std::vector<std::string> Call::names(const std::string& key) const {
  std::vector<std::string> out;
  for (const Ref& r : field(key).items) {
    if (r.isNumber()) {
      fail(ErrorCode::kSchema, key,
           "'" + key + "' must list names, not numbers");
    }
    out.push_back(r.name);
  }
  return out;
}

void Call::fail(ErrorCode code, const std::string& key,
                const std::string& message) const {
  auto it = spec_.fields.find(key);
  const std::string path =
      it != spec_.fields.end() ? it->second.path : spec_.path;
  throw Error(code, path, spec_.type + " '" + spec_.name + "': " + message);
}

Builder::Builder(
    const Document& document, Program& program,
    std::function<std::size_t(const std::string&, const std::string&)>
        parameter)
    : document_(document), program_(program), parameter_(std::move(parameter)) {
  contexts_.push_back(std::make_unique<Context>());
  for (const ObjectSpec& d : document_.distributions)
    distributions_[d.name] = &d;
  for (const ObjectSpec& f : document_.functions) functions_[f.name] = &f;
}

Context& Builder::newContext(std::size_t length) {
  contexts_.push_back(std::make_unique<Context>());
  contexts_.back()->id = contexts_.size() - 1;
  contexts_.back()->length = length;
  return *contexts_.back();
}

const ObjectSpec* Builder::findDistribution(const std::string& name) const {
  auto it = distributions_.find(name);
  return it == distributions_.end() ? nullptr : it->second;
}

const ObjectSpec* Builder::findFunction(const std::string& name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : it->second;
}

const funcs::Expression& Builder::expression(const ObjectSpec& spec) {
  auto it = expressions_.find(spec.name);
  if (it != expressions_.end()) return it->second;
  auto field = spec.fields.find("expression");
  if (field == spec.fields.end() || field->second.items.size() != 1) {
    throw Error(ErrorCode::kSchema, spec.path,
                spec.type + " '" + spec.name + "' needs an 'expression'");
  }
  const Ref& r = field->second.items.front();
  std::string text = r.name;
  if (r.isNumber()) {
    std::ostringstream number;
    number.precision(17);
    number << r.number;
    text = number.str();
  }
  return expressions_
      .emplace(spec.name, funcs::parseExpression(text, field->second.path))
      .first->second;
}

std::vector<std::string> Builder::references(const ObjectSpec& spec) {
  std::vector<std::string> out;
  for (const Axis& axis : spec.axes) out.push_back(axis.name);
  for (const auto& [key, field] : spec.fields) {
    if (key == "expression") {
      for (const std::string& n : expression(spec).names()) out.push_back(n);
      continue;
    }
    if (isSettingKey(key)) continue;
    for (const Ref& r : field.items) {
      if (!r.isNumber()) out.push_back(r.name);
    }
    // In lists of objects, "name" labels the entry; other names refer.
    for (const Record& record : field.records) {
      for (const auto& [recordKey, r] : record.keys) {
        if (recordKey != "name" && !r.isNumber()) out.push_back(r.name);
      }
    }
  }
  return out;
}

const std::set<std::string>& Builder::leaves(const std::string& name,
                                             std::vector<std::string>& stack) {
  auto it = leaves_.find(name);
  if (it != leaves_.end()) return it->second;
  const ObjectSpec* spec = findFunction(name);
  if (!spec) spec = findDistribution(name);
  std::set<std::string> out;
  if (!spec) {
    out.insert(name);
    return leaves_.emplace(name, std::move(out)).first->second;
  }
  if (std::find(stack.begin(), stack.end(), name) != stack.end()) {
    std::string cycle;
    bool inCycle = false;
    for (const std::string& s : stack) {
      inCycle = inCycle || s == name;
      if (inCycle) cycle += s + " -> ";
    }
    throw Error(ErrorCode::kSchema, spec->path,
                "the graph has a cycle: " + cycle + name +
                    "; a function or distribution cannot depend on itself");
  }
  stack.push_back(name);
  for (const std::string& ref : references(*spec)) {
    const std::set<std::string>& sub = leaves(ref, stack);
    out.insert(sub.begin(), sub.end());
  }
  stack.pop_back();
  return leaves_.emplace(name, std::move(out)).first->second;
}

std::vector<std::string> Builder::observablesOf(const std::string& name,
                                                const Context& context) {
  std::vector<std::string> stack;
  const std::set<std::string>& all = leaves(name, stack);
  std::vector<std::string> out;
  for (const auto& entry : context.bound) {
    if (all.count(entry.first)) out.push_back(entry.first);
  }
  return out;
}

bool Builder::dependsOn(const std::string& name, const std::string& variable) {
  std::vector<std::string> stack;
  return leaves(name, stack).count(variable) > 0;
}

NodeId Builder::value(const std::string& name, Context& context,
                      const std::string& where) {
  auto bound = context.bound.find(name);
  if (bound != context.bound.end()) return bound->second;
  if (context.integrated.count(name)) {
    throw Error(ErrorCode::kInvalidValue, where,
                "internal: '" + name + "' is integrated over here");
  }
  Context& scope =
      observablesOf(name, context).empty() ? scalarContext() : context;
  const auto key = std::make_pair(name, scope.id);
  auto memo = values_.find(key);
  if (memo != values_.end()) return memo->second;

  NodeId out = kNoNode;
  if (const ObjectSpec* spec = findFunction(name)) {
    std::vector<std::string> stack;
    leaves(name, stack);
    const FunctionKind* kind = nullptr;
    for (const FunctionKind& k : functionKinds()) {
      if (spec->type == k.type) kind = &k;
    }
    if (!kind) {
      std::string known;
      for (const FunctionKind& k : functionKinds()) {
        known += (known.empty() ? "" : ", ") + std::string(k.type);
      }
      throw Error(ErrorCode::kUnknownType, spec->path,
                  "function type '" + spec->type + "' of '" + name +
                      "' is not supported (supported: " + known + ")");
    }
    Call call(*this, *spec, scope);
    out = kind->build(call);
  } else if (findDistribution(name)) {
    throw Error(ErrorCode::kSchema, where,
                "'" + name + "' is a distribution, used here as a value");
  } else {
    auto p = parameters_.find(name);
    if (p == parameters_.end()) {
      p = parameters_.emplace(name, program_.parameter(parameter_(name, where)))
              .first;
    }
    out = p->second;
  }
  values_[key] = out;
  return out;
}

const DistributionKind& Builder::distributionKind(const ObjectSpec& spec) {
  for (const DistributionKind& k : distributionKinds()) {
    if (spec.type == k.type) return k;
  }
  std::string known;
  for (const DistributionKind& k : distributionKinds()) {
    known += (known.empty() ? "" : ", ") + std::string(k.type);
  }
  throw Error(ErrorCode::kUnknownType, spec.path,
              "distribution type '" + spec.type + "' of '" + spec.name +
                  "' is not supported (supported: " + known + ")");
}

NodeId Builder::unnormalisedLogDensity(const std::string& name,
                                       Context& context,
                                       const std::string& where) {
  const ObjectSpec* spec = findDistribution(name);
  if (!spec) {
    throw Error(ErrorCode::kUnknownName, where,
                "no distribution named '" + name + "'");
  }
  const DistributionKind& kind = distributionKind(*spec);
  if (kind.normalised || kind.selfNormalised) {
    return logPdf(name, context, where).perEvent;
  }
  Call call(*this, *spec, context);
  return kind.logDensity(call);
}

LogPdf Builder::logPdf(const std::string& name, Context& context,
                       const std::string& where) {
  const ObjectSpec* spec = findDistribution(name);
  if (!spec) {
    throw Error(ErrorCode::kUnknownName, where,
                "no distribution named '" + name + "'");
  }
  const auto key = std::make_pair(name, context.id);
  auto memo = pdfs_.find(key);
  if (memo != pdfs_.end()) return memo->second;
  std::vector<std::string> stack;
  leaves(name, stack);
  const DistributionKind& kind = distributionKind(*spec);
  Call call(*this, *spec, context);
  LogPdf out;
  if (kind.normalised) {
    out = kind.normalised(call);
    pdfs_[key] = out;
    return out;
  }
  const NodeId logF = kind.logDensity(call);
  Program& p = program_;
  if (kind.selfNormalised) {
    out.perEvent = logF;
    pdfs_[key] = out;
    return out;
  }
  const std::vector<std::string> observables = observablesOf(name, context);
  NodeId logZ = kNoNode;
  if (observables.empty()) {
    // No observable in this context (a constraint term): the density is
    // normalised over the whole line of its own variable.
    for (const auto& [fieldKey, field] : spec->fields) {
      if (isSettingKey(fieldKey) || field.isList || field.items.size() != 1 ||
          field.items.front().isNumber()) {
        continue;
      }
      logZ = kind.logIntegral ? kind.logIntegral(call, field.items.front().name,
                                                 Range::wholeLine())
                              : kNoNode;
      if (logZ != kNoNode) break;
    }
    if (logZ == kNoNode) {
      HS3_LOG(kWarning, "graph")
          << spec->type << " '" << name << "' depends on no observable and "
          << "has no closed-form normalisation; it is used unnormalised";
    }
  } else {
    for (const std::string& v : observables) {
      if (!kind.logIntegral) break;
      const Range range = context.ranges.at(v);
      if (kind.logIntegral(call, v, range) == kNoNode) continue;
      std::vector<std::string> rest;
      for (const std::string& o : observables) {
        if (o != v) rest.push_back(o);
      }
      if (rest.empty()) {
        logZ = kind.logIntegral(call, v, range);
      } else {
        logZ = logIntegralNumeric(
            rest, context,
            [&](Builder& b, Context& q) {
              q.integrated.insert(v);
              q.ranges[v] = range;
              Call inner(b, *spec, q);
              return kind.logIntegral(inner, v, range);
            },
            spec->path);
      }
      break;
    }
    if (logZ == kNoNode) {
      logZ = logIntegralNumeric(
          observables, context,
          [&](Builder& b, Context& q) {
            Call inner(b, *spec, q);
            return kind.logDensity(inner);
          },
          spec->path);
    }
  }
  out.perEvent = logZ == kNoNode ? logF : p.apply(Op::kSub, {logF, logZ});
  pdfs_[key] = out;
  return out;
}

NodeId Builder::logIntegralNumeric(const std::vector<std::string>& variables,
                                   const Context& context,
                                   const Integrand& logIntegrand,
                                   const std::string& where) {
  auto quadrature = std::make_shared<Quadrature>();
  quadrature->where = where;
  checkedBox(variables, {}, context, where, quadrature->lower,
             quadrature->upper);
  // The integrand reads its observables from its data vector, one slice
  // per variable, so that the quadrature can place points where it needs.
  Builder inner(document_, quadrature->integrand, parameter_);
  const std::size_t length = quadrature->batchLength();
  Context& points = inner.newContext(length);
  points.ranges = context.ranges;
  for (std::size_t d = 0; d < variables.size(); ++d) {
    points.bound[variables[d]] = quadrature->integrand.data(d * length, length);
  }
  quadrature->logF = logIntegrand(inner, points);
  std::vector<NodeId> parameters;
  for (std::size_t index : quadrature->integrand.parameterIndices()) {
    parameters.push_back(program_.parameter(index));
  }
  return program_.quadrature(std::move(quadrature), parameters);
}

NodeId Builder::logIntegralsPerEvent(const std::vector<std::string>& variables,
                                     const std::vector<std::string>& conditions,
                                     const Context& context,
                                     const Integrand& logIntegrand,
                                     const std::string& where) {
  auto quadrature = std::make_shared<EventQuadrature>();
  quadrature->where = where;
  checkedBox(variables, conditions, context, where, quadrature->lower,
             quadrature->upper);
  quadrature->conditions = conditions.size();
  // The integrated variables' slices of the data vector first, then the
  // conditions', which the quadrature fills with each event's values.
  Builder inner(document_, quadrature->integrand, parameter_);
  const std::size_t length = quadrature->batchLength();
  Context& points = inner.newContext(length);
  points.ranges = context.ranges;
  std::vector<std::string> all = variables;
  all.insert(all.end(), conditions.begin(), conditions.end());
  for (std::size_t d = 0; d < all.size(); ++d) {
    points.bound[all[d]] = quadrature->integrand.data(d * length, length);
  }
  quadrature->logF = logIntegrand(inner, points);
  std::vector<NodeId> observables;
  for (const std::string& c : conditions) {
    observables.push_back(context.bound.at(c));
  }
  std::vector<NodeId> parameters;
  for (std::size_t index : quadrature->integrand.parameterIndices()) {
    parameters.push_back(program_.parameter(index));
  }
  return program_.eventQuadrature(std::move(quadrature), observables,
                                  parameters);
}

}  // namespace hs3::graph
