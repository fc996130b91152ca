// A HistFactory workspace as typed objects: what the pyhf reader produces and
// what an HS3 histfactory_dist maps to, so that everything after the readers
// is blind to the file format.
//
// Each object remembers the JSON path it was read from, so that later stages
// (model building, evaluation) can name it in their messages.
//
//   hs3::Workspace ws = hs3::loadWorkspace("BkgOnly.json",
//                                          {"patchset.json:ERJR_200p0_100p0"});
//   auto model = hs3::Model::build(ws);
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hs3 {

enum class ModifierType {
  kHistoSys,     // additive template shift, one alpha
  kLumi,         // luminosity factor, Gaussian-constrained
  kNormFactor,   // free factor
  kNormSys,      // factor interpolated between lo and hi, one alpha
  kShapeFactor,  // free factor per bin
  kShapeSys,     // factor per bin, Poisson-constrained
  kStatError,    // factor per bin shared by samples, Gaussian-constrained
};

// pyhf's spelling: "histosys", "lumi", ...
const char* modifierTypeName(ModifierType type);
// All type keys, in the order pyhf groups parameters by type.
const std::vector<ModifierType>& allModifierTypes();

// Interpolation of a modifier between its nominal and its +-1 sigma variations,
// in pyhf's vocabulary. Additive codes shift the yield by a difference,
// multiplicative codes scale it by a factor.
enum class Interpolation {
  kCode0,   // piecewise linear (additive)
  kCode1,   // piecewise exponential (multiplicative)
  kCode2,   // quadratic inside |alpha| < 1, linear outside (additive)
  kCode4,   // 6th-order polynomial inside, exponential outside (mult.)
  kCode4p,  // 6th-order polynomial inside, linear outside (additive)
};

// The constraint an HS3 file asks for; kDefault keeps pyhf's rule for the
// modifier type. kConst leaves the parameter fixed and unconstrained.
// kExternal leaves it free: a distribution of the file, evaluated beside
// the channels, constrains it.
enum class ModifierConstraint {
  kDefault,
  kGaussian,
  kPoisson,
  kConst,
  kExternal
};

struct Modifier {
  std::string name;
  ModifierType type = ModifierType::kNormFactor;
  double hi = 1.0;             // normsys: factor at alpha = +1
  double lo = 1.0;             // normsys: factor at alpha = -1
  std::vector<double> hiData;  // histosys: template at alpha = +1
  std::vector<double> loData;  // histosys: template at alpha = -1
  // shapesys, staterror: absolute uncertainty per bin.
  std::vector<double> uncertainties;
  // HS3 files set these per modifier; pyhf workspaces never do.
  std::optional<Interpolation> interpolation;  // unset: ModelOptions' code
  ModifierConstraint constraint = ModifierConstraint::kDefault;
  // Names of the parameter's components, one per bin ("mcstat_0", ...),
  // replacing pyhf's "name[i]"; empty keeps pyhf's names.
  std::vector<std::string> parameterNames;
  std::string path;  // JSON path of this modifier
};

struct Sample {
  std::string name;
  std::vector<double> data;  // nominal yield per bin
  std::vector<Modifier> modifiers;
  std::string path;
};

struct Channel {
  std::string name;
  std::vector<Sample> samples;
  std::string path;
};

struct Observation {
  std::string name;  // channel name
  std::vector<double> data;
  std::string path;
};

// A measurement's settings for one parameter (or parameter set); every list
// is optional and overrides the modifier's defaults.
struct ParameterConfig {
  std::string name;
  std::optional<std::vector<double>> inits;
  std::optional<std::vector<std::pair<double, double>>> bounds;
  std::optional<bool> fixed;
  std::optional<std::vector<double>> auxdata;
  std::optional<std::vector<double>> sigmas;
  std::optional<std::vector<double>> factors;
  std::string path;
};

struct Measurement {
  std::string name;
  std::string poi;  // empty: a model without parameter of interest
  std::vector<ParameterConfig> parameters;
  std::string path;
};

struct Workspace {
  std::vector<Channel> channels;
  std::vector<Observation> observations;
  std::vector<Measurement> measurements;
};

// Reads a pyhf workspace (schema 1.0.0) from JSON text. `patches` are applied
// in order; each is either the text of a JSON Patch (RFC 6902) or the text of
// a pyhf patchset together with the name of one of its patches.
struct PatchSource {
  std::string text;       // JSON Patch array, or a whole patchset
  std::string patchName;  // set: `text` is a patchset, apply this patch
  std::string origin;     // file name, for messages
};

Workspace parseWorkspace(const std::string& jsonText,
                         const std::vector<PatchSource>& patches = {});

// Reads a file and applies patches named the way the CLI takes them:
// "patch.json" or "patchset.json:NAME".
Workspace loadWorkspace(const std::string& path,
                        const std::vector<std::string>& patchSpecs = {});

// The patch sources named the way the CLI takes them: "patch.json" is a
// JSON Patch, "patchset.json:NAME" one patch of a patchset.
std::vector<PatchSource> readPatchSources(
    const std::vector<std::string>& specs);

// The whole content of a file; throws Error(kIo) naming it.
std::string readTextFile(const std::string& path);

// Names of the patches in a patchset, with their metadata values.
struct PatchInfo {
  std::string name;
  std::vector<double> values;
};
std::vector<PatchInfo> listPatches(const std::string& patchsetText);

}  // namespace hs3
