// Reads pyhf workspaces (schema 1.0.0) into hs3::Workspace. The checks follow
// pyhf's JSON schema and the rules pyhf enforces when it builds a model, so
// that a file pyhf refuses is refused here too, with the path of the culprit.

#include <fstream>
#include <set>
#include <sstream>

#include "hs3/log.hpp"
#include "hs3/workspace.hpp"
#include "io/json_node.hpp"
#include "io/json_patch.hpp"

namespace hs3 {

namespace {

using io::Json;
using io::JsonNode;

struct TypeKey {
  const char* name;
  ModifierType type;
};

// The modifier vocabulary of pyhf, in the order pyhf groups parameters.
constexpr TypeKey kModifierTypes[] = {
    {"histosys", ModifierType::kHistoSys},
    {"lumi", ModifierType::kLumi},
    {"normfactor", ModifierType::kNormFactor},
    {"normsys", ModifierType::kNormSys},
    {"shapefactor", ModifierType::kShapeFactor},
    {"shapesys", ModifierType::kShapeSys},
    {"staterror", ModifierType::kStatError},
};

ModifierType parseModifierType(const JsonNode& node) {
  const std::string key = node.string();
  for (const TypeKey& entry : kModifierTypes) {
    if (key == entry.name) return entry.type;
  }
  std::string known;
  for (const TypeKey& entry : kModifierTypes) {
    known += (known.empty() ? "" : ", ") + std::string(entry.name);
  }
  node.fail(ErrorCode::kUnknownType,
            "unknown modifier type '" + key + "' (pyhf knows " + known + ")");
}

void requireLength(const JsonNode& node, std::size_t actual,
                   std::size_t expected, const std::string& what) {
  if (actual == expected) return;
  node.fail(ErrorCode::kShapeMismatch, "has " + std::to_string(actual) +
                                           " entries but " + what + " has " +
                                           std::to_string(expected) + " bins");
}

Modifier readModifier(const JsonNode& node, std::size_t nbins,
                      const std::string& sampleName) {
  node.requireObject();
  node.rejectUnknownKeys({"name", "type", "data"});
  Modifier modifier;
  modifier.path = node.path();
  modifier.name = node.at("name").string();
  if (modifier.name.empty()) {
    node.at("name").fail(ErrorCode::kSchema, "a modifier name is empty");
  }
  modifier.type = parseModifierType(node.at("type"));
  const JsonNode data = node.at("data");
  const std::string sampleBins = "sample '" + sampleName + "'";
  switch (modifier.type) {
    case ModifierType::kNormFactor:
    case ModifierType::kLumi:
    case ModifierType::kShapeFactor:
      if (!data.isNull()) {
        data.fail(ErrorCode::kSchema, std::string("must be null for a ") +
                                          modifierTypeName(modifier.type) +
                                          " modifier");
      }
      break;
    case ModifierType::kNormSys:
      data.requireObject();
      data.rejectUnknownKeys({"hi", "lo"});
      modifier.hi = data.at("hi").number();
      modifier.lo = data.at("lo").number();
      break;
    case ModifierType::kHistoSys: {
      data.requireObject();
      data.rejectUnknownKeys({"hi_data", "lo_data"});
      const JsonNode hi = data.at("hi_data");
      const JsonNode lo = data.at("lo_data");
      modifier.hiData = hi.numbers();
      modifier.loData = lo.numbers();
      requireLength(hi, modifier.hiData.size(), nbins, sampleBins);
      requireLength(lo, modifier.loData.size(), nbins, sampleBins);
      break;
    }
    case ModifierType::kShapeSys:
    case ModifierType::kStatError:
      modifier.uncertainties = data.numbers();
      requireLength(data, modifier.uncertainties.size(), nbins, sampleBins);
      break;
  }
  return modifier;
}

Sample readSample(const JsonNode& node, std::size_t expectedBins,
                  const std::string& channelName) {
  node.requireObject();
  node.rejectUnknownKeys({"name", "data", "modifiers"});
  Sample sample;
  sample.path = node.path();
  sample.name = node.at("name").string();
  const JsonNode data = node.at("data");
  data.requireArray(1);
  sample.data = data.numbers();
  if (expectedBins != 0) {
    requireLength(data, sample.data.size(), expectedBins,
                  "the first sample of channel '" + channelName + "'");
  }
  const JsonNode modifiers = node.at("modifiers").requireArray();
  std::set<std::pair<std::string, ModifierType>> seen;
  for (std::size_t i = 0; i < modifiers.size(); ++i) {
    Modifier modifier =
        readModifier(modifiers.at(i), sample.data.size(), sample.name);
    if (!seen.insert({modifier.name, modifier.type}).second) {
      modifiers.at(i).fail(ErrorCode::kDuplicateName,
                           std::string("the ") +
                               modifierTypeName(modifier.type) + " modifier '" +
                               modifier.name + "' appears twice in sample '" +
                               sample.name + "'");
    }
    sample.modifiers.push_back(std::move(modifier));
  }
  return sample;
}

Channel readChannel(const JsonNode& node) {
  node.requireObject();
  node.rejectUnknownKeys({"name", "samples"});
  Channel channel;
  channel.path = node.path();
  channel.name = node.at("name").string();
  const JsonNode samples = node.at("samples").requireArray(1);
  std::set<std::string> names;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::size_t nbins =
        channel.samples.empty() ? 0 : channel.samples.front().data.size();
    Sample sample = readSample(samples.at(i), nbins, channel.name);
    if (!names.insert(sample.name).second) {
      samples.at(i).fail(ErrorCode::kDuplicateName,
                         "sample '" + sample.name +
                             "' appears twice in channel '" + channel.name +
                             "'");
    }
    channel.samples.push_back(std::move(sample));
  }
  return channel;
}

ParameterConfig readParameterConfig(const JsonNode& node) {
  node.requireObject();
  node.rejectUnknownKeys(
      {"name", "inits", "bounds", "fixed", "auxdata", "sigmas", "factors"});
  ParameterConfig config;
  config.path = node.path();
  config.name = node.at("name").string();
  if (auto inits = node.find("inits")) config.inits = inits->numbers();
  if (auto fixed = node.find("fixed")) config.fixed = fixed->boolean();
  if (auto aux = node.find("auxdata")) config.auxdata = aux->numbers();
  if (auto sigmas = node.find("sigmas")) config.sigmas = sigmas->numbers();
  if (auto factors = node.find("factors")) config.factors = factors->numbers();
  if (auto bounds = node.find("bounds")) {
    bounds->requireArray();
    std::vector<std::pair<double, double>> pairs;
    for (std::size_t i = 0; i < bounds->size(); ++i) {
      const JsonNode pair = bounds->at(i);
      pair.requireArray();
      if (pair.size() != 2) {
        pair.fail(ErrorCode::kSchema,
                  "a bound must be a pair [lower, upper], but has " +
                      std::to_string(pair.size()) + " entries");
      }
      const double lower = pair.at(0).number();
      const double upper = pair.at(1).number();
      if (lower > upper) {
        pair.fail(ErrorCode::kInvalidValue,
                  "the lower bound is above the upper bound");
      }
      pairs.emplace_back(lower, upper);
    }
    config.bounds = std::move(pairs);
  }
  return config;
}

Measurement readMeasurement(const JsonNode& node) {
  node.requireObject();
  node.rejectUnknownKeys({"name", "config"});
  Measurement measurement;
  measurement.path = node.path();
  measurement.name = node.at("name").string();
  const JsonNode config = node.at("config");
  config.requireObject();
  config.rejectUnknownKeys({"poi", "parameters"});
  measurement.poi = config.at("poi").string();
  const JsonNode parameters = config.at("parameters").requireArray();
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    measurement.parameters.push_back(readParameterConfig(parameters.at(i)));
  }
  return measurement;
}

