// Turns the distributions and functions of an HS3 document into nodes of a
// Program, in a context: the event set over which it evaluates (the entries
// of one data set, the points of a quadrature grid, or a single scalar) and
// which names are observables bound to columns there.
//
// Distribution builders give the log of an unnormalised density and, where
// one exists, the closed-form log integral over one of their variables; the
// Builder normalises over the observables of the context: closed form where
// possible, numerical quadrature over the rest. Composite distributions
// (mixture, product, ...) normalise their parts themselves.
#pragma once

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "funcs/expression.hpp"
#include "graph/document.hpp"
#include "graph/program.hpp"
#include "hs3/error.hpp"

namespace hs3::graph {

// The normalised log density of a distribution in one context.
struct LogPdf {
  NodeId perEvent = kNoNode;  // scalar or one value per event
  // Constraint factors, by the name of their distribution: a likelihood
  // counts each once, however many channels' products list it (RooFit
  // collects them into one set).
  std::map<std::string, NodeId> once;
  NodeId expected = kNoNode;  // expected number of events (extended)
  // Bin-count distributions: the expected count of each bin of the paired
  // binned data, whose contents are then Poisson counts of these (perEvent
  // and expected describe the same as an extended density).
  NodeId binExpected = kNoNode;
};

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// The interval a variable runs over; either end may be infinite.
struct Range {
  double lo = 0.0;
  double hi = 0.0;

  // What a variable runs over when no data axis or domain bounds it.
  static Range wholeLine() { return {-kInf, kInf}; }
  bool isWholeLine() const { return lo == -kInf && hi == kInf; }
  bool isFinite() const { return std::isfinite(lo) && std::isfinite(hi); }
};

struct Context {
  std::size_t id = 0;
  std::size_t length = 1;
  std::map<std::string, NodeId> bound;  // observable -> column
  std::map<std::string, Range> ranges;  // of the bound observables
  std::set<std::string> integrated;     // closed-form variables, not values
  // Observables bound to the bin centres of binned data: the bin edges.
  std::map<std::string, std::vector<double>> edges;
};

class Builder;

// What a type's builder sees: the object, the builder and the context.
class Call {
 public:
  Call(Builder& builder, const ObjectSpec& spec, Context& context)
      : builder_(builder), spec_(spec), context_(context) {}

  const ObjectSpec& spec() const { return spec_; }
  Builder& builder() { return builder_; }
  Context& context() { return context_; }
  Program& program();

  bool has(const std::string& key) const { return spec_.hasField(key); }
  const Field& field(const std::string& key) const;
  // The one reference of a scalar key.
  const Ref& ref(const std::string& key) const;
  // First present key among alternatives (ROOT and spec spellings).
  std::string pick(std::initializer_list<const char*> keys) const;
  NodeId node(const std::string& key);
  std::vector<NodeId> nodes(const std::string& key);
  NodeId value(const Ref& ref);
  double number(const std::string& key, double fallback) const;
  // The name a key refers to, empty when it holds a number.
  std::string variable(const std::string& key) const;
  // The one name of a scalar key, and the names of a list; a number where
  // a name must be is a schema error at the key's path.
  std::string name(const std::string& key) const;
  std::vector<std::string> names(const std::string& key) const;
  [[noreturn]] void fail(ErrorCode code, const std::string& key,
                         const std::string& message) const;

 private:
  Builder& builder_;
  const ObjectSpec& spec_;
  Context& context_;
};

struct DistributionKind {
  const char* type;
  // log f, unnormalised; null for composites.
  NodeId (*logDensity)(Call&);
  // log of the integral of f over `variable` in [lo, hi]; kNoNode when there
  // is no closed form for that variable.
  NodeId (*logIntegral)(Call&, const std::string& variable, Range range);
  // Composites: the whole normalised result.
  LogPdf (*normalised)(Call&);
  bool selfNormalised;  // a probability mass function (Poisson)
};

struct FunctionKind {
  const char* type;
  NodeId (*build)(Call&);
};

// The registration tables (graph/registry.cpp).
const std::vector<DistributionKind>& distributionKinds();
const std::vector<FunctionKind>& functionKinds();

class Builder {
 public:
  // `parameter` maps a leaf name to its parameter index (creating it), or
  // throws for names the document does not define.
  Builder(const Document& document, Program& program,
          std::function<std::size_t(const std::string&, const std::string&)>
              parameter);

  Program& program() { return program_; }
  const Document& document() const { return document_; }

  Context& scalarContext() { return *contexts_.front(); }
  Context& newContext(std::size_t length);

  // The value of a name (observable, function or parameter) in a context.
  NodeId value(const std::string& name, Context& context,
               const std::string& where);
  // The normalised log density of a distribution over the observables of
  // the context it depends on.
  LogPdf logPdf(const std::string& name, Context& context,
                const std::string& where);
  // log f of a distribution without its normalisation (composites: their
  // normalised density, which differs by a constant).
  NodeId unnormalisedLogDensity(const std::string& name, Context& context,
                                const std::string& where);
  // The observables bound in `context` that `name` depends on.
  std::vector<std::string> observablesOf(const std::string& name,
                                         const Context& context);
  // Whether `name` depends on `variable`, through any chain of references.
  bool dependsOn(const std::string& name, const std::string& variable);
  // log of the integral of exp(logIntegrand) over `variables`, by
  // quadrature over their ranges. The integrand is built by a builder of
  // its own, into a separate program: it must use only the Builder and the
  // Context it is given.
  using Integrand = std::function<NodeId(Builder&, Context&)>;
  NodeId logIntegralNumeric(const std::vector<std::string>& variables,
                            const Context& context,
                            const Integrand& logIntegrand,
                            const std::string& where);

  // One log integral per event of `context`, as logIntegralNumeric, of an
  // integrand that reads also `conditions`, observables bound in `context`,
  // at each event's values (graph/quadrature.hpp, EventQuadrature).
  NodeId logIntegralsPerEvent(const std::vector<std::string>& variables,
                              const std::vector<std::string>& conditions,
                              const Context& context,
                              const Integrand& logIntegrand,
                              const std::string& where);

  const ObjectSpec* findDistribution(const std::string& name) const;
  const ObjectSpec* findFunction(const std::string& name) const;
  const funcs::Expression& expression(const ObjectSpec& spec);

 private:
  const std::set<std::string>& leaves(const std::string& name,
                                      std::vector<std::string>& stack);
  std::vector<std::string> references(const ObjectSpec& spec);
  const DistributionKind& distributionKind(const ObjectSpec& spec);

  const Document& document_;
  Program& program_;
  std::function<std::size_t(const std::string&, const std::string&)> parameter_;
  std::vector<std::unique_ptr<Context>> contexts_;
  std::map<std::string, const ObjectSpec*> distributions_;
  std::map<std::string, const ObjectSpec*> functions_;
  std::map<std::string, funcs::Expression> expressions_;
  std::map<std::string, std::set<std::string>> leaves_;
  std::map<std::pair<std::string, std::size_t>, NodeId> values_;
  std::map<std::pair<std::string, std::size_t>, LogPdf> pdfs_;
  std::map<std::string, NodeId> parameters_;
};

}  // namespace hs3::graph
