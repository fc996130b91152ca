// Builds a Model from a Workspace with pyhf's rules: sorted channels and
// samples, parameters grouped by modifier type, pyhf's defaults for inits,
// bounds and constraints, measurement overrides applied key by key.

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "histfactory/compiled_model.hpp"
#include "histfactory/interpolation.hpp"
#include "hs3/error.hpp"
#include "hs3/log.hpp"

namespace hs3 {

namespace {

// Everything known about one parameter set while the model is being built.
struct SetDraft {
  std::string name;
  ModifierType type = ModifierType::kNormFactor;  // the first type seen
  std::size_t count = 1;
  std::size_t first = 0;
  ConstraintKind constraint = ConstraintKind::kNone;
  std::vector<double> inits, auxdata, sigmas, factors;
  std::vector<std::pair<double, double>> bounds;
  std::vector<bool> fixed;
  // Per-bin sets: which (channel, bin) each component serves.
  std::vector<std::pair<std::string, std::size_t>> bins;
  // HS3: component names and the constraint the file asks for.
  std::vector<std::string> componentNames;
  ModifierConstraint requested = ModifierConstraint::kDefault;
  std::string path;  // where it first appears
  bool configured = false;
};

bool isPerBin(ModifierType type) {
  return type == ModifierType::kShapeFactor ||
         type == ModifierType::kShapeSys || type == ModifierType::kStatError;
}

bool canShareName(ModifierType a, ModifierType b) {
  if (a == b) return true;
  const bool aAlpha =
      a == ModifierType::kNormSys || a == ModifierType::kHistoSys;
  const bool bAlpha =
      b == ModifierType::kNormSys || b == ModifierType::kHistoSys;
  return aAlpha && bAlpha;
}

const Measurement& pickMeasurement(const Workspace& ws,
                                   const std::string& name) {
  if (ws.measurements.empty()) {
    throw Error(ErrorCode::kSchema, "measurements",
                "the workspace has no measurement");
  }
  if (name.empty()) {
    if (ws.measurements.size() > 1) {
      HS3_LOG(kInfo, "model")
          << "the workspace has " << ws.measurements.size()
          << " measurements; using the first, '" << ws.measurements[0].name
          << "' (choose another with --measurement)";
    }
    return ws.measurements.front();
  }
  std::string known;
  for (const Measurement& m : ws.measurements) {
    if (m.name == name) return m;
    known += (known.empty() ? "" : ", ") + m.name;
  }
  throw Error(
      ErrorCode::kUnknownName, "measurements",
      "no measurement named '" + name + "'; the workspace has " + known);
}

template <typename T>
void overrideList(std::vector<T>& target,
                  const std::optional<std::vector<T>>& source,
                  const std::string& path, const char* key,
                  const std::string& setName) {
  if (!source) return;
  if (source->size() != target.size()) {
    throw Error(ErrorCode::kShapeMismatch, path + "." + key,
                "has " + std::to_string(source->size()) + " entries but '" +
                    setName + "' has " + std::to_string(target.size()) +
                    " parameter" + (target.size() == 1 ? "" : "s"));
  }
  target = *source;
}

void applyDefaults(SetDraft& set) {
  const std::size_t n = set.count;
  set.fixed.assign(n, false);
  set.inits.assign(n, 1.0);
  switch (set.type) {
    case ModifierType::kNormFactor:
    case ModifierType::kShapeFactor:
      set.bounds.assign(n, {0.0, 10.0});
      break;
    case ModifierType::kNormSys:
    case ModifierType::kHistoSys:
      set.constraint = ConstraintKind::kGaussian;
      set.inits.assign(n, 0.0);
      set.bounds.assign(n, {-5.0, 5.0});
      set.auxdata.assign(n, 0.0);
      set.sigmas.assign(n, 1.0);
      break;
    case ModifierType::kLumi:
      // pyhf has no defaults: lumi needs its measurement configuration.
      set.constraint = ConstraintKind::kGaussian;
      set.bounds.assign(n, {0.0, 10.0});
      break;
    case ModifierType::kStatError:
      set.constraint = ConstraintKind::kGaussian;
      set.bounds.assign(n, {1e-10, 10.0});
      set.auxdata.assign(n, 1.0);
      break;
    case ModifierType::kShapeSys:
      set.constraint = ConstraintKind::kPoisson;
      set.bounds.assign(n, {1e-10, 10.0});
      break;
  }
}

void applyConfig(SetDraft& set, const ParameterConfig& config) {
  set.configured = true;
  overrideList(set.inits, config.inits, config.path, "inits", set.name);
  overrideList(set.bounds, config.bounds, config.path, "bounds", set.name);
  if (config.fixed) set.fixed.assign(set.count, *config.fixed);
  if (set.type == ModifierType::kLumi) {
    if (!config.auxdata || !config.sigmas) {
      throw Error(ErrorCode::kSchema, config.path,
                  "the lumi parameter needs 'auxdata' and 'sigmas' (its "
                  "nominal value and uncertainty)");
    }
    set.auxdata = *config.auxdata;
    set.sigmas = *config.sigmas;
    if (set.auxdata.size() != 1 || set.sigmas.size() != 1) {
      throw Error(ErrorCode::kShapeMismatch, config.path,
                  "lumi takes one auxdata and one sigma");
    }
    if (!config.inits) set.inits = set.auxdata;
    if (!config.bounds) {
      set.bounds = {{set.auxdata[0] - 5 * set.sigmas[0],
                     set.auxdata[0] + 5 * set.sigmas[0]}};
    }
    return;
  }
  if (set.constraint != ConstraintKind::kNone) {
    overrideList(set.auxdata, config.auxdata, config.path, "auxdata", set.name);
  }
  if (set.constraint == ConstraintKind::kGaussian) {
    overrideList(set.sigmas, config.sigmas, config.path, "sigmas", set.name);
  }
  if (set.constraint == ConstraintKind::kPoisson) {
    overrideList(set.factors, config.factors, config.path, "factors", set.name);
  }
  for (std::size_t i = 0; i < set.count; ++i) {
    if (set.constraint == ConstraintKind::kGaussian && !(set.sigmas[i] > 0)) {
      throw Error(ErrorCode::kInvalidValue, config.path + ".sigmas",
                  "the width of '" + set.name + "' must be positive");
    }
  }
}

// The relative statistical uncertainty of each bin of a staterror set:
// the quadrature sum of the samples' absolute uncertainties over the sum of
// the nominal yields of the samples that carry the modifier.
void finishStatError(SetDraft& set, const std::vector<const Channel*>& chans,
                     const std::set<std::string>& carriers) {
  set.sigmas.assign(set.count, 1.0);
  for (std::size_t i = 0; i < set.count; ++i) {
    const auto& [channelName, bin] = set.bins[i];
    double nominalSum = 0.0;
    double varianceSum = 0.0;
    for (const Channel* channel : chans) {
      if (channel->name != channelName) continue;
      for (const Sample& sample : channel->samples) {
        if (!carriers.count(sample.name)) continue;
        nominalSum += sample.data[bin];
        for (const Modifier& m : sample.modifiers) {
          if (m.type == ModifierType::kStatError && m.name == set.name) {
            varianceSum += m.uncertainties[bin] * m.uncertainties[bin];
          }
        }
      }
    }
    double relative = 0.0;
    if (nominalSum > 0) {
      relative = std::sqrt(varianceSum) / nominalSum;
    } else if (nominalSum < 0 && varianceSum > 0) {
      // pyhf freezes such bins without a word; an interference sample can
      // make the sum negative while its uncertainty is real, so the width
      // is taken relative to the size of the yield instead.
      relative = std::sqrt(varianceSum) / -nominalSum;
      HS3_LOG(kWarning, "model")
          << "staterror '" << set.name << "' bin " << bin << " of channel '"
          << channelName << "' has a negative total nominal yield ("
          << nominalSum << "); its width is taken relative to |yield|, "
          << "where pyhf would freeze the parameter";
    }
    if (relative > 0) {
      set.sigmas[i] = relative;
    } else {
      // No uncertainty: pyhf fixes the parameter at 1 and keeps its
      // Gaussian term with width 1, so the likelihood matches pyhf's.
      set.fixed[i] = true;
    }
  }
}

void finishShapeSys(SetDraft& set, const Sample& sample,
                    const Modifier& modifier) {
  set.factors.assign(set.count, 1.0);
  for (std::size_t b = 0; b < set.count; ++b) {
    const double nominal = sample.data[b];
    const double sigma = modifier.uncertainties[b];
    if (nominal > 0 && sigma > 0) {
      set.factors[b] = (nominal / sigma) * (nominal / sigma);
    } else {
      // pyhf fixes such a bin at 1 with tau = 1 and keeps the constraint.
      set.fixed[b] = true;
    }
  }
  set.auxdata = set.factors;
}

// HS3 files choose the constraint of a modifier (ROOT constrains staterror
// with a Poisson term by default); the widths pyhf's rules computed are
// turned into the other form: tau = 1 / sigma_rel^2.
void applyRequestedConstraint(SetDraft& set) {
  switch (set.requested) {
    case ModifierConstraint::kDefault:
      return;
    case ModifierConstraint::kConst:
      set.constraint = ConstraintKind::kNone;
      set.fixed.assign(set.count, true);
      return;
    case ModifierConstraint::kExternal:
      set.constraint = ConstraintKind::kNone;
      return;
    case ModifierConstraint::kPoisson:
      if (set.constraint != ConstraintKind::kGaussian) return;
      set.factors.assign(set.count, 1.0);
      for (std::size_t i = 0; i < set.count; ++i) {
        const double sigma = set.sigmas[i];
        if (!set.fixed[i] && sigma > 0) set.factors[i] = 1.0 / (sigma * sigma);
      }
      set.constraint = ConstraintKind::kPoisson;
      set.auxdata = set.factors;
      if (set.type == ModifierType::kNormSys ||
          set.type == ModifierType::kHistoSys) {
        HS3_LOG(kWarning, "model")
            << "'" << set.name << "' asks for a Poisson constraint, which "
            << "is only defined for bin factors; it keeps its Gaussian one";
        set.constraint = ConstraintKind::kGaussian;
        set.auxdata.assign(set.count, 0.0);
      }
      return;
    case ModifierConstraint::kGaussian:
      if (set.constraint != ConstraintKind::kPoisson) return;
      set.sigmas.assign(set.count, 1.0);
      for (std::size_t i = 0; i < set.count; ++i) {
        if (set.factors[i] > 0) set.sigmas[i] = 1.0 / std::sqrt(set.factors[i]);
      }
      set.constraint = ConstraintKind::kGaussian;
      set.auxdata.assign(set.count, 1.0);
      return;
  }
}

}  // namespace

Model::Model() = default;
Model::~Model() = default;

std::shared_ptr<const Model> Model::build(const Workspace& ws,
                                          const ModelOptions& options) {
  std::shared_ptr<Model> model(new Model());
  model->options_ = options;
  const Measurement& measurement = pickMeasurement(ws, options.measurement);
  model->measurement_ = measurement.name;

  std::vector<const Channel*> channels;
  for (const Channel& c : ws.channels) channels.push_back(&c);
  std::sort(
      channels.begin(), channels.end(),
      [](const Channel* a, const Channel* b) { return a->name < b->name; });

  std::set<std::string> sampleNameSet;
  for (const Channel* c : channels) {
    for (const Sample& s : c->samples) sampleNameSet.insert(s.name);
  }

  // Pass 1: collect parameter sets and check how names are shared.
  std::map<std::string, SetDraft> drafts;
  std::map<std::string, std::set<std::string>> statCarriers;
  std::map<std::string, std::pair<const Sample*, const Modifier*>> shapesys;
  for (const Channel* channel : channels) {
    const std::size_t nbins = channel->samples.front().data.size();
    for (const Sample& sample : channel->samples) {
      for (const Modifier& m : sample.modifiers) {
        auto [it, isNew] = drafts.try_emplace(m.name);
        SetDraft& set = it->second;
        if (isNew) {
          set.name = m.name;
          set.type = m.type;
          set.path = m.path;
          set.requested = m.constraint;
          if (m.type != ModifierType::kStatError) {
            set.componentNames = m.parameterNames;
          }
          set.count = isPerBin(m.type) ? nbins : 1;
          if (m.type == ModifierType::kShapeSys ||
              m.type == ModifierType::kStatError) {
            set.count = 0;
          }
        } else if (!canShareName(set.type, m.type)) {
          throw Error(ErrorCode::kDuplicateName, m.path,
                      std::string("the name '") + m.name + "' is used by a " +
                          modifierTypeName(set.type) + " modifier (at " +
                          set.path + ") and by this " +
                          modifierTypeName(m.type) +
                          " modifier; one parameter cannot be both");
        }
        if (m.type == ModifierType::kShapeFactor && set.count != nbins) {
          throw Error(ErrorCode::kShapeMismatch, m.path,
                      "shapefactor '" + m.name + "' has " +
                          std::to_string(set.count) +
                          " bins elsewhere, but channel '" + channel->name +
                          "' has " + std::to_string(nbins));
        }
        if (m.type == ModifierType::kShapeSys) {
          if (!isNew) {
            throw Error(ErrorCode::kDuplicateName, m.path,
                        "shapesys '" + m.name + "' is already used at " +
                            set.path +
                            "; a shapesys belongs to one sample only");
          }
          shapesys[m.name] = {&sample, &m};
          for (std::size_t b = 0; b < nbins; ++b) {
            set.bins.emplace_back(channel->name, b);
          }
          set.count = nbins;
        }
        if (m.type == ModifierType::kStatError) {
          statCarriers[m.name].insert(sample.name);
          const bool channelSeen = std::any_of(
              set.bins.begin(), set.bins.end(),
              [&](const auto& bin) { return bin.first == channel->name; });
          if (!channelSeen) {
            for (std::size_t b = 0; b < nbins; ++b) {
              set.bins.emplace_back(channel->name, b);
              set.componentNames.push_back(
                  b < m.parameterNames.size() ? m.parameterNames[b] : "");
            }
            set.count = set.bins.size();
          }
        }
      }
    }
  }

  // Pass 2: pyhf's parameter order: by type, then first appearance over
  // sorted channels, sorted samples and sorted (name, type) modifiers.
  std::vector<SetDraft*> order;
  std::set<std::string> placed;
  for (ModifierType type : allModifierTypes()) {
    for (const Channel* channel : channels) {
      std::vector<const Sample*> samples;
      for (const Sample& s : channel->samples) samples.push_back(&s);
      std::sort(
          samples.begin(), samples.end(),
          [](const Sample* a, const Sample* b) { return a->name < b->name; });
      for (const Sample* sample : samples) {
        std::vector<const Modifier*> mods;
        for (const Modifier& m : sample->modifiers) {
          if (m.type == type) mods.push_back(&m);
        }
        std::sort(mods.begin(), mods.end(),
                  [](const Modifier* a, const Modifier* b) {
                    return a->name < b->name;
                  });
        for (const Modifier* m : mods) {
          if (placed.insert(m->name).second) order.push_back(&drafts[m->name]);
        }
      }
    }
  }

  // Pass 3: defaults, measured widths, then the measurement's overrides.
  std::map<std::string, const ParameterConfig*> configs;
  for (const ParameterConfig& config : measurement.parameters) {
    if (!drafts.count(config.name)) {
      HS3_LOG(kDebug, "model") << "parameter config '" << config.name
                               << "' names no parameter of the model";
      continue;
    }
    configs[config.name] = &config;
  }
  for (SetDraft* set : order) {
    applyDefaults(*set);
    if (set->type == ModifierType::kStatError) {
      finishStatError(*set, channels, statCarriers[set->name]);
    } else if (set->type == ModifierType::kShapeSys) {
      finishShapeSys(*set, *shapesys[set->name].first,
                     *shapesys[set->name].second);
    }
    applyRequestedConstraint(*set);
    auto config = configs.find(set->name);
    if (config != configs.end()) {
      applyConfig(*set, *config->second);
    } else if (set->type == ModifierType::kLumi) {
      throw Error(ErrorCode::kSchema, measurement.path,
                  "the model has a lumi modifier (at " + set->path +
                      ") but measurement '" + measurement.name +
                      "' does not configure 'lumi' (auxdata, sigmas)");
    }
  }

  // Pass 4: the parameter vector, constraints and auxiliary data.
  for (SetDraft* set : order) {
    set->first = model->parameters_.size();
    ParameterSet info;
    info.name = set->name;
    info.type = modifierTypeName(set->type);
    info.first = set->first;
    info.count = set->count;
    model->sets_.push_back(info);
    for (std::size_t i = 0; i < set->count; ++i) {
      Parameter p;
      p.name = set->count == 1 && !isPerBin(set->type)
                   ? set->name
                   : set->name + "[" + std::to_string(i) + "]";
      if (i < set->componentNames.size() && !set->componentNames[i].empty()) {
        p.name = set->componentNames[i];
      }
      p.init = set->inits[i];
      p.lower = set->bounds[i].first;
      p.upper = set->bounds[i].second;
      p.fixed = set->fixed[i];
      model->parameters_.push_back(p);
      Constraint c;
      c.kind = set->constraint;
      if (c.kind == ConstraintKind::kGaussian) {
        c.auxdata = set->auxdata[i];
        c.sigma = set->sigmas[i];
      } else if (c.kind == ConstraintKind::kPoisson) {
        c.auxdata = set->auxdata[i];
        c.tau = set->factors[i];
      }
      model->constraints_.push_back(c);
    }
  }

  auto compiled = std::make_unique<Compiled>();
  compiled->normsysCode = options.normsys;
  compiled->histosysCode = options.histosys;
  compiled->clampNegativeSamples = options.clampNegativeSamples;
  for (std::size_t p = 0; p < model->parameters_.size(); ++p) {
    const Constraint& c = model->constraints_[p];
    if (c.kind == ConstraintKind::kGaussian) {
      compiled->gaussians.push_back({p, model->auxdata_.size(), c.sigma});
      model->auxdata_.push_back(c.auxdata);
    } else if (c.kind == ConstraintKind::kPoisson) {
      compiled->poissons.push_back({p, model->auxdata_.size(), c.tau});
      model->auxdata_.push_back(c.auxdata);
    }
  }

  // The parameter of interest.
  if (!measurement.poi.empty()) {
    auto it = drafts.find(measurement.poi);
    if (it == drafts.end()) {
      throw Error(ErrorCode::kUnknownName, measurement.path + ".config.poi",
                  "the parameter of interest '" + measurement.poi +
                      "' is not a parameter of the model");
    }
    if (it->second.count != 1) {
      throw Error(ErrorCode::kInvalidValue, measurement.path + ".config.poi",
                  "the parameter of interest '" + measurement.poi + "' has " +
                      std::to_string(it->second.count) +
                      " components; it must be a single number");
    }
    model->poiIndex_ = static_cast<int>(it->second.first);
  }

  // Pass 5: compile the channels and gather the observed data.
  std::map<std::string, const Observation*> observations;
  for (const Observation& o : ws.observations) observations[o.name] = &o;
  for (const Channel* channel : channels) {
    Compiled::Channel compiledChannel;
    compiledChannel.name = channel->name;
    compiledChannel.nbins = channel->samples.front().data.size();
    compiledChannel.offset = model->mainSize_;
    ChannelInfo info{
        channel->name, compiledChannel.nbins, compiledChannel.offset, {}};

    auto observation = observations.find(channel->name);
    if (observation == observations.end()) {
      throw Error(ErrorCode::kUnknownName, channel->path,
                  "channel '" + channel->name + "' has no observation");
    }
    const std::vector<double>& counts = observation->second->data;
    if (counts.size() != compiledChannel.nbins) {
      throw Error(ErrorCode::kShapeMismatch,
                  observation->second->path + ".data",
                  "has " + std::to_string(counts.size()) +
                      " entries but channel '" + channel->name + "' has " +
                      std::to_string(compiledChannel.nbins) + " bins");
    }
    model->observed_.insert(model->observed_.end(), counts.begin(),
                            counts.end());
    model->mainSize_ += compiledChannel.nbins;

    for (const Sample& sample : channel->samples) {
      Compiled::Sample cs;
      cs.name = sample.name;
      cs.nominal = sample.data;
      cs.buffer = compiled->sampleBins;
      cs.index = compiled->sampleCount++;
      compiled->sampleBins += compiledChannel.nbins;
      info.samples.push_back(sample.name);
      for (const Modifier& m : sample.modifiers) {
        const SetDraft& set = drafts[m.name];
        switch (m.type) {
          case ModifierType::kNormFactor:
          case ModifierType::kLumi:
            cs.factors.push_back({set.first, false, 1.0, 1.0, options.normsys});
            break;
          case ModifierType::kNormSys: {
            const Interpolation code =
                m.interpolation.value_or(options.normsys);
            if ((m.hi < 0 || m.lo < 0) && !hf::isAdditive(code)) {
              throw Error(ErrorCode::kInvalidValue, m.path + ".data",
                          "normsys '" + m.name +
                              "' has a negative factor; the exponential "
                              "interpolation (" +
                              interpolationName(code) +
                              ") needs hi and lo >= 0");
            }
            cs.factors.push_back({set.first, true, m.hi, m.lo, code});
            break;
          }
          case ModifierType::kHistoSys: {
            Compiled::Shift shift;
            shift.param = set.first;
            shift.code = m.interpolation.value_or(options.histosys);
            shift.hi = m.hiData;
            shift.lo = m.loData;
            for (std::size_t b = 0; b < compiledChannel.nbins; ++b) {
              shift.up.push_back(m.hiData[b] - sample.data[b]);
              shift.down.push_back(sample.data[b] - m.loData[b]);
            }
            cs.shifts.push_back(std::move(shift));
            break;
          }
          case ModifierType::kShapeFactor:
          case ModifierType::kShapeSys:
          case ModifierType::kStatError: {
            Compiled::BinFactor factor;
            for (std::size_t b = 0; b < compiledChannel.nbins; ++b) {
              std::size_t component = b;
              if (m.type == ModifierType::kStatError) {
                component = static_cast<std::size_t>(
                    std::find(set.bins.begin(), set.bins.end(),
                              std::make_pair(channel->name, b)) -
                    set.bins.begin());
              }
              factor.params.push_back(set.first + component);
            }
            cs.binFactors.push_back(std::move(factor));
            break;
          }
        }
      }
      cs.firstFactor = compiled->scalarFactors;
      compiled->scalarFactors += cs.factors.size();
      compiledChannel.samples.push_back(std::move(cs));
    }
    model->channels_.push_back(std::move(info));
    compiled->channels.push_back(std::move(compiledChannel));
  }

  model->observed_.insert(model->observed_.end(), model->auxdata_.begin(),
                          model->auxdata_.end());
  model->compiled_ = std::move(compiled);
  return model;
}

std::vector<double> Model::initialValues() const {
  std::vector<double> values;
  values.reserve(parameters_.size());
  for (const Parameter& p : parameters_) values.push_back(p.init);
  return values;
}

std::size_t Model::parameterIndex(const std::string& name) const {
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    if (parameters_[i].name == name) return i;
  }
  std::string hint;
  for (const ParameterSet& set : sets_) {
    if (set.name == name && set.count > 1) {
      hint = "; '" + name + "' has " + std::to_string(set.count) +
             " components, name one as " + name + "[0]";
    }
  }
  if (hint.empty()) {
    std::string known;
    const std::size_t shown = std::min<std::size_t>(parameters_.size(), 12);
    for (std::size_t i = 0; i < shown; ++i) {
      known += (i ? ", " : "") + parameters_[i].name;
    }
    if (parameters_.size() > shown) {
      known += ", ... (" + std::to_string(parameters_.size()) + " in all)";
    }
    hint = "; the model has " + known;
  }
  throw Error(ErrorCode::kUnknownName, "",
              "no parameter named '" + name + "'" + hint);
}

const char* interpolationName(Interpolation code) {
  switch (code) {
    case Interpolation::kCode0:
      return "code0";
    case Interpolation::kCode1:
      return "code1";
    case Interpolation::kCode2:
      return "code2";
    case Interpolation::kCode4:
      return "code4";
    case Interpolation::kCode4p:
      return "code4p";
  }
  return "unknown";
}

Interpolation parseInterpolation(const std::string& text) {
  const std::string key = text.rfind("code", 0) == 0 ? text.substr(4) : text;
  if (key == "0") return Interpolation::kCode0;
  if (key == "1") return Interpolation::kCode1;
  if (key == "2") return Interpolation::kCode2;
  if (key == "4") return Interpolation::kCode4;
  if (key == "4p") return Interpolation::kCode4p;
  throw Error(ErrorCode::kInvalidArgument, "",
              "unknown interpolation code '" + text +
                  "' (known: code0, code1, code2, code4, code4p)");
}

}  // namespace hs3