Workspace readWorkspace(const Json& document) {
  const JsonNode root(document, "");
  root.requireObject();
  root.rejectUnknownKeys(
      {"channels", "observations", "measurements", "version"});
  Workspace workspace;

  const JsonNode channels = root.at("channels").requireArray(1);
  std::set<std::string> channelNames;
  for (std::size_t i = 0; i < channels.size(); ++i) {
    Channel channel = readChannel(channels.at(i));
    if (!channelNames.insert(channel.name).second) {
      channels.at(i).fail(ErrorCode::kDuplicateName,
                          "channel '" + channel.name + "' appears twice");
    }
    workspace.channels.push_back(std::move(channel));
  }

  const JsonNode observations = root.at("observations").requireArray(1);
  std::set<std::string> observed;
  for (std::size_t i = 0; i < observations.size(); ++i) {
    const JsonNode node = observations.at(i);
    node.requireObject();
    node.rejectUnknownKeys({"name", "data"});
    Observation observation;
    observation.path = node.path();
    observation.name = node.at("name").string();
    observation.data = node.at("data").requireArray(1).numbers();
    if (!observed.insert(observation.name).second) {
      node.fail(ErrorCode::kDuplicateName,
                "channel '" + observation.name + "' is observed twice");
    }
    workspace.observations.push_back(std::move(observation));
  }

  const JsonNode measurements = root.at("measurements").requireArray(1);
  for (std::size_t i = 0; i < measurements.size(); ++i) {
    workspace.measurements.push_back(readMeasurement(measurements.at(i)));
  }

  const JsonNode version = root.at("version");
  if (version.string() != "1.0.0") {
    version.fail(ErrorCode::kSchema, "pyhf workspaces have version \"1.0.0\"");
  }
  return workspace;
}

}  // namespace

