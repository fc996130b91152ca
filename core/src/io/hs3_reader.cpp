// Reads HS3 JSON. Strict about structure (every object has a name and a
// type, arrays have their lengths) and lenient where ROOT-written files are
// known to bend the letter of the standard: numbers written as strings,
// unbinned axes with nbins, binned axes with edges only, analyses with
// `domains` or `domain`, products with `pdfs`, and the three generations of
// HistFactory keys.

#include "io/hs3_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include "hs3/log.hpp"
#include "hs3/model.hpp"
#include "io/hs3_legacy.hpp"

namespace hs3::io {

namespace {

using graph::Axis;
using graph::Field;
using graph::Ref;

// ROOT reads any string that parses as a number as that number.
bool parseNumberText(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(value);
}

Ref readRef(const JsonNode& node) {
  Ref ref;
  const Json& v = node.raw();
  if (v.is_boolean()) {
    ref.number = v.get<bool>() ? 1.0 : 0.0;
  } else if (v.is_number()) {
    ref.number = node.number();
  } else if (v.is_string()) {
    const std::string text = v.get<std::string>();
    if (!parseNumberText(text, ref.number)) ref.name = text;
  } else {
    node.fail(
        ErrorCode::kSchema,
        std::string("must be a name or a number, but is ") + jsonTypeName(v));
  }
  return ref;
}

Axis readAxis(const JsonNode& node, bool binned) {
  node.requireObject();
  Axis axis;
  axis.name = node.at("name").string();
  if (auto min = node.find("min")) axis.min = min->number();
  if (auto max = node.find("max")) axis.max = max->number();
  if (axis.min && axis.max && !(*axis.min < *axis.max)) {
    node.fail(ErrorCode::kInvalidValue,
              "axis '" + axis.name + "' has min >= max");
  }
  if (!binned) return axis;
  if (auto edges = node.find("edges")) {
    axis.edges = edges->numbers();
    if (axis.edges.size() < 2) {
      edges->fail(ErrorCode::kShapeMismatch, "needs at least two edges");
    }
    for (std::size_t i = 1; i < axis.edges.size(); ++i) {
      if (!(axis.edges[i] > axis.edges[i - 1])) {
        edges->fail(ErrorCode::kInvalidValue,
                    "bin edges must increase strictly");
      }
    }
    if (!axis.min) axis.min = axis.edges.front();
    if (!axis.max) axis.max = axis.edges.back();
  } else if (auto nbins = node.find("nbins")) {
    const double n = nbins->number();
    if (n < 1 || n != std::floor(n)) {
      nbins->fail(ErrorCode::kInvalidValue,
                  "the number of bins must be a positive whole number");
    }
    // Its edges are built at once, even for a domain nothing bins by; a
    // million bins on one axis is far beyond any published model.
    if (n > 1e6) {
      nbins->fail(ErrorCode::kLimitExceeded,
                  "more than 1000000 bins on one axis are not supported");
    }
    if (!axis.min || !axis.max) {
      node.fail(ErrorCode::kSchema,
                "a binned axis with 'nbins' needs 'min' and 'max'");
    }
    const std::size_t count = static_cast<std::size_t>(n);
    for (std::size_t i = 0; i <= count; ++i) {
      axis.edges.push_back(*axis.min + (*axis.max - *axis.min) * i / count);
    }
  } else {
    node.fail(ErrorCode::kSchema,
              "a binned axis needs 'nbins' (with min and max) or 'edges'");
  }
  return axis;
}

std::vector<Axis> readAxes(const JsonNode& node, bool binned) {
  node.requireArray(1);
  std::vector<Axis> axes;
  std::set<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    axes.push_back(readAxis(node.at(i), binned));
    if (!names.insert(axes.back().name).second) {
      node.at(i).fail(ErrorCode::kDuplicateName,
                      "axis '" + axes.back().name + "' appears twice");
    }
  }
  return axes;
}

// A list of objects: the scalar keys of each, which is what the types that
// use such lists need; other structured lists (axes) are read elsewhere.
std::vector<graph::Record> readRecords(const JsonNode& node) {
  std::vector<graph::Record> records;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const JsonNode entry = node.at(i);
    entry.requireObject();
    graph::Record record;
    record.path = entry.path();
    for (auto it = entry.raw().begin(); it != entry.raw().end(); ++it) {
      const JsonNode value = entry.at(it.key());
      if (value.isArray() || value.isObject() || value.isNull()) continue;
      record.keys[it.key()] = readRef(value);
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::size_t totalBins(const std::vector<Axis>& axes) {
  std::size_t n = 1;
  for (const Axis& a : axes) n *= a.bins();
  return n;
}

graph::ObjectSpec readObject(const JsonNode& node) {
  node.requireObject();
  graph::ObjectSpec spec;
  spec.path = node.path();
  spec.name = node.at("name").string();
  spec.type = node.at("type").string();
  if (spec.name.empty()) node.at("name").fail(ErrorCode::kSchema, "is empty");
  for (auto it = node.raw().begin(); it != node.raw().end(); ++it) {
    const std::string key = it.key();
    if (key == "name" || key == "type") continue;
    const JsonNode value = node.at(key);
    Field field;
    field.path = value.path();
    if (value.isArray()) {
      field.isList = true;
      bool matrix = value.size() > 0;
      for (std::size_t i = 0; i < value.size(); ++i) {
        matrix = matrix && value.at(i).isArray();
      }
      if (matrix) {
        for (std::size_t i = 0; i < value.size(); ++i) {
          field.matrix.push_back(value.at(i).numbers());
        }
      } else if (value.size() > 0 && value.at(0).isObject()) {
        field.records = readRecords(value);
      } else {
        for (std::size_t i = 0; i < value.size(); ++i) {
          field.items.push_back(readRef(value.at(i)));
        }
      }
    } else if (value.isObject()) {
      if (value.has("contents")) {
        spec.contents = value.at("contents").numbers();
        if (auto axes = value.find("axes")) spec.axes = readAxes(*axes, true);
        if (!spec.axes.empty() &&
            totalBins(spec.axes) != spec.contents.size()) {
          value.at("contents")
              .fail(ErrorCode::kShapeMismatch,
                    "has " + std::to_string(spec.contents.size()) +
                        " entries but the axes have " +
                        std::to_string(totalBins(spec.axes)) + " bins");
        }
      }
      continue;
    } else if (value.isNull()) {
      continue;
    } else {
      field.items.push_back(readRef(value));
    }
    spec.fields[key] = std::move(field);
  }
  if (spec.type != "histfactory_dist" && node.has("axes")) {
    spec.axes = readAxes(node.at("axes"), true);
  }
  return spec;
}

// Interpolation settings in any of their spellings: a ROOT integer (whose
// meaning depends on normsys or histosys), a pyhf code name, an HS3 name or
// ROOT's structured {type, in, out}.
std::optional<Interpolation> readInterpolation(const JsonNode& node,
                                               bool normsys) {
  const Json& v = node.raw();
  if (v.is_number()) {
    const double code = node.number();
    if (code == 0) return Interpolation::kCode0;
    if (code == 1) return Interpolation::kCode1;
    if (code == 2 || code == 3) return Interpolation::kCode2;
    if (code == 4)
      return normsys ? Interpolation::kCode4 : Interpolation::kCode4p;
    if (code == 5) return Interpolation::kCode4;
    node.fail(ErrorCode::kUnknownType,
              "interpolation code " + v.dump() +
                  " is not supported for HistFactory modifiers (supported: "
                  "0 to 5)");
  }
  if (v.is_string()) {
    const std::string text = v.get<std::string>();
    if (text == "lin") return Interpolation::kCode0;
    if (text == "log") return Interpolation::kCode1;
    if (text == "parabolic") return Interpolation::kCode2;
    if (text == "poly6") {
      return normsys ? Interpolation::kCode4 : Interpolation::kCode4p;
    }
    try {
      return parseInterpolation(text);
    } catch (const Error& e) {
      node.fail(ErrorCode::kUnknownType, e.message());
    }
  }
  if (v.is_object()) {
    const std::string type = node.at("type").string();
    const std::string in = node.at("in").string();
    const std::string out = node.has("out") && !node.at("out").isNull()
                                ? node.at("out").string()
                                : "";
    if (type == "add" && in == "poly1") return Interpolation::kCode0;
    if (type == "mult" && in == "exp") return Interpolation::kCode1;
    if (type == "add" && in == "poly2") return Interpolation::kCode2;
    if (type == "add" && in == "poly6") return Interpolation::kCode4p;
    if (type == "mult" && in == "poly6" && out == "exp") {
      return Interpolation::kCode4;
    }
    node.fail(ErrorCode::kUnknownType,
              "interpolation {" + type + ", " + in + ", " + out +
                  "} is not supported (supported: add/poly1, mult/exp, "
                  "add/poly2, add/poly6, mult/poly6/exp)");
  }
  return std::nullopt;
}

// The legacy words for a constraint; anything else names a distribution.
std::optional<ModifierConstraint> constraintWord(const std::string& word) {
  if (word == "Gauss" || word == "Gaussian" || word == "LogNormal" ||
      word == "Lognormal") {
    return ModifierConstraint::kGaussian;
  }
  if (word == "Poisson") return ModifierConstraint::kPoisson;
  if (word == "Const") return ModifierConstraint::kConst;
  return std::nullopt;
}

ModifierConstraint readConstraintWord(const JsonNode& node,
                                      ModifierConstraint fallback) {
  if (!node.raw().is_string()) return fallback;
  return constraintWord(node.string()).value_or(fallback);
}

std::vector<std::string> binNames(const std::string& prefix,
                                  std::size_t count) {
  std::vector<std::string> names;
  for (std::size_t b = 0; b < count; ++b) {
    names.push_back(prefix + "_bin_" + std::to_string(b));
  }
  return names;
}

graph::HistFactoryChannel readChannel(const JsonNode& node) {
  graph::HistFactoryChannel out;
  Channel& channel = out.channel;
  channel.path = node.path();
  channel.name = node.at("name").string();
  out.axes = readAxes(node.at("axes"), true);
  const std::size_t nbins = totalBins(out.axes);
  // ROOT names implicit staterror parameters after the channel, without the
  // "model_" prefix its exporter adds.
  std::string shortName = channel.name;
  if (shortName.rfind("model_", 0) == 0) shortName = shortName.substr(6);

  ModifierConstraint statConstraint = ModifierConstraint::kPoisson;
  if (auto stat = node.find("staterror")) {
    if (auto type = stat->find("constraint_type")) {
      statConstraint = readConstraintWord(*type, statConstraint);
    } else if (auto word = stat->find("constraint")) {
      statConstraint = readConstraintWord(*word, statConstraint);
    }
  }
  std::optional<Interpolation> defaultNormsys, defaultHistosys;
  if (auto d = node.find("default_interpolation")) {
    defaultNormsys = readInterpolation(*d, true);
    defaultHistosys = readInterpolation(*d, false);
  }

  const JsonNode samples = node.at("samples").requireArray(1);
  std::set<std::string> sampleNames;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const JsonNode s = samples.at(i);
    Sample sample;
    sample.path = s.path();
    sample.name = s.at("name").string();
    if (!sampleNames.insert(sample.name).second) {
      s.fail(ErrorCode::kDuplicateName, "sample '" + sample.name +
                                            "' appears twice in '" +
                                            channel.name + "'");
    }
    const JsonNode data = s.at("data");
    sample.data = data.at("contents").numbers();
    if (sample.data.size() != nbins) {
      data.at("contents")
          .fail(ErrorCode::kShapeMismatch,
                "has " + std::to_string(sample.data.size()) +
                    " entries but the channel has " + std::to_string(nbins) +
                    " bins");
    }
    std::vector<double> errors(nbins, 0.0);
    if (auto e = data.find("errors")) {
      errors = e->numbers();
      if (errors.size() != nbins) {
        e->fail(ErrorCode::kShapeMismatch, "must have one entry per bin");
      }
    }
    static const Json kNoModifiers = Json::array();
    const JsonNode modifiers = s.has("modifiers")
                                   ? s.at("modifiers")
                                   : JsonNode(kNoModifiers, sample.path);
    for (std::size_t k = 0; k < modifiers.size(); ++k) {
      const JsonNode m = modifiers.at(k);
      m.requireObject();
      const std::string type = m.at("type").string();
      Modifier modifier;
      modifier.path = m.path();
      const std::string label =
          m.has("name")
              ? m.at("name").string()
              : (m.has("parameter") ? m.at("parameter").string() : "");
      std::vector<std::string> parameters;
      if (auto list = m.find("parameters")) {
        for (std::size_t p = 0; p < list->size(); ++p) {
          parameters.push_back(list->at(p).string());
        }
      }
      // The constraint of a one-parameter modifier: ROOT's newest files
      // name a distribution (constraint_name, or constraint when it is no
      // legacy word), older ones say a word.
      auto constraintOf = [&](const std::string& parameter,
                              ModifierConstraint fallback) {
        for (const char* key : {"constraint_name", "constraint"}) {
          auto c = m.find(key);
          if (!c || !c->raw().is_string()) continue;
          if (auto word = constraintWord(c->string())) return *word;
          out.constraintPdfs[parameter] = {c->string(), c->path()};
          return ModifierConstraint::kExternal;
        }
        if (auto t = m.find("constraint_type")) {
          return readConstraintWord(*t, fallback);
        }
        return fallback;
      };
      if (type == "normfactor") {
        modifier.type = ModifierType::kNormFactor;
        modifier.name = m.has("parameter") ? m.at("parameter").string() : label;
        if (m.has("name") && !m.has("parameter")) modifier.name = label;
        // A normfactor is free unless it names its constraint: a word
        // gives no nominal and width to build one from.
        const ModifierConstraint requested =
            constraintOf(modifier.name, ModifierConstraint::kDefault);
        if (requested == ModifierConstraint::kExternal) {
          modifier.constraint = requested;
        } else if (requested != ModifierConstraint::kDefault) {
          HS3_LOG(kWarning, "hs3")
              << "normfactor '" << modifier.name << "' at " << m.path()
              << " asks for a constraint by a word, which says neither its "
              << "nominal nor its width; it stays unconstrained (name a "
              << "distribution in constraint_name to constrain it)";
        }
      } else if (type == "normsys" || type == "histosys") {
        const bool normsys = type == "normsys";
        modifier.type =
            normsys ? ModifierType::kNormSys : ModifierType::kHistoSys;
        modifier.name =
            m.has("parameter") ? m.at("parameter").string() : "alpha_" + label;
        const JsonNode d = m.at("data");
        if (normsys) {
          modifier.hi = d.at("hi").number();
          modifier.lo = d.at("lo").number();
        } else {
          modifier.hiData = d.at("hi").at("contents").numbers();
          modifier.loData = d.at("lo").at("contents").numbers();
          if (modifier.hiData.size() != nbins ||
              modifier.loData.size() != nbins) {
            d.fail(ErrorCode::kShapeMismatch,
                   "hi and lo contents must have one entry per bin (" +
                       std::to_string(nbins) + ")");
          }
        }
        modifier.interpolation = normsys ? defaultNormsys : defaultHistosys;
        if (auto interp = m.find("interpolation")) {
          modifier.interpolation = readInterpolation(*interp, normsys);
        } else if (auto inData = d.find("interpolation")) {
          modifier.interpolation = readInterpolation(*inData, normsys);
        }
        modifier.constraint =
            constraintOf(modifier.name, ModifierConstraint::kDefault);
      } else if (type == "staterror") {
        modifier.type = ModifierType::kStatError;
        modifier.name = "staterror_" + channel.name;
        modifier.uncertainties = errors;
        modifier.parameterNames =
            parameters.empty() ? binNames("gamma_stat_" + shortName, nbins)
                               : parameters;
        modifier.constraint = statConstraint;
      } else if (type == "shapesys") {
        modifier.type = ModifierType::kShapeSys;
        modifier.name = label.empty() ? "shapesys_" + sample.name : label;
        const JsonNode d = m.at("data");
        const std::vector<double> vals = d.at("vals").numbers();
        if (vals.size() != nbins) {
          d.at("vals").fail(ErrorCode::kShapeMismatch,
                            "must have one entry per bin");
        }
        // ROOT writes relative uncertainties; pyhf's rules take absolute
        // ones.
        for (std::size_t b = 0; b < nbins; ++b) {
          modifier.uncertainties.push_back(
              vals[b] > 0 ? vals[b] * sample.data[b] : 0.0);
        }
        modifier.parameterNames =
            parameters.empty() ? binNames("gamma_" + modifier.name, nbins)
                               : parameters;
        if (auto list = m.find("constraints"); list && !list->isNull()) {
          // Newest ROOT: one distribution per bin, null for none.
          list->requireArray();
          if (list->size() != nbins) {
            list->fail(ErrorCode::kShapeMismatch,
                       "must name one constraint (or null) per bin (" +
                           std::to_string(nbins) + ")");
          }
          for (std::size_t b = 0; b < nbins; ++b) {
            const JsonNode entry = list->at(b);
            out.constraintPdfs[modifier.parameterNames[b]] = {
                entry.isNull() ? std::string() : entry.string(), entry.path()};
          }
          modifier.constraint = ModifierConstraint::kExternal;
        } else if (auto c = m.find("constraint_type")) {
          modifier.constraint =
              readConstraintWord(*c, ModifierConstraint::kDefault);
        } else if (auto word = m.find("constraint")) {
          if (word->raw().is_string() && !constraintWord(word->string())) {
            word->fail(ErrorCode::kSchema,
                       "a shapesys constraint is a word (Gauss, Poisson, "
                       "Const); per-bin distributions go in 'constraints'");
          }
          modifier.constraint =
              readConstraintWord(*word, ModifierConstraint::kDefault);
        }
      } else if (type == "shapefactor") {
        modifier.type = ModifierType::kShapeFactor;
        modifier.name = label.empty() ? "shapefactor_" + sample.name : label;
        modifier.parameterNames =
            parameters.empty() ? binNames("gamma_" + modifier.name, nbins)
                               : parameters;
      } else if (type == "custom") {
        // ROOT names the function by the modifier's name, else parameter.
        const JsonNode function =
            m.has("name") ? m.at("name") : m.at("parameter");
        modifier.type = ModifierType::kShapeFactor;
        modifier.name = "custom(" + function.string() + ")@" + channel.name;
        modifier.parameterNames = binNames(modifier.name, nbins);
        bool known = false;
        for (const auto& factor : out.customFactors) {
          known = known || factor.modifier == modifier.name;
        }
        if (!known) {
          out.customFactors.push_back(
              {modifier.name, function.string(), function.path()});
        }
      } else {
        m.at("type").fail(ErrorCode::kUnknownType,
                          "unknown HistFactory modifier type '" + type +
                              "' (supported: normfactor, normsys, histosys, "
                              "staterror, shapesys, shapefactor, custom)");
      }
      if (!modifier.parameterNames.empty() &&
          modifier.parameterNames.size() != nbins) {
        m.at("parameters")
            .fail(ErrorCode::kShapeMismatch,
                  "must name one parameter per bin (" + std::to_string(nbins) +
                      ")");
      }
      sample.modifiers.push_back(std::move(modifier));
    }
    channel.samples.push_back(std::move(sample));
  }
  return out;
}

graph::DataSet readData(const JsonNode& node) {
  node.requireObject();
  graph::DataSet data;
  data.path = node.path();
  data.name = node.at("name").string();
  data.type = node.at("type").string();
  if (data.type == "binned") {
    data.axes = readAxes(node.at("axes"), true);
    data.contents = node.at("contents").numbers();
    if (data.contents.size() != totalBins(data.axes)) {
      node.at("contents")
          .fail(ErrorCode::kShapeMismatch,
                "has " + std::to_string(data.contents.size()) +
                    " entries but the axes have " +
                    std::to_string(totalBins(data.axes)) + " bins");
    }
  } else if (data.type == "unbinned") {
    data.axes = readAxes(node.at("axes"), false);
    const JsonNode entries = node.at("entries").requireArray();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      data.entries.push_back(entries.at(i).numbers());
      if (data.entries.back().size() != data.axes.size()) {
        entries.at(i).fail(ErrorCode::kShapeMismatch,
                           "has " + std::to_string(data.entries.back().size()) +
                               " values but the data have " +
                               std::to_string(data.axes.size()) + " axes");
      }
      // An entry outside its axis cannot be an event of a density
      // normalised over the axis. ROOT before 6.28 let values 1e-6 beyond
      // a bound in (a float branch rounded up), so that much is allowed.
      for (std::size_t k = 0; k < data.axes.size(); ++k) {
        const graph::Axis& axis = data.axes[k];
        const double v = data.entries.back()[k];
        auto slack = [](double bound) {
          return 1e-6 * std::max(1.0, std::abs(bound));
        };
        const bool below = axis.min && v < *axis.min - slack(*axis.min);
        const bool above = axis.max && v > *axis.max + slack(*axis.max);
        if (below || above || !std::isfinite(v)) {
          std::ostringstream message;
          message << "the value " << v << " lies outside the range ["
                  << axis.min.value_or(-HUGE_VAL) << ", "
                  << axis.max.value_or(HUGE_VAL) << "] of axis '" << axis.name
                  << "'";
          entries.at(i).at(k).fail(ErrorCode::kInvalidValue, message.str());
        }
      }
    }
    if (auto weights = node.find("weights")) {
      data.weights = weights->numbers();
      if (data.weights.size() != data.entries.size()) {
        weights->fail(ErrorCode::kShapeMismatch,
                      "must have one weight per entry");
      }
    } else {
      data.weights.assign(data.entries.size(), 1.0);
    }
  } else if (data.type == "point") {
    data.value = node.at("value").number();
  } else {
    node.at("type").fail(ErrorCode::kUnknownType,
                         "unknown data type '" + data.type +
                             "' (supported: binned, unbinned, point)");
  }
  return data;
}

// misc is free-form and otherwise ignored; of ROOT's attributes only the
// BinnedLikelihood tag changes a likelihood. Shapes other than ROOT's are
// skipped, not refused.
std::set<std::string> readBinnedLikelihoodTags(const JsonNode& root) {
  std::set<std::string> tagged;
  const auto misc = root.find("misc");
  if (!misc || !misc->isObject()) return tagged;
  const auto internal = misc->find("ROOT_internal");
  if (!internal || !internal->isObject()) return tagged;
  const auto attributes = internal->find("attributes");
  if (!attributes || !attributes->isObject()) return tagged;
  for (auto it = attributes->raw().begin(); it != attributes->raw().end();
       ++it) {
    const Json& tags = it.value().is_object() && it.value().contains("tags")
                           ? it.value().at("tags")
                           : Json();
    if (!tags.is_array()) continue;
    for (const Json& tag : tags) {
      if (tag.is_string() && tag.get<std::string>() == "BinnedLikelihood") {
        tagged.insert(it.key());
      }
    }
  }
  return tagged;
}

std::vector<std::string> readNames(const JsonNode& node) {
  node.requireArray();
  std::vector<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    names.push_back(node.at(i).string());
  }
  return names;
}

}  // namespace

