// An HS3 file as typed objects, what the reader in src/io produces and the
// graph builder consumes (so that the builder never sees JSON).
//
// Distributions and functions keep their keys generically: every value is a
// list of name-or-number references (a scalar key is a list of one), lists of
// lists of numbers are matrices, and nested objects that the engine knows
// (histogram data, interpolation settings) are read into fields of their own.
// HistFactory channels are read straight into hs3::Channel, so that they go
// through the same Model::build as pyhf workspaces.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hs3/workspace.hpp"

namespace hs3::graph {

// A reference to a named object, or a literal number.
struct Ref {
  std::string name;  // empty: a number
  double number = 0.0;
  bool isNumber() const { return name.empty(); }
};

// One object of a list of objects (the channels of a Breit-Wigner): its
// name-or-number keys; nested arrays and objects in it are not kept.
struct Record {
  std::map<std::string, Ref> keys;
  std::string path;
};

struct Field {
  std::vector<Ref> items;
  bool isList = false;  // written as a JSON array
  std::vector<std::vector<double>> matrix;
  std::vector<Record> records;  // a JSON array of objects
  std::string path;
};

struct Axis {
  std::string name;
  std::optional<double> min, max;
  std::vector<double> edges;  // binned: nbins + 1 edges (regular ones filled)
  std::size_t bins() const { return edges.empty() ? 0 : edges.size() - 1; }
};

struct ObjectSpec {
  std::string name;
  std::string type;
  std::string path;
  std::map<std::string, Field> fields;
  // histogram-like objects: their binning and contents
  std::vector<Axis> axes;
  std::vector<double> contents;
  bool hasField(const std::string& key) const { return fields.count(key) > 0; }
};

// A histfactory_dist: the channel in pyhf's vocabulary plus its binning and
// the HS3 settings that pyhf has no word for.
struct HistFactoryChannel {
  Channel channel;
  std::vector<Axis> axes;
  // Parameters whose modifier names the distribution that constrains them
  // (newest ROOT); an empty name leaves the parameter unconstrained.
  struct NamedConstraint {
    std::string distribution;
    std::string path;  // where the file names it
  };
  std::map<std::string, NamedConstraint> constraintPdfs;  // by parameter
  // ROOT's custom modifiers: a sample scaled by a function of the file,
  // one factor (a normalisation) or one per bin (a shape, taken at the bin
  // centres). Each is a shapefactor whose per-bin values the graph
  // computes instead of the fit.
  struct CustomFactor {
    std::string modifier;  // the shapefactor's name in `channel`
    std::string function;
    std::string path;
  };
  std::vector<CustomFactor> customFactors;
};

struct DataSet {
  std::string name;
  std::string type;  // "binned", "unbinned", "point"
  std::string path;
  std::vector<Axis> axes;
  std::vector<std::vector<double>> entries;  // unbinned: N x D, axes order
  std::vector<double> weights;               // unbinned: N (default 1)
  std::vector<double> contents;              // binned
  double value = 0.0;                        // point
};

struct LikelihoodSpec {
  std::string name;
  std::string path;
  std::vector<std::string> distributions;
  std::vector<std::string> data;
  std::vector<std::string> aux;
};

struct DomainSpec {
  std::string name;
  std::vector<Axis> axes;
};

struct PointEntry {
  std::string name;
  double value = 0.0;
  std::optional<bool> isConst;  // unset when the entry does not say
};

struct PointSpec {
  std::string name;
  std::vector<PointEntry> parameters;
};

struct AnalysisSpec {
  std::string name;
  std::string path;
  std::string likelihood;
  std::vector<std::string> pois;
  std::vector<std::string> domains;
  std::string init;
};

// Which axes of the domains a lookup considers: any, or binned ones only.
enum class AxisKind { kAny, kBinned };

struct Document {
  std::string version;
  std::vector<ObjectSpec> distributions;
  std::vector<ObjectSpec> functions;
  std::map<std::string, HistFactoryChannel> channels;  // by distribution
  std::vector<DataSet> data;
  std::vector<LikelihoodSpec> likelihoods;
  std::vector<DomainSpec> domains;
  std::vector<PointSpec> points;
  std::vector<AnalysisSpec> analyses;
  // Distributions ROOT tagged BinnedLikelihood: on binned data they give
  // Poisson counts of expected events times density times bin volume.
  std::set<std::string> binnedLikelihood;

  // The axis of `variable` in the domains, of the kind asked for: the
  // default_domain's (where ROOT writes a variable's own range and
  // binning), else that of the first domain that has one; null if none.
  const Axis* domainAxis(const std::string& variable,
                         AxisKind kind = AxisKind::kAny) const {
    const Axis* found = nullptr;
    for (const DomainSpec& domain : domains) {
      for (const Axis& axis : domain.axes) {
        if (axis.name != variable) continue;
        if (kind == AxisKind::kBinned && axis.bins() == 0) continue;
        if (domain.name == "default_domain") return &axis;
        if (!found) found = &axis;
      }
    }
    return found;
  }
};

}  // namespace hs3::graph