const char* modifierTypeName(ModifierType type) {
  for (const TypeKey& entry : kModifierTypes) {
    if (entry.type == type) return entry.name;
  }
  return "unknown";
}

const std::vector<ModifierType>& allModifierTypes() {
  static const std::vector<ModifierType> types = [] {
    std::vector<ModifierType> out;
    for (const TypeKey& entry : kModifierTypes) out.push_back(entry.type);
    return out;
  }();
  return types;
}

Workspace parseWorkspace(const std::string& jsonText,
                         const std::vector<PatchSource>& patches) {
  Json document = io::parseJson(jsonText, "the workspace");
  for (const PatchSource& patch : patches) {
    io::applyPatchSource(document, patch);
  }
  return readWorkspace(document);
}

std::string readTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCode::kIo, "", "cannot open '" + path + "'");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw Error(ErrorCode::kIo, "", "cannot read '" + path + "'");
  }
  return text.str();
}

std::vector<PatchSource> readPatchSources(
    const std::vector<std::string>& specs) {
  std::vector<PatchSource> patches;
  for (const std::string& spec : specs) {
    PatchSource source;
    // A colon inside a path that exists is part of the path.
    const auto colon = spec.rfind(':');
    const bool namesPatch =
        colon != std::string::npos && !std::ifstream(spec).good() && colon > 0;
    const std::string file = namesPatch ? spec.substr(0, colon) : spec;
    source.text = readTextFile(file);
    source.origin = file;
    if (namesPatch) source.patchName = spec.substr(colon + 1);
    patches.push_back(std::move(source));
  }
  return patches;
}

Workspace loadWorkspace(const std::string& path,
                        const std::vector<std::string>& patchSpecs) {
  return parseWorkspace(readTextFile(path), readPatchSources(patchSpecs));
}

std::vector<PatchInfo> listPatches(const std::string& patchsetText) {
  const Json document = io::parseJson(patchsetText, "the patchset");
  const JsonNode root(document, "");
  const JsonNode patches = root.at("patches").requireArray(1);
  std::vector<PatchInfo> out;
  for (std::size_t i = 0; i < patches.size(); ++i) {
    const JsonNode metadata = patches.at(i).at("metadata");
    PatchInfo info;
    info.name = metadata.at("name").string();
    if (auto values = metadata.find("values")) info.values = values->numbers();
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace hs3
