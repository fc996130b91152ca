#include "hs3/report.hpp"

#include <cmath>

#include "hs3/error.hpp"
#include "io/json_node.hpp"

namespace hs3::report {

namespace {

using io::Json;

const char* constraintName(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::kGaussian:
      return "gaussian";
    case ConstraintKind::kPoisson:
      return "poisson";
    case ConstraintKind::kNone:
      break;
  }
  return "none";
}

}  // namespace

std::string inspect(const Model& model) {
  Json out;
  out["measurement"] = model.measurementName();
  out["poi"] = model.hasPoi() ? Json(model.parameters()[model.poiIndex()].name)
                              : Json(nullptr);
  out["interpolation"] = {
      {"normsys", interpolationName(model.options().normsys)},
      {"histosys", interpolationName(model.options().histosys)}};
  Json channels = Json::array();
  for (const ChannelInfo& c : model.channels()) {
    channels.push_back(
        {{"name", c.name}, {"nbins", c.nbins}, {"samples", c.samples}});
  }
  out["channels"] = channels;
  out["main_bins"] = model.mainDataSize();
  out["aux_data"] = model.auxDataSize();
  Json sets = Json::array();
  for (const ParameterSet& s : model.parameterSets()) {
    sets.push_back({{"name", s.name}, {"type", s.type}, {"size", s.count}});
  }
  out["parameter_sets"] = sets;
  Json parameters = Json::array();
  for (std::size_t i = 0; i < model.size(); ++i) {
    const Parameter& p = model.parameters()[i];
    const Constraint& c = model.constraints()[i];
    Json entry = {{"name", p.name},
                  {"init", p.init},
                  {"bounds", {p.lower, p.upper}},
                  {"fixed", p.fixed},
                  {"constraint", constraintName(c.kind)}};
    if (c.kind == ConstraintKind::kGaussian) entry["sigma"] = c.sigma;
    if (c.kind == ConstraintKind::kPoisson) entry["tau"] = c.tau;
    parameters.push_back(entry);
  }
  out["parameters"] = parameters;
  return out.dump(2);
}

std::string nll(Likelihood& likelihood, const std::vector<double>& x,
                bool withGradient) {
  std::vector<double> gradient(x.size());
  const LogpdfParts parts = likelihood.logpdf(x.data());
  const double logpdf = parts.total();
  if (!std::isfinite(logpdf)) {
    throw Error(ErrorCode::kNumerical, "",
                "the likelihood is not finite at these parameters: " +
                    likelihood.explainNonFinite(x.data()));
  }
  Json out;
  out["logpdf"] = logpdf;
  out["nll"] = -logpdf;
  out["twice_nll"] = -2 * logpdf;
  out["main_logpdf"] = parts.main;
  out["constraint_logpdf"] = parts.constraint;
  if (withGradient) {
    likelihood.valueAndGradient(x.data(), gradient.data());
    Json g = Json::object();
    for (std::size_t i = 0; i < x.size(); ++i) {
      g[likelihood.model().parameters()[i].name] = gradient[i];
    }
    out["gradient"] = g;
  }
  return out.dump(2);
}

}  // namespace hs3::report
