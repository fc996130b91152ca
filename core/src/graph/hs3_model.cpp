#include "graph/hs3_model.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "dists/distributions.hpp"
#include "graph/builder.hpp"
#include "graph/general_model.hpp"
#include "histfactory/compiled_model.hpp"
#include "hs3/error.hpp"
#include "hs3/log.hpp"

namespace hs3 {

// Fills the private members of a Model for general HS3 likelihoods.
struct ModelFactory {
  static std::shared_ptr<Model> make() {
    return std::shared_ptr<Model>(new Model());
  }
  // `histFactory`, when set, is the model of the likelihood's
  // histfactory_dist channels: its parameters come first, with their sets
  // and constraints, and its aux data make the auxiliary data.
  // Its sets named in `computed` (custom factors, which the graph computes)
  // are left out.
  static void fill(Model& model, std::vector<Parameter> parameters,
                   std::vector<ChannelInfo> channels,
                   std::vector<double> observed, int poi,
                   const std::string& name, const ModelOptions& options,
                   std::shared_ptr<const graph::GeneralModel> general,
                   const Model* histFactory,
                   const std::set<std::string>& computed) {
    std::size_t first = 0;
    if (histFactory) {
      for (const ParameterSet& set : histFactory->sets_) {
        if (computed.count(set.name)) continue;
        const auto from = histFactory->constraints_.begin() + set.first;
        model.constraints_.insert(model.constraints_.end(), from,
                                  from + set.count);
        model.sets_.push_back({set.name, set.type, first, set.count});
        first += set.count;
      }
      model.auxdata_ = histFactory->auxdata_;
    }
    for (std::size_t i = first; i < parameters.size(); ++i) {
      model.sets_.push_back({parameters[i].name, "hs3", i, 1});
    }
    model.constraints_.resize(parameters.size());
    model.parameters_ = std::move(parameters);
    model.channels_ = std::move(channels);
    model.mainSize_ = observed.size();
    observed.insert(observed.end(), model.auxdata_.begin(),
                    model.auxdata_.end());
    model.observed_ = std::move(observed);
    model.poiIndex_ = poi;
    model.measurement_ = name;
    model.options_ = options;
    model.compiled_ = std::make_unique<Model::Compiled>();
    model.compiled_->general = std::move(general);
  }
};

namespace graph {

namespace {

// The pairs and aux terms a selection names.
struct Target {
  std::string name;
  std::string path;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> aux;
  const AnalysisSpec* analysis = nullptr;
};

template <typename T>
const T* findNamed(const std::vector<T>& list, const std::string& name) {
  for (const T& item : list) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

template <typename T>
std::string namesOf(const std::vector<T>& list) {
  std::string out;
  for (const T& item : list) out += (out.empty() ? "" : ", ") + item.name;
  return out.empty() ? "none" : out;
}

Target resolveTarget(const Document& doc, const Selection& sel) {
  Target target;
  if (!sel.distribution.empty() || !sel.data.empty()) {
    if (sel.distribution.empty() || sel.data.empty()) {
      throw Error(ErrorCode::kInvalidArgument, "",
                  "--distribution and --data go together");
    }
    target.name = sel.distribution + "_" + sel.data;
    target.pairs.emplace_back(sel.distribution, sel.data);
    return target;
  }
  std::string likelihood = sel.likelihood;
  if (likelihood.empty() && (!sel.analysis.empty() || !doc.analyses.empty())) {
    const AnalysisSpec* a = sel.analysis.empty()
                                ? &doc.analyses.front()
                                : findNamed(doc.analyses, sel.analysis);
    if (!a) {
      throw Error(ErrorCode::kUnknownName, "analyses",
                  "no analysis named '" + sel.analysis + "'; the file has " +
                      namesOf(doc.analyses));
    }
    if (sel.analysis.empty() && doc.analyses.size() > 1) {
      HS3_LOG(kInfo, "hs3") << "the file has " << doc.analyses.size()
                            << " analyses; using the first, '" << a->name
                            << "' (choose another with --analysis)";
    }
    target.analysis = a;
    likelihood = a->likelihood;
  }
  if (likelihood.empty() && !doc.likelihoods.empty()) {
    likelihood = doc.likelihoods.front().name;
  }
  if (likelihood.empty()) {
    // No likelihood at all: the top-level distributions that depend on no
    // data, evaluated at the parameter point (what ROOT imports).
    target.name = "distributions";
    std::set<std::string> used;
    for (const ObjectSpec& d : doc.distributions) {
      for (const auto& [key, field] : d.fields) {
        for (const Ref& r : field.items) used.insert(r.name);
      }
    }
    for (const ObjectSpec& d : doc.distributions) {
      if (!used.count(d.name)) target.aux.push_back(d.name);
    }
    return target;
  }
  const LikelihoodSpec* l = findNamed(doc.likelihoods, likelihood);
  if (!l) {
    throw Error(
        ErrorCode::kUnknownName,
        target.analysis ? target.analysis->path + ".likelihood" : "likelihoods",
        "no likelihood named '" + likelihood + "'; the file has " +
            namesOf(doc.likelihoods));
  }
  target.name = l->name;
  target.path = l->path;
  for (std::size_t i = 0; i < l->distributions.size(); ++i) {
    target.pairs.emplace_back(l->distributions[i], l->data[i]);
  }
  target.aux = l->aux;
  return target;
}

// Where parameters get their values, bounds and constant flags.
class Settings {
 public:
  Settings(const Document& doc, const Selection& sel, const Target& target)
      : doc_(doc) {
    std::string pointName = sel.point;
    if (pointName.empty() && target.analysis) pointName = target.analysis->init;
    if (pointName.empty() && findNamed(doc.points, "default_values")) {
      pointName = "default_values";
    }
    if (!pointName.empty()) {
      point_ = findNamed(doc.points, pointName);
      if (!point_) {
        throw Error(ErrorCode::kUnknownName, "parameter_points",
                    "no parameter point named '" + pointName +
                        "'; the file has " + namesOf(doc.points));
      }
    }
    if (target.analysis) {
      for (const std::string& d : target.analysis->domains) {
        const DomainSpec* domain = findNamed(doc.domains, d);
        if (!domain) {
          throw Error(ErrorCode::kUnknownName,
                      target.analysis->path + ".domains",
                      "no domain named '" + d + "'");
        }
        analysisDomains_.push_back(domain);
      }
    }
    defaultDomain_ = findNamed(doc.domains, "default_domain");
  }

  bool isKnown(const std::string& name) const {
    for (const PointSpec& p : doc_.points) {
      if (findNamed(p.parameters, name)) return true;
    }
    for (const DomainSpec& d : doc_.domains) {
      if (findNamed(d.axes, name)) return true;
    }
    return false;
  }

  Parameter parameter(const std::string& name) const {
    Parameter p;
    p.name = name;
    p.lower = -kInf;
    p.upper = kInf;
    bool bounded = false;
    for (const DomainSpec* d : analysisDomains_) {
      if (const Axis* a = findNamed(d->axes, name)) {
        if (a->min) p.lower = std::max(p.lower, *a->min);
        if (a->max) p.upper = std::min(p.upper, *a->max);
        bounded = true;
      }
    }
    for (const DomainSpec* d : {defaultDomain_}) {
      if (bounded || !d) continue;
      if (const Axis* a = findNamed(d->axes, name)) {
        if (a->min) p.lower = *a->min;
        if (a->max) p.upper = *a->max;
        bounded = true;
      }
    }
    const PointEntry* entry =
        point_ ? findNamed(point_->parameters, name) : nullptr;
    for (const PointSpec& other : doc_.points) {
      if (entry) break;
      entry = findNamed(other.parameters, name);
    }
    if (entry) {
      p.init = entry->value;
      p.fixed = entry->isConst.value_or(false);
    } else if (std::isfinite(p.lower) && std::isfinite(p.upper)) {
      p.init = 0.5 * (p.lower + p.upper);
    }
    // ROOT marks a global observable (nom_alpha, nominalLumi) constant in
    // one point ("nominal") and leaves it unsaid in default_values; it is
    // constant in ROOT's fits all the same.
    if (!entry || !entry->isConst) {
      for (const PointSpec& other : doc_.points) {
        const PointEntry* e = findNamed(other.parameters, name);
        if (e && e->isConst.value_or(false)) p.fixed = true;
      }
    }
    return p;
  }

  // The range of an observable: its data axis, else its domain axis.
  Range range(const Axis& axis) const {
    Range r = Range::wholeLine();
    const Axis* fallback = doc_.domainAxis(axis.name);
    if (axis.min) {
      r.lo = *axis.min;
    } else if (fallback && fallback->min) {
      r.lo = *fallback->min;
    }
    if (axis.max) {
      r.hi = *axis.max;
    } else if (fallback && fallback->max) {
      r.hi = *fallback->max;
    }
    return r;
  }

 private:
  const Document& doc_;
  const PointSpec* point_ = nullptr;
  std::vector<const DomainSpec*> analysisDomains_;
  const DomainSpec* defaultDomain_ = nullptr;
};

// The bins of `axes`, last axis fastest: each axis's coordinate of every
// bin centre, and every bin's volume.
struct BinGrid {
  std::vector<std::vector<double>> centres;  // per axis
  std::vector<double> volumes;
};

BinGrid binGrid(const std::vector<Axis>& axes) {
  BinGrid grid;
  grid.centres.resize(axes.size());
  std::size_t total = 1;
  for (const Axis& a : axes) total *= a.bins();
  for (std::size_t i = 0; i < total; ++i) {
    std::size_t rest = i;
    double volume = 1.0;
    for (std::size_t d = axes.size(); d-- > 0;) {
      const Axis& a = axes[d];
      const std::size_t bin = rest % a.bins();
      rest /= a.bins();
      grid.centres[d].push_back(0.5 * (a.edges[bin] + a.edges[bin + 1]));
      volume *= a.edges[bin + 1] - a.edges[bin];
    }
    grid.volumes.push_back(volume);
  }
  return grid;
}

// A distribution seen as the constraint of `parameter`. A Gaussian on it
// (as its x or its mean) whose other side and width are numbers or
// parameters of the file, the width a constant one, the HistFactory
// channels can build themselves, with the other side as a global
// observable at its value; any other Gaussian on it only the graph can.
struct GaussianConstraint {
  enum Kind { kNotOnParameter, kBuildable, kGraphOnly } kind = kNotOnParameter;
  double nominal = 0.0;
  double sigma = 1.0;
};

GaussianConstraint gaussianOn(const Document& doc, const Settings& settings,
                              const std::string& pdf,
                              const std::string& parameter) {
  GaussianConstraint out;
  const ObjectSpec* spec = findNamed(doc.distributions, pdf);
  if (!spec || (spec->type != "gaussian_dist" && spec->type != "normal_dist")) {
    return out;
  }
  auto ref = [&](const char* key) -> const Ref& {
    auto it = spec->fields.find(key);
    if (it == spec->fields.end() || it->second.items.size() != 1) {
      throw Error(ErrorCode::kSchema, spec->path,
                  "gaussian_dist '" + pdf + "' needs '" + key + "'");
    }
    return it->second.items.front();
  };
  const Ref& x = ref("x");
  const Ref& mean = ref("mean");
  const Ref& sigma = ref("sigma");
  const Ref* nominal = x.name == parameter      ? &mean
                       : mean.name == parameter ? &x
                                                : nullptr;
  if (!nominal) return out;
  out.kind = GaussianConstraint::kGraphOnly;
  auto known = [&](const Ref& r) {
    return r.isNumber() || settings.isKnown(r.name);
  };
  if (!known(*nominal) || !known(sigma)) return out;
  if (!sigma.isNumber() && !settings.parameter(sigma.name).fixed) return out;
  auto value = [&](const Ref& r) {
    return r.isNumber() ? r.number : settings.parameter(r.name).init;
  };
  out.kind = GaussianConstraint::kBuildable;
  out.nominal = value(*nominal);
  out.sigma = value(sigma);
  return out;
}

// A likelihood split into its histfactory_dist channels, which go through
// a Workspace and Model::build, and everything else, which goes through the
// graph.
struct HistFactorySplit {
  // The channels with the aux terms that are their constraints; unset when
  // the likelihood has no histfactory_dist.
  std::optional<Workspace> workspace;
  // The other (distribution, data) pairs and aux terms.
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> aux;
  // The channels' custom factors with the axes of their channel.
  struct Custom {
    HistFactoryChannel::CustomFactor factor;
    std::vector<Axis> axes;
  };
  std::vector<Custom> customs;

  bool isPureHistFactory() const {
    return workspace && pairs.empty() && aux.empty() && customs.empty();
  }
};

HistFactorySplit splitHistFactory(const Document& doc, const Settings& settings,
                                  const Target& target) {
  HistFactorySplit split;
  std::vector<std::pair<std::string, std::string>> channelPairs;
  for (const auto& pair : target.pairs) {
    if (doc.channels.count(pair.first)) {
      channelPairs.push_back(pair);
    } else {
      split.pairs.push_back(pair);
    }
  }
  if (channelPairs.empty()) {
    split.aux = target.aux;
    return split;
  }
  Workspace ws;
  Measurement measurement;
  measurement.name = target.analysis ? target.analysis->name : target.name;
  measurement.path = target.analysis ? target.analysis->path : target.path;
  if (target.analysis && !target.analysis->pois.empty()) {
    measurement.poi = target.analysis->pois.front();
  }
  // Parameters constrained by a Gaussian (nominal, width) that the
  // channels build as their own constraint.
  std::map<std::string, std::pair<double, double>> gaussians;
  // (parameter, distribution) of the modifiers that name their constraint.
  std::vector<std::pair<std::string, std::string>> named;
  // Parameters whose constraint only the graph evaluates.
  std::set<std::string> constrainedOutside;
  for (const auto& [distName, dataName] : channelPairs) {
    const HistFactoryChannel& hf = doc.channels.at(distName);
    const DataSet* data = findNamed(doc.data, dataName);
    if (!data) {
      throw Error(ErrorCode::kUnknownName, target.path,
                  "no data set named '" + dataName + "'");
    }
    if (data->type != "binned") {
      throw Error(ErrorCode::kSchema, data->path,
                  "histfactory_dist '" + distName +
                      "' needs binned data, not " + data->type);
    }
    Channel channel = hf.channel;
    if (data->contents.size() != channel.samples.front().data.size()) {
      throw Error(ErrorCode::kShapeMismatch, data->path + ".contents",
                  "has " + std::to_string(data->contents.size()) +
                      " bins but channel '" + distName + "' has " +
                      std::to_string(channel.samples.front().data.size()));
    }
    for (const auto& [parameter, constraint] : hf.constraintPdfs) {
      if (constraint.distribution.empty()) continue;
      if (!findNamed(doc.distributions, constraint.distribution)) {
        throw Error(ErrorCode::kUnknownName, constraint.path,
                    "no distribution named '" + constraint.distribution +
                        "' (the constraint of '" + parameter + "')");
      }
      named.emplace_back(parameter, constraint.distribution);
    }
    for (const auto& factor : hf.customFactors) {
      split.customs.push_back({factor, hf.axes});
    }
    ws.observations.push_back({channel.name, data->contents, data->path});
    ws.channels.push_back(std::move(channel));
  }
  // The constraint of each parameter that some modifier builds itself
  // (the first such request), and the one-parameter modifiers.
  std::map<std::string, ModifierConstraint> own;
  std::set<std::string> scalars;
  for (const Channel& c : ws.channels) {
    for (const Sample& s : c.samples) {
      for (const Modifier& m : s.modifiers) {
        if (m.constraint != ModifierConstraint::kExternal) {
          own.emplace(m.name, m.constraint);
        }
        if (m.parameterNames.empty()) scalars.insert(m.name);
      }
    }
  }
  // A term the graph evaluates beside the channels, counted once.
  auto addExternal = [&](const std::string& pdf) {
    if (std::find(split.aux.begin(), split.aux.end(), pdf) == split.aux.end()) {
      split.aux.push_back(pdf);
    }
  };
  for (const auto& [parameter, pdf] : named) {
    // Where other modifiers of the parameter build their own constraint
    // as well, ROOT keeps both terms.
    const GaussianConstraint g = gaussianOn(doc, settings, pdf, parameter);
    if (scalars.count(parameter) && !own.count(parameter) &&
        g.kind == GaussianConstraint::kBuildable) {
      gaussians[parameter] = {g.nominal, g.sigma};
    } else {
      addExternal(pdf);
    }
  }
  for (const std::string& aux : target.aux) {
    if (!findNamed(doc.distributions, aux)) {
      throw Error(ErrorCode::kUnknownName, target.path + ".aux_distributions",
                  "no distribution named '" + aux + "'");
    }
    // A Gaussian on a modifier's parameter is that modifier's constraint
    // (an older ROOT writes it both ways): the channels build it, or, when
    // they cannot, only the graph does.
    bool handled = false;
    for (const std::string& parameter : scalars) {
      const GaussianConstraint g = gaussianOn(doc, settings, aux, parameter);
      if (g.kind == GaussianConstraint::kBuildable) {
        handled = true;
        gaussians[parameter] = {g.nominal, g.sigma};
      } else if (g.kind == GaussianConstraint::kGraphOnly) {
        constrainedOutside.insert(parameter);
      }
    }
    if (!handled) addExternal(aux);
  }
  for (Channel& c : ws.channels) {
    for (Sample& s : c.samples) {
      for (Modifier& m : s.modifiers) {
        if (gaussians.count(m.name)) {
          // The channels build this Gaussian themselves, with the nominal
          // and width set below.
          m.constraint = ModifierConstraint::kDefault;
          if (m.type == ModifierType::kNormFactor) {
            m.type = ModifierType::kLumi;
          }
        } else if (constrainedOutside.count(m.name)) {
          m.constraint = ModifierConstraint::kExternal;
        } else if (m.constraint == ModifierConstraint::kExternal &&
                   own.count(m.name)) {
          m.constraint = own.at(m.name);
        }
      }
    }
  }
  // The parameter settings of the file, per modifier set.
  std::map<std::string, std::vector<std::string>> components;
  for (const Channel& c : ws.channels) {
    for (const Sample& s : c.samples) {
      for (const Modifier& m : s.modifiers) {
        components[m.name] = m.parameterNames.empty()
                                 ? std::vector<std::string>{m.name}
                                 : m.parameterNames;
      }
    }
  }
  for (const auto& [set, names] : components) {
    ParameterConfig config;
    config.name = set;
    config.path = measurement.path;
    std::vector<double> inits;
    std::vector<std::pair<double, double>> bounds;
    bool allConst = true;
    for (const std::string& n : names) {
      if (!settings.isKnown(n)) continue;
      const Parameter p = settings.parameter(n);
      inits.push_back(p.init);
      if (std::isfinite(p.lower) && std::isfinite(p.upper)) {
        bounds.emplace_back(p.lower, p.upper);
      }
      allConst = allConst && p.fixed;
    }
    if (inits.size() == names.size()) {
      config.inits = inits;
      if (allConst) config.fixed = true;
    }
    if (bounds.size() == names.size()) config.bounds = bounds;
    if (gaussians.count(set)) {
      config.auxdata = std::vector<double>{gaussians[set].first};
      config.sigmas = std::vector<double>{gaussians[set].second};
    }
    measurement.parameters.push_back(std::move(config));
  }
  ws.measurements.push_back(std::move(measurement));
  split.workspace = std::move(ws);
  return split;
}

}  // namespace

std::optional<Workspace> histFactoryWorkspace(const Document& doc,
                                              const Selection& sel) {
  const Target target = resolveTarget(doc, sel);
  const Settings settings(doc, sel, target);
  HistFactorySplit split = splitHistFactory(doc, settings, target);
  if (!split.isPureHistFactory()) return std::nullopt;
  return std::move(split.workspace);
}

std::shared_ptr<const Model> buildHs3Model(const Document& doc,
                                           const Selection& sel,
                                           const ModelOptions& options) {
  const Target target = resolveTarget(doc, sel);
  const Settings settings(doc, sel, target);
  HistFactorySplit split = splitHistFactory(doc, settings, target);
  ModelOptions hfOptions = options;
  hfOptions.measurement.clear();
  hfOptions.clampNegativeSamples = true;
  if (split.isPureHistFactory()) {
    return Model::build(*split.workspace, hfOptions);
  }
  std::shared_ptr<const Model> histFactory;
  if (split.workspace) {
    // The parameter of interest is looked up by name in the whole
    // likelihood below; it need not be one of the channels'.
    split.workspace->measurements.front().poi.clear();
    histFactory = Model::build(*split.workspace, hfOptions);
    HS3_LOG(kDebug, "hs3") << "likelihood '" << target.name << "' has "
                           << histFactory->channels().size()
                           << " histfactory_dist channels, "
                           << split.pairs.size() << " other distributions and "
                           << split.aux.size()
                           << " other aux terms; the channels are one "
                           << "HistFactory node of the general graph";
  }
  auto general = std::make_shared<GeneralModel>();
  // The channels' parameters come first, in their order and with their
  // settings; the graph shares them by name.
  std::vector<Parameter> parameters;
  std::map<std::string, std::size_t> indices;
  // The custom factors' sets, whose values the graph computes: by name,
  // their position in `split.customs`.
  std::map<std::string, std::size_t> computed;
  for (std::size_t k = 0; k < split.customs.size(); ++k) {
    computed[split.customs[k].factor.modifier] = k;
  }
  if (histFactory) {
    for (const ParameterSet& set : histFactory->parameterSets()) {
      if (computed.count(set.name)) continue;
      for (std::size_t i = set.first; i < set.first + set.count; ++i) {
        parameters.push_back(histFactory->parameters()[i]);
      }
    }
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      if (!indices.emplace(parameters[i].name, i).second) {
        throw Error(ErrorCode::kDuplicateName, target.path,
                    "two parameters of the histfactory_dist channels of '" +
                        target.name + "' are named '" + parameters[i].name +
                        "'; the other distributions could not tell them "
                        "apart");
      }
    }
  }
  Builder builder(doc, general->program,
                  [&](const std::string& name, const std::string& where) {
                    auto it = indices.find(name);
                    if (it != indices.end()) return it->second;
                    if (!settings.isKnown(name)) {
                      throw Error(ErrorCode::kUnknownName, where,
                                  "'" + name +
                                      "' is referenced here but is no "
                                      "distribution, function or parameter "
                                      "of the file (no parameter point or "
                                      "domain names it)");
                    }
                    parameters.push_back(settings.parameter(name));
                    indices[name] = parameters.size() - 1;
                    return parameters.size() - 1;
                  });
  Program& p = general->program;
  // The data vector: the channels' main bins, the other pairs' data, then
  // the channels' aux data.
  std::vector<double> observed;
  std::vector<ChannelInfo> channels;
  if (histFactory) {
    observed.assign(
        histFactory->observedData().begin(),
        histFactory->observedData().begin() + histFactory->mainDataSize());
    channels = histFactory->channels();
  }
  NodeId main = p.constant(0.0);
  // The constraint factors of all pairs by name, each counted once.
  std::map<std::string, NodeId> constraints;
  for (const auto& [distName, dataName] : split.pairs) {
    const DataSet* data = findNamed(doc.data, dataName);
    if (!data) {
      throw Error(ErrorCode::kUnknownName, target.path,
                  "no data set named '" + dataName + "'; the file has " +
                      namesOf(doc.data));
    }
    if (!builder.findDistribution(distName)) {
      throw Error(ErrorCode::kUnknownName, target.path,
                  "no distribution named '" + distName + "'");
    }
    GeneralModel::Term term;
    term.distribution = distName;
    term.data = dataName;
    term.offset = observed.size();
    std::vector<std::vector<double>> columns(data->axes.size());
    if (data->type == "unbinned") {
      for (const auto& row : data->entries) {
        for (std::size_t d = 0; d < row.size(); ++d)
          columns[d].push_back(row[d]);
      }
      observed.insert(observed.end(), data->weights.begin(),
                      data->weights.end());
      term.length = data->entries.size();
    } else if (data->type == "binned") {
      // Bin centres weighted by the contents: ROOT's evaluation of a
      // continuous density on binned data.
      term.binned = true;
      term.length = data->contents.size();
      BinGrid grid = binGrid(data->axes);
      columns = std::move(grid.centres);
      term.volumes = std::move(grid.volumes);
      observed.insert(observed.end(), data->contents.begin(),
                      data->contents.end());
    } else {
      throw Error(ErrorCode::kSchema, data->path,
                  "point data cannot be paired with a distribution yet");
    }
    Context& context = builder.newContext(term.length);
    for (std::size_t d = 0; d < data->axes.size(); ++d) {
      context.bound[data->axes[d].name] = p.column(std::move(columns[d]));
      context.ranges[data->axes[d].name] = settings.range(data->axes[d]);
      if (term.binned) {
        context.edges[data->axes[d].name] = data->axes[d].edges;
      }
    }
    const LogPdf lp = builder.logPdf(distName, context, target.path);
    const NodeId weights = p.data(term.offset, term.length);
    const NodeId count = p.sum(weights);
    NodeId value = p.length(lp.perEvent) == 1
                       ? p.apply(Op::kMul, {count, lp.perEvent})
                       : p.sum(p.apply(Op::kMul, {weights, lp.perEvent}));
    NodeId binExpected = lp.binExpected;
    if (binExpected == kNoNode && term.binned &&
        doc.binnedLikelihood.count(distName)) {
      // ROOT's binned likelihood: the expected count of a bin is the
      // density at its centre times its volume times the expected events,
      // or the observed total when the density is not extended.
      const NodeId total = lp.expected != kNoNode ? lp.expected : count;
      binExpected =
          p.apply(Op::kMul,
                  {p.apply(Op::kMul, {total, p.apply(Op::kExp, {lp.perEvent})}),
                   p.column(term.volumes)});
    }
    if (binExpected != kNoNode) {
      if (!term.binned || p.length(binExpected) != term.length) {
        throw Error(ErrorCode::kSchema, data->path,
                    "distribution '" + distName +
                        "' gives counts per bin; it pairs with binned data "
                        "of its binning");
      }
      value = p.sum(dists::logPoisson(p, weights, binExpected));
    }
    constraints.insert(lp.once.begin(), lp.once.end());
    if (lp.expected != kNoNode && binExpected == kNoNode) {
      // Extended term without the data-only ln N! (ROOT's convention).
      value = p.apply(
          Op::kSub,
          {p.apply(Op::kAdd,
                   {value, p.apply(Op::kMul,
                                   {count, p.apply(Op::kLog, {lp.expected})})}),
           lp.expected});
    }
    main = p.apply(Op::kAdd, {main, value});
    term.perEvent = lp.perEvent;
    term.expected = lp.expected;
    channels.push_back({distName, term.length, term.offset, {dataName}});
    general->terms.push_back(std::move(term));
  }
  for (const auto& [name, node] : constraints) {
    main = p.apply(Op::kAdd, {main, node});
  }
  if (histFactory) {
    auto embedded = std::make_shared<EmbeddedHistFactory>();
    embedded->model = histFactory;
    embedded->mainOffset = 0;
    embedded->auxOffset = observed.size();
    // A custom factor is its function at the bin centres of its channel
    // (one value when it does not depend on the observables).
    std::vector<NodeId> customNodes;
    for (const auto& custom : split.customs) {
      const BinGrid grid = binGrid(custom.axes);
      Context& context = builder.newContext(grid.volumes.size());
      for (std::size_t d = 0; d < custom.axes.size(); ++d) {
        const Axis& axis = custom.axes[d];
        context.bound[axis.name] = p.column(grid.centres[d]);
        context.ranges[axis.name] = settings.range(axis);
        context.edges[axis.name] = axis.edges;
      }
      customNodes.push_back(
          builder.value(custom.factor.function, context, custom.factor.path));
    }
    auto inputOf = [&](NodeId node) {
      auto& inputs = embedded->inputs;
      auto it = std::find(inputs.begin(), inputs.end(), node);
      if (it != inputs.end()) return std::size_t(it - inputs.begin());
      inputs.push_back(node);
      return inputs.size() - 1;
    };
    for (const ParameterSet& set : histFactory->parameterSets()) {
      auto custom = computed.find(set.name);
      for (std::size_t b = 0; b < set.count; ++b) {
        if (custom == computed.end()) {
          const std::size_t index =
              indices.at(histFactory->parameters()[set.first + b].name);
          embedded->sources.push_back({inputOf(p.parameter(index)), 0});
        } else {
          const NodeId node = customNodes[custom->second];
          embedded->sources.push_back(
              {inputOf(node), p.length(node) == 1 ? 0 : b});
        }
      }
    }
    general->histFactory = embedded;
    general->histFactoryNode = p.histFactory(embedded);
    main = p.apply(Op::kAdd, {main, general->histFactoryNode});
  }
  // An aux term that is also a constraint factor of a channel, or listed
  // twice, is one constraint: RooFit merges external and internal
  // constraints into one set.
  NodeId aux = p.constant(0.0);
  for (const std::string& name : split.aux) {
    if (!constraints.emplace(name, kNoNode).second) continue;
    const LogPdf lp = builder.logPdf(name, builder.scalarContext(),
                                     target.path + ".aux_distributions");
    aux = p.apply(Op::kAdd, {aux, lp.perEvent});
    for (const auto& [factor, node] : lp.once) {
      if (constraints.emplace(factor, node).second) {
        aux = p.apply(Op::kAdd, {aux, node});
      }
    }
  }
  general->main = main;
  general->aux = aux;

  int poi = -1;
  if (target.analysis && !target.analysis->pois.empty()) {
    const std::string& name = target.analysis->pois.front();
    auto it = indices.find(name);
    if (it == indices.end()) {
      throw Error(ErrorCode::kUnknownName, target.analysis->path,
                  "the parameter of interest '" + name +
                      "' is not a parameter of likelihood '" + target.name +
                      "'");
    }
    poi = static_cast<int>(it->second);
  }
  auto model = ModelFactory::make();
  std::set<std::string> computedSets;
  for (const auto& entry : computed) computedSets.insert(entry.first);
  ModelFactory::fill(*model, std::move(parameters), std::move(channels),
                     std::move(observed), poi,
                     target.analysis ? target.analysis->name : target.name,
                     options, general, histFactory.get(), computedSets);
  return model;
}

}  // namespace graph
}  // namespace hs3
