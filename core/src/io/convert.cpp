#include "io/convert.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "hs3/log.hpp"
#include "io/json_node.hpp"

namespace hs3::io {

namespace {

const ParameterSet* findSet(const Model& model, const std::string& name) {
  for (const ParameterSet& s : model.parameterSets()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<const Channel*> sortedChannels(const Workspace& ws) {
  std::vector<const Channel*> out;
  for (const Channel& c : ws.channels) out.push_back(&c);
  std::sort(out.begin(), out.end(), [](const Channel* a, const Channel* b) {
    return a->name < b->name;
  });
  return out;
}

// The parameter names of a per-bin modifier in one channel, in the order
// Model::build gives its components (channels sorted by name).
std::vector<std::string> componentNames(const Workspace& ws, const Model& model,
                                        const Modifier& m,
                                        const std::string& channel) {
  if (!m.parameterNames.empty()) return m.parameterNames;
  const ParameterSet* set = findSet(model, m.name);
  std::vector<std::string> out;
  if (!set) return out;
  std::size_t offset = 0;
  for (const Channel* c : sortedChannels(ws)) {
    const std::size_t nbins = c->samples.front().data.size();
    bool carries = false;
    for (const Sample& s : c->samples) {
      for (const Modifier& other : s.modifiers) {
        carries = carries || (other.name == m.name && other.type == m.type);
      }
    }
    if (!carries) continue;
    if (c->name == channel) {
      for (std::size_t b = 0; b < nbins; ++b) {
        out.push_back(model.parameters()[set->first + offset + b].name);
      }
      return out;
    }
    if (m.type == ModifierType::kStatError) offset += nbins;
  }
  return out;
}

// The word for the constraint of `parameter`: ROOT's Const for a fixed
// parameter without one, and empty for a free one, which no word says.
std::string constraintWord(const Model& model, const std::string& parameter) {
  const std::size_t i = model.parameterIndex(parameter);
  switch (model.constraints()[i].kind) {
    case ConstraintKind::kPoisson:
      return "Poisson";
    case ConstraintKind::kGaussian:
      return "Gauss";
    case ConstraintKind::kNone:
      break;
  }
  return model.parameters()[i].fixed ? "Const" : "";
}

// A Gaussian constraint other than pyhf's N(0, 1) of a normsys or histosys.
bool otherThanStandardNormal(const Constraint& k) {
  return k.kind == ConstraintKind::kGaussian &&
         (k.auxdata != 0.0 || k.sigma != 1.0);
}

Json axisOf(const Channel& c) {
  const std::size_t nbins = c.samples.front().data.size();
  return Json{{"name", "obs_x_" + c.name},
              {"min", 0.0},
              {"max", static_cast<double>(nbins)},
              {"nbins", nbins}};
}

}  // namespace

std::string writeHs3(const Workspace& ws, const Model& model) {
  Json distributions = Json::array();
  Json data = Json::array();
  Json names = Json::array();
  Json dataNames = Json::array();
  Json extraPoints = Json::array();
  // The Gaussian constraint of `parameter` as a distribution of its own,
  // the way newest ROOT writes one: its name.
  auto gaussianNamed = [&](const std::string& parameter) {
    const Constraint& k = model.constraints()[model.parameterIndex(parameter)];
    const std::string pdf = parameter + "Constraint";
    const std::string nominal = "nom_" + parameter;
    bool written = false;
    for (const Json& d : distributions) written = written || d["name"] == pdf;
    if (!written) {
      distributions.push_back(Json{{"name", pdf},
                                   {"type", "gaussian_dist"},
                                   {"x", parameter},
                                   {"mean", nominal},
                                   {"sigma", k.sigma}});
      extraPoints.push_back(
          Json{{"name", nominal}, {"value", k.auxdata}, {"const", true}});
    }
    return pdf;
  };
  // A normsys or histosys says "Gauss" for N(0, 1) and names any other.
  auto alphaConstraint = [&](const std::string& parameter) {
    const Constraint& k = model.constraints()[model.parameterIndex(parameter)];
    if (otherThanStandardNormal(k)) return gaussianNamed(parameter);
    return std::string(constraintWord(model, parameter));
  };
  for (const Channel& c : ws.channels) {
    Json samples = Json::array();
    std::string statWord = "Gauss";
    for (const Sample& s : c.samples) {
      Json modifiers = Json::array();
      std::vector<double> errors(s.data.size(), 0.0);
      for (const Modifier& m : s.modifiers) {
        Json j{{"type", modifierTypeName(m.type)}, {"name", m.name}};
        switch (m.type) {
          case ModifierType::kNormFactor:
            j["parameter"] = m.name;
            break;
          case ModifierType::kLumi:
            j["type"] = "normfactor";
            j["parameter"] = m.name;
            j["constraint_name"] = gaussianNamed(m.name);
            break;
          case ModifierType::kNormSys:
            j["parameter"] = m.name;
            j["constraint"] = alphaConstraint(m.name);
            j["data"] = {{"hi", m.hi}, {"lo", m.lo}};
            if (m.interpolation)
              j["interpolation"] = interpolationName(*m.interpolation);
            break;
          case ModifierType::kHistoSys:
            j["parameter"] = m.name;
            j["constraint"] = alphaConstraint(m.name);
            j["data"] = {{"hi", {{"contents", m.hiData}}},
                         {"lo", {{"contents", m.loData}}}};
            if (m.interpolation)
              j["interpolation"] = interpolationName(*m.interpolation);
            break;
          case ModifierType::kStatError: {
            errors = m.uncertainties;
            const auto params = componentNames(ws, model, m, c.name);
            j["parameters"] = params;
            if (!params.empty())
              statWord = constraintWord(model, params.front());
            break;
          }
          case ModifierType::kShapeSys: {
            // HS3 (ROOT) takes relative uncertainties.
            std::vector<double> relative;
            for (std::size_t b = 0; b < s.data.size(); ++b) {
              relative.push_back(s.data[b] > 0 && m.uncertainties[b] > 0
                                     ? m.uncertainties[b] / s.data[b]
                                     : 0.0);
            }
            const auto params = componentNames(ws, model, m, c.name);
            j["parameters"] = params;
            const std::string word =
                params.empty() ? "Poisson"
                               : constraintWord(model, params.front());
            if (word.empty()) {
              // Free bins without a constraint: newest ROOT's list of none.
              j["constraints"] = Json::array();
              for (std::size_t b = 0; b < params.size(); ++b) {
                j["constraints"].push_back(nullptr);
              }
            } else {
              j["constraint"] = word;
            }
            j["data"] = {{"vals", relative}};
            break;
          }
          case ModifierType::kShapeFactor:
            j["parameters"] = componentNames(ws, model, m, c.name);
            break;
        }
        modifiers.push_back(std::move(j));
      }
      samples.push_back(
          Json{{"name", s.name},
               {"data", {{"contents", s.data}, {"errors", errors}}},
               {"modifiers", modifiers}});
    }
    distributions.push_back(
        Json{{"name", c.name},
             {"type", "histfactory_dist"},
             {"axes", Json::array({axisOf(c)})},
             {"samples", samples},
             {"staterror", {{"constraint_type", statWord}}}});
    names.push_back(c.name);
    for (const Observation& o : ws.observations) {
      if (o.name != c.name) continue;
      data.push_back(Json{{"name", "obsData_" + c.name},
                          {"type", "binned"},
                          {"axes", Json::array({axisOf(c)})},
                          {"contents", o.data}});
      dataNames.push_back("obsData_" + c.name);
    }
  }
  Json axes = Json::array();
  Json values = Json::array();
  for (const Parameter& p : model.parameters()) {
    Json axis{{"name", p.name}};
    if (std::isfinite(p.lower)) axis["min"] = p.lower;
    if (std::isfinite(p.upper)) axis["max"] = p.upper;
    axes.push_back(axis);
    Json entry{{"name", p.name}, {"value", p.init}};
    if (p.fixed) entry["const"] = true;
    values.push_back(entry);
  }
  for (const Json& extra : extraPoints) values.push_back(extra);
  const std::string likelihood = model.measurementName() + "_likelihood";
  Json analysis{{"name", model.measurementName()},
                {"likelihood", likelihood},
                {"parameters_of_interest", Json::array()},
                {"domains", Json::array({"default_domain"})},
                {"init", "default_values"}};
  if (model.hasPoi()) {
    analysis["parameters_of_interest"].push_back(
        model.parameters()[model.poiIndex()].name);
  }
  Json out{
      {"metadata",
       {{"hs3_version", "0.2"},
        {"packages",
         Json::array({Json{{"name", "hs3web"}, {"version", "0.1.0"}}})}}},
      {"distributions", distributions},
      {"data", data},
      {"likelihoods", Json::array({Json{{"name", likelihood},
                                        {"distributions", names},
                                        {"data", dataNames}}})},
      {"domains", Json::array({Json{{"name", "default_domain"},
                                    {"type", "product_domain"},
                                    {"axes", axes}}})},
      {"parameter_points",
       Json::array({Json{{"name", "default_values"}, {"parameters", values}}})},
      {"analyses", Json::array({analysis})}};
  return out.dump(1);
}

std::string writePyhf(const Workspace& ws, const Model& model) {
  Json channels = Json::array();
  bool warned = false;
  for (const Channel& c : ws.channels) {
    Json samples = Json::array();
    for (const Sample& s : c.samples) {
      Json modifiers = Json::array();
      for (const Modifier& m : s.modifiers) {
        Json j{{"name", m.name},
               {"type", modifierTypeName(m.type)},
               {"data", nullptr}};
        switch (m.type) {
          case ModifierType::kNormSys:
            j["data"] = {{"hi", m.hi}, {"lo", m.lo}};
            break;
          case ModifierType::kHistoSys:
            j["data"] = {{"hi_data", m.hiData}, {"lo_data", m.loData}};
            break;
          case ModifierType::kStatError:
          case ModifierType::kShapeSys:
            j["data"] = m.uncertainties;
            break;
          default:
            break;
        }
        const bool poissonStat = m.type == ModifierType::kStatError &&
                                 m.constraint == ModifierConstraint::kPoisson;
        const bool ownConstraint =
            m.constraint == ModifierConstraint::kConst ||
            m.constraint == ModifierConstraint::kExternal;
        if (!warned && (m.interpolation || poissonStat || ownConstraint)) {
          HS3_LOG(kWarning, "convert")
              << "pyhf has no per-modifier interpolation codes, Poisson "
              << "staterror constraints, fixed or unconstrained modifiers; '"
              << m.name << "' and others like it take pyhf's defaults, so "
              << "the likelihood changes";
          warned = true;
        }
        modifiers.push_back(std::move(j));
      }
      samples.push_back(
          Json{{"name", s.name}, {"data", s.data}, {"modifiers", modifiers}});
    }
    channels.push_back(Json{{"name", c.name}, {"samples", samples}});
  }
  Json observations = Json::array();
  for (const Observation& o : ws.observations) {
    observations.push_back(Json{{"name", o.name}, {"data", o.data}});
  }
  Json parameters = Json::array();
  for (const ParameterSet& set : model.parameterSets()) {
    Json config{{"name", set.name}};
    std::vector<double> inits;
    Json bounds = Json::array();
    bool allFixed = true;
    for (std::size_t i = 0; i < set.count; ++i) {
      const Parameter& p = model.parameters()[set.first + i];
      inits.push_back(p.init);
      bounds.push_back(Json::array({p.lower, p.upper}));
      allFixed = allFixed && p.fixed;
    }
    config["inits"] = inits;
    config["bounds"] = bounds;
    if (allFixed) config["fixed"] = true;
    // A lumi always states its Gaussian; a normsys or histosys only when
    // the HS3 file gave it another one than N(0, 1).
    const Constraint& k = model.constraints()[set.first];
    const std::string type = set.type;
    const bool alpha = type == "normsys" || type == "histosys";
    if (type == "lumi" || (alpha && otherThanStandardNormal(k))) {
      config["auxdata"] = Json::array({k.auxdata});
      config["sigmas"] = Json::array({k.sigma});
    }
    parameters.push_back(std::move(config));
  }
  std::string poi;
  if (model.hasPoi()) poi = model.parameters()[model.poiIndex()].name;
  Json out{{"channels", channels},
           {"observations", observations},
           {"measurements",
            Json::array({Json{
                {"name", model.measurementName()},
                {"config", {{"poi", poi}, {"parameters", parameters}}}}})},
           {"version", "1.0.0"}};
  return out.dump(1);
}

}  // namespace hs3::io
