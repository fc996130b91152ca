#include "arguments.hpp"

#include <cmath>
#include <cstdlib>
#include <set>

#include "hs3/error.hpp"

namespace hs3::cli {

namespace {

// Options that take a value, and flags that do not.
const std::set<std::string> kValued = {
    "patch",        "at",        "measurement", "normsys-code", "histosys-code",
    "fix",          "init",      "minos",       "strategy",     "tolerance",
    "test-poi",     "test-stat", "cl",          "poi",          "range",
    "analysis",     "log-level", "max-calls",   "jobs",         "likelihood",
    "distribution", "data",      "point",       "to",           "bounds",
    "parameter",    "grid",      "parameter2",  "range2"};
const std::set<std::string> kFlags = {"gradient", "all", "help", "quiet"};

}  // namespace

bool Arguments::hasFlag(const std::string& name) const {
  for (const std::string& flag : flags) {
    if (flag == name) return true;
  }
  return false;
}

std::string Arguments::value(const std::string& name,
                             const std::string& fallback) const {
  std::string out = fallback;
  auto range = options.equal_range(name);
  for (auto it = range.first; it != range.second; ++it) out = it->second;
  return out;
}

std::vector<std::string> Arguments::values(const std::string& name) const {
  std::vector<std::string> out;
  auto range = options.equal_range(name);
  for (auto it = range.first; it != range.second; ++it) {
    out.push_back(it->second);
  }
  return out;
}

Arguments parseArguments(int argc, const char* const* argv) {
  Arguments args;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string token = argv[i];
    if (token == "-p") token = "--patch";
    if (token == "-h") token = "--help";
    if (token.rfind("--", 0) != 0 || token.size() == 2) {
      positional.push_back(token);
      continue;
    }
    std::string name = token.substr(2);
    std::string valueText;
    bool hasValue = false;
    const auto equals = name.find('=');
    if (equals != std::string::npos && kValued.count(name.substr(0, equals))) {
      valueText = name.substr(equals + 1);
      name = name.substr(0, equals);
      hasValue = true;
    }
    if (kFlags.count(name)) {
      args.flags.push_back(name);
      continue;
    }
    if (!kValued.count(name)) {
      throw Error(ErrorCode::kInvalidArgument, "",
                  "unknown option '" + token + "' (see hs3 --help)");
    }
    if (!hasValue) {
      if (i + 1 >= argc) {
        throw Error(ErrorCode::kInvalidArgument, "",
                    "option '--" + name + "' needs a value");
      }
      valueText = argv[++i];
    }
    if (name == "patch") {
      args.patches.push_back(valueText);
    } else {
      args.options.emplace(name, valueText);
    }
  }
  if (!positional.empty()) args.command = positional[0];
  if (positional.size() > 1) args.workspace = positional[1];
  if (positional.size() > 2) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "unexpected argument '" + positional[2] + "'");
  }
  return args;
}

double parseNumber(const std::string& text, const std::string& option) {
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(x)) {
    throw Error(
        ErrorCode::kInvalidArgument, "",
        "'" + text + "' given to " + option + " is not a finite number");
  }
  return x;
}

std::pair<std::string, double> parseAssignment(const std::string& text,
                                               const std::string& option) {
  const auto equals = text.rfind('=');
  if (equals == std::string::npos || equals == 0) {
    throw Error(ErrorCode::kInvalidArgument, "",
                option + " takes name=value, not '" + text + "'");
  }
  return {text.substr(0, equals),
          parseNumber(text.substr(equals + 1), option + " " + text)};
}

const char* usage() {
  return R"(usage: hs3 COMMAND WORKSPACE.json [options]

commands:
  inspect   channels, samples, parameters and constraints of the model
  nll       log-likelihood at the initial parameters (or --at name=value)
  fit       maximum-likelihood fit with Hessian errors and correlations
  cls       CLs hypothesis test of one POI value (asymptotic formulas)
  limit     upper limit on the POI, observed and expected
  scan      profile-likelihood scan of one parameter
  significance  discovery significance from q0, observed and expected
  convert   the model in the other format (--to hs3|pyhf), JSON on stdout

options:
  -p, --patch FILE          apply a JSON Patch; FILE:NAME applies one patch
                            of a pyhf patchset (repeatable, in order)
  --measurement NAME        which measurement (default: the first)
  --analysis NAME           HS3: which analysis (default: the first)
  --likelihood NAME         HS3: a likelihood instead of an analysis
  --distribution NAME       HS3: one distribution, with --data NAME
  --data NAME               HS3: the data set for --distribution
  --point NAME              HS3: the parameter point to start from
                            (default: the analysis' init, default_values)
  --to FORMAT               convert: hs3 (default) or pyhf
  --at name=value           set one parameter (nll; repeatable)
  --gradient                also print the gradient of the nll (nll)
  --fix name=value          fix a parameter at a value (repeatable)
  --init name=value         start a parameter at a value (repeatable)
  --bounds name=lo:hi       change a parameter's bounds (repeatable)
  --minos name              profile-likelihood interval (fit; repeatable)
  --strategy N              0, 1 (default) or 2, as in Minuit
  --max-calls N             objective evaluations allowed per fit
                            (default 200 + 100 n + 5 n^2)
  --tolerance X             EDM target is 0.002 X errordef (fit: 0.1,
                            inference: 0.01)
  --test-poi X              POI value to test (cls; default 1)
  --test-stat S             qtilde (default), q or q0 (cls)
  --cl X                    confidence level of the limit (default 0.95)
  --grid lo:hi:n            limit from a grid of n hypotests instead of
                            root finding
  --parameter NAME          parameter to scan (scan; default: the POI)
  --range lo:hi:n           scan from lo to hi in n points (default: the
                            parameter's bounds, 31 points)
  --parameter2 NAME         a second parameter: a two-dimensional scan
  --range2 lo:hi:n          its grid (default: its bounds, 21 points)
  --normsys-code CODE       normsys interpolation (default code4)
  --histosys-code CODE      histosys interpolation (default code4p)
  --log-level LEVEL         debug, info, warning (default), error, off

Results are JSON on stdout; messages go to stderr. Exit status 2 means the
input or the options were wrong, and the message says where.
)";
}

}  // namespace hs3::cli