bool isHs3Document(const Json& document) {
  if (!document.is_object()) return false;
  if (document.contains("channels")) return false;
  return document.contains("distributions") || document.contains("metadata") ||
         document.contains("likelihoods");
}

graph::Document readHs3Document(const Json& document) {
  if (isLegacyHs3(document)) {
    HS3_LOG(kWarning, "hs3")
        << "a pre-standard HS3 file (ROOT 6.28 or older): read in the "
           "current layout, to which the JSON paths of messages refer";
    return readHs3Document(upgradeLegacyHs3(document));
  }
  const JsonNode root(document, "");
  root.requireObject();
  graph::Document doc;
  const JsonNode metadata = root.at("metadata");
  metadata.requireObject();
  doc.version = metadata.at("hs3_version").string();
  if (doc.version.rfind("0.", 0) != 0) {
    HS3_LOG(kWarning, "io") << "hs3_version '" << doc.version
                            << "' is newer than the 0.x versions this engine "
                            << "knows; reading it as 0.2";
  }
  std::set<std::string> names;
  auto claim = [&names](const JsonNode& node, const std::string& name) {
    if (!names.insert(name).second) {
      node.fail(ErrorCode::kDuplicateName,
                "the name '" + name +
                    "' is used twice (HS3 names share one "
                    "namespace)");
    }
  };
  if (auto dists = root.find("distributions")) {
    dists->requireArray();
    for (std::size_t i = 0; i < dists->size(); ++i) {
      graph::ObjectSpec spec = readObject(dists->at(i));
      claim(dists->at(i), spec.name);
      if (spec.type == "histfactory_dist") {
        doc.channels[spec.name] = readChannel(dists->at(i));
      }
      doc.distributions.push_back(std::move(spec));
    }
  }
  if (auto funcs = root.find("functions")) {
    funcs->requireArray();
    for (std::size_t i = 0; i < funcs->size(); ++i) {
      doc.functions.push_back(readObject(funcs->at(i)));
      claim(funcs->at(i), doc.functions.back().name);
    }
  }
  if (auto data = root.find("data")) {
    data->requireArray();
    for (std::size_t i = 0; i < data->size(); ++i) {
      doc.data.push_back(readData(data->at(i)));
      claim(data->at(i), doc.data.back().name);
    }
  }
  if (auto likelihoods = root.find("likelihoods")) {
    likelihoods->requireArray();
    for (std::size_t i = 0; i < likelihoods->size(); ++i) {
      const JsonNode node = likelihoods->at(i);
      graph::LikelihoodSpec l;
      l.path = node.path();
      l.name = node.at("name").string();
      l.distributions = readNames(node.at("distributions"));
      const JsonNode data = node.at("data").requireArray();
      for (std::size_t k = 0; k < data.size(); ++k) {
        if (!data.at(k).raw().is_string()) {
          data.at(k).fail(ErrorCode::kSchema,
                          "inline numbers as data are not supported; name a "
                          "data set");
        }
        l.data.push_back(data.at(k).string());
      }
      if (l.data.size() != l.distributions.size()) {
        node.fail(ErrorCode::kShapeMismatch,
                  "lists " + std::to_string(l.distributions.size()) +
                      " distributions but " + std::to_string(l.data.size()) +
                      " data sets; they pair up one to one");
      }
      if (auto aux = node.find("aux_distributions")) l.aux = readNames(*aux);
      doc.likelihoods.push_back(std::move(l));
    }
  }
  if (auto domains = root.find("domains")) {
    domains->requireArray();
    for (std::size_t i = 0; i < domains->size(); ++i) {
      const JsonNode node = domains->at(i);
      graph::DomainSpec d;
      d.name = node.at("name").string();
      const std::string type = node.at("type").string();
      if (type != "product_domain") {
        node.at("type").fail(
            ErrorCode::kUnknownType,
            "unknown domain type '" + type + "' (supported: product_domain)");
      }
      if (auto axes = node.find("axes")) {
        for (std::size_t k = 0; k < axes->size(); ++k) {
          // ROOT writes the bins of named binnings ("cache", the sampling
          // of an FFT convolution, the variable's binning) on domain axes;
          // keep them when complete: edges, or nbins with min and max.
          const JsonNode axis = axes->at(k);
          const bool binned =
              axis.has("edges") ||
              (axis.has("nbins") && axis.has("min") && axis.has("max"));
          d.axes.push_back(readAxis(axis, binned));
        }
      }
      doc.domains.push_back(std::move(d));
    }
  }
  if (auto points = root.find("parameter_points")) {
    points->requireArray();
    for (std::size_t i = 0; i < points->size(); ++i) {
      const JsonNode node = points->at(i);
      graph::PointSpec p;
      p.name = node.at("name").string();
      const JsonNode entries = node.at("parameters").requireArray();
      for (std::size_t k = 0; k < entries.size(); ++k) {
        const JsonNode e = entries.at(k);
        graph::PointEntry entry;
        entry.name = e.at("name").string();
        entry.value = e.at("value").number();
        if (auto c = e.find("const")) entry.isConst = c->boolean();
        p.parameters.push_back(entry);
      }
      doc.points.push_back(std::move(p));
    }
  }
  if (auto analyses = root.find("analyses")) {
    analyses->requireArray();
    for (std::size_t i = 0; i < analyses->size(); ++i) {
      const JsonNode node = analyses->at(i);
      graph::AnalysisSpec a;
      a.path = node.path();
      a.name = node.at("name").string();
      a.likelihood = node.at("likelihood").string();
      for (const char* key :
           {"parameters_of_interest", "parameter_of_interest"}) {
        if (auto pois = node.find(key)) a.pois = readNames(*pois);
      }
      if (auto list = node.find("domains")) a.domains = readNames(*list);
      if (auto single = node.find("domain")) {
        a.domains.push_back(single->string());
      }
      if (auto init = node.find("init")) a.init = init->string();
      doc.analyses.push_back(std::move(a));
    }
  }
  doc.binnedLikelihood = readBinnedLikelihoodTags(root);
  return doc;
}

}  // namespace hs3::io
