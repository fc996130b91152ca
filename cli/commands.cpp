#include "commands.hpp"

#include <cmath>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "hs3/error.hpp"
#include "hs3/fit.hpp"
#include "hs3/infer.hpp"
#include "hs3/load.hpp"
#include "hs3/model.hpp"
#include "hs3/parallel.hpp"
#include "hs3/report.hpp"
#include "hs3/workspace.hpp"

namespace hs3::cli {

namespace {

// The model options shared by every command; pyhf workspaces and HS3 files
// alike (format detected from the file).
LoadOptions loadOptions(const Arguments& args) {
  LoadOptions options;
  options.patches = args.patches;
  options.analysis = args.value("analysis");
  options.likelihood = args.value("likelihood");
  options.measurement = args.value("measurement");
  options.distribution = args.value("distribution");
  options.data = args.value("data");
  options.point = args.value("point");
  options.model.normsys =
      parseInterpolation(args.value("normsys-code", "code4"));
  options.model.histosys =
      parseInterpolation(args.value("histosys-code", "code4p"));
  return options;
}

std::shared_ptr<const Model> loadModel(const Arguments& args) {
  if (args.workspace.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "the " + args.command + " command needs a workspace file");
  }
  return hs3::loadModel(args.workspace, loadOptions(args));
}

// The initial parameters with each --at name=value applied.
std::vector<double> parametersAt(const Model& model, const Arguments& args) {
  std::vector<double> x = model.initialValues();
  for (const std::string& text : args.values("at")) {
    const auto [name, value] = parseAssignment(text, "--at");
    x[model.parameterIndex(name)] = value;
  }
  return x;
}

// The model's parameter settings with --fix, --init and --bounds applied.
std::vector<Parameter> parameterSettings(const Model& model,
                                         const Arguments& args) {
  std::vector<Parameter> parameters = model.parameters();
  for (const std::string& text : args.values("fix")) {
    const auto [name, value] = parseAssignment(text, "--fix");
    Parameter& p = parameters[model.parameterIndex(name)];
    p.fixed = true;
    p.init = value;
  }
  for (const std::string& text : args.values("init")) {
    const auto [name, value] = parseAssignment(text, "--init");
    parameters[model.parameterIndex(name)].init = value;
  }
  for (const std::string& text : args.values("bounds")) {
    const auto equals = text.rfind('=');
    const auto colon = text.rfind(':');
    if (equals == std::string::npos || colon == std::string::npos ||
        colon < equals) {
      throw Error(ErrorCode::kInvalidArgument, "",
                  "--bounds takes name=lower:upper, not '" + text + "'");
    }
    Parameter& p = parameters[model.parameterIndex(text.substr(0, equals))];
    p.lower = parseNumber(text.substr(equals + 1, colon - equals - 1),
                          "--bounds " + text);
    p.upper = parseNumber(text.substr(colon + 1), "--bounds " + text);
    if (p.lower >= p.upper) {
      throw Error(ErrorCode::kInvalidArgument, "",
                  "--bounds " + text +
                      ": the lower bound must be below "
                      "the upper");
    }
  }
  return parameters;
}

FitOptions fitOptions(const Arguments& args, FitOptions options) {
  const std::string strategy = args.value("strategy");
  if (!strategy.empty()) {
    const double s = parseNumber(strategy, "--strategy");
    if (s != 0 && s != 1 && s != 2) {
      throw Error(ErrorCode::kInvalidArgument, "",
                  "--strategy takes 0, 1 or 2");
    }
    options.strategy = static_cast<int>(s);
  }
  const std::string tolerance = args.value("tolerance");
  if (!tolerance.empty()) {
    options.tolerance = parseNumber(tolerance, "--tolerance");
  }
  const std::string maxCalls = args.value("max-calls");
  if (!maxCalls.empty()) {
    const double calls = parseNumber(maxCalls, "--max-calls");
    if (calls < 1 || calls > 1e9 || calls != std::floor(calls)) {
      throw Error(ErrorCode::kInvalidArgument, "",
                  "--max-calls takes a whole number from 1 to 1e9");
    }
    options.maxCalls = static_cast<std::size_t>(calls);
  }
  options.minos = args.values("minos");
  return options;
}

// lo:hi:n as n evenly spaced values.
std::vector<double> parseGrid(const std::string& text,
                              const std::string& option) {
  const auto first = text.find(':');
  const auto second = text.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos) {
    throw Error(ErrorCode::kInvalidArgument, "",
                option + " takes lo:hi:n, not '" + text + "'");
  }
  const double lo = parseNumber(text.substr(0, first), option);
  const double hi =
      parseNumber(text.substr(first + 1, second - first - 1), option);
  const double count = parseNumber(text.substr(second + 1), option);
  if (count < 2 || count > 100000 || count != std::floor(count) || hi <= lo) {
    throw Error(ErrorCode::kInvalidArgument, "",
                option + " " + text +
                    ": needs lo < hi and a whole number of points from 2 "
                    "to 100000");
  }
  const int n = static_cast<int>(count);
  std::vector<double> values;
  for (int i = 0; i < n; ++i) values.push_back(lo + (hi - lo) * i / (n - 1));
  return values;
}

InferenceOptions inferenceOptions(const Model& model, const Arguments& args) {
  InferenceOptions options;
  options.parameters = parameterSettings(model, args);
  options.fit = fitOptions(args, options.fit);
  options.statistic = parseTestStatistic(args.value("test-stat", "qtilde"));
  return options;
}

unsigned jobCount(const Arguments& args) {
  const std::string jobs = args.value("jobs");
  if (jobs.empty()) return std::max(1u, std::thread::hardware_concurrency());
  const double n = parseNumber(jobs, "--jobs");
  if (n < 1 || n > 1024 || n != std::floor(n)) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "--jobs takes a whole number from 1 to 1024");
  }
  return static_cast<unsigned>(n);
}

int pullsCommand(const Arguments& args, std::ostream& out) {
  const auto model = loadModel(args);
  Inference inference(model, model->observedData(),
                      inferenceOptions(*model, args));
  out << report::pulls(inference.pulls()) << "\n";
  return 0;
}

int rankingCommand(const Arguments& args, std::ostream& out) {
  const auto model = loadModel(args);
  Inference inference(model, model->observedData(),
                      inferenceOptions(*model, args));
  out << report::ranking(inference.ranking(jobCount(args))) << "\n";
  return 0;
}

int yieldsCommand(const Arguments& args, std::ostream& out) {
  const auto model = loadModel(args);
  Inference inference(model, model->observedData(),
                      inferenceOptions(*model, args));
  out << report::yields(inference.yields()) << "\n";
  return 0;
}

// --all: the command once per patch of the patchset given with -p, on
// every core, one JSON line per patch in the patchset's order.
int runAllPatches(const Arguments& args, std::ostream& out) {
  if (args.patches.size() != 1) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "--all takes exactly one patchset, given with -p");
  }
  const std::string patchsetFile = args.patches.front();
  const std::string patchsetText = readTextFile(patchsetFile);
  const std::vector<PatchInfo> patches = listPatches(patchsetText);
  const std::string workspaceText = readTextFile(args.workspace);
  std::vector<std::string> lines(patches.size());
  std::vector<bool> done(patches.size(), false);
  std::mutex progress;
  std::size_t finished = 0, printed = 0;
  const bool quiet = args.hasFlag("quiet");
  parallelFor(patches.size(), jobCount(args), [&](std::size_t i) {
    PatchSource source{patchsetText, patches[i].name, patchsetFile};
    std::string body;
    try {
      LoadOptions options = loadOptions(args);
      options.patches.clear();
      const auto model = parseModel(workspaceText, {source}, options);
      Inference inference(model, model->observedData(),
                          inferenceOptions(*model, args));
      if (args.command == "cls") {
        const double poi =
            parseNumber(args.value("test-poi", "1"), "--test-poi");
        body = report::hypotest(inference.hypotest(poi));
      } else {
        const double level = parseNumber(args.value("cl", "0.95"), "--cl");
        body = report::upperLimit(inference.upperLimit(level));
      }
    } catch (const Error& e) {
      // One broken patch does not stop the others; its line says why.
      body = report::errorObject(e);
    }
    std::lock_guard<std::mutex> lock(progress);
    lines[i] = report::patchLine(patches[i].name, patches[i].values, body);
    done[i] = true;
    ++finished;
    while (printed < lines.size() && done[printed]) {
      out << lines[printed++] << "\n" << std::flush;
    }
    if (!quiet) {
      std::cerr << "\r" << finished << "/" << patches.size() << " patches"
                << (finished == patches.size() ? "\n" : "") << std::flush;
    }
  });
  return 0;
}

int fitCommand(const Arguments& args, std::ostream& out) {
  const auto model = loadModel(args);
  Likelihood likelihood(model, model->observedData());
  const FitResult result = minimize(likelihood, parameterSettings(*model, args),
                                    fitOptions(args, {}));
  out << report::fit(result) << "\n";
  return 0;
}

int clsCommand(const Arguments& args, std::ostream& out) {
  if (args.hasFlag("all")) return runAllPatches(args, out);
  const auto model = loadModel(args);
  Inference inference(model, model->observedData(),
                      inferenceOptions(*model, args));
  const double poi = parseNumber(args.value("test-poi", "1"), "--test-poi");
  out << report::hypotest(inference.hypotest(poi)) << "\n";
  return 0;
}

int limitCommand(const Arguments& args, std::ostream& out) {
  if (args.hasFlag("all")) return runAllPatches(args, out);
  const auto model = loadModel(args);
  Inference inference(model, model->observedData(),
                      inferenceOptions(*model, args));
  const double level = parseNumber(args.value("cl", "0.95"), "--cl");
  const std::string grid = args.value("grid");
  const UpperLimitResult result =
      grid.empty()
          ? inference.upperLimit(level)
          : inference.upperLimitFromGrid(parseGrid(grid, "--grid"), level);
  out << report::upperLimit(result) << "\n";
  return 0;
}

int scanCommand(const Arguments& args, std::ostream& out) {
  const auto model = loadModel(args);
  Inference inference(model, model->observedData(),
                      inferenceOptions(*model, args));
  std::string name = args.value("parameter", args.value("poi"));
  if (name.empty()) {
    if (!model->hasPoi()) {
      throw Error(ErrorCode::kInvalidArgument, "",
                  "the model has no POI; name the parameter to scan with "
                  "--parameter");
    }
    name = model->parameters()[model->poiIndex()].name;
  }
  // Without --range, the parameter's bounds in 31 points (21 in 2D).
  auto gridOf = [&](const std::string& parameter, const char* option,
                    int points) {
    const Parameter& p =
        inference.parameters()[model->parameterIndex(parameter)];
    std::ostringstream fallback;
    fallback.precision(17);
    fallback << p.lower << ":" << p.upper << ":" << points;
    return parseGrid(args.value(option, fallback.str()),
                     std::string("--") + option);
  };
  const std::string second = args.value("parameter2");
  if (second.empty()) {
    out << report::scan(inference.scan(name, gridOf(name, "range", 31)))
        << "\n";
    return 0;
  }
  out << report::scan2d(inference.scan2d(name, gridOf(name, "range", 21),
                                         second, gridOf(second, "range2", 21)))
      << "\n";
  return 0;
}

int significanceCommand(const Arguments& args, std::ostream& out) {
  const auto model = loadModel(args);
  Inference inference(model, model->observedData(),
                      inferenceOptions(*model, args));
  out << report::significance(inference.significance()) << "\n";
  return 0;
}

int inspectCommand(const Arguments& args, std::ostream& out) {
  out << report::inspect(*loadModel(args)) << "\n";
  return 0;
}

// The model in the other format, as JSON on stdout.
int convertCommand(const Arguments& args, std::ostream& out) {
  if (args.workspace.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "the convert command needs a workspace file");
  }
  const LoadOptions options = loadOptions(args);
  out << convertModel(readTextFile(args.workspace),
                      readPatchSources(options.patches),
                      args.value("to", "hs3"), options)
      << "\n";
  return 0;
}

int nllCommand(const Arguments& args, std::ostream& out) {
  const auto model = loadModel(args);
  Likelihood likelihood(model, model->observedData());
  out << report::nll(likelihood, parametersAt(*model, args),
                     args.hasFlag("gradient"))
      << "\n";
  return 0;
}

}  // namespace

int runCommand(const Arguments& args, std::ostream& out) {
  using Command = std::function<int(const Arguments&, std::ostream&)>;
  static const std::map<std::string, Command> commands = {
      {"inspect", inspectCommand},
      {"nll", nllCommand},
      {"fit", fitCommand},
      {"cls", clsCommand},
      {"limit", limitCommand},
      {"scan", scanCommand},
      {"significance", significanceCommand},
      {"pulls", pullsCommand},
      {"ranking", rankingCommand},
      {"yields", yieldsCommand},
      {"convert", convertCommand},
  };
  auto it = commands.find(args.command);
  if (it == commands.end()) {
    std::string known;
    for (const auto& entry : commands) {
      known += (known.empty() ? "" : ", ") + entry.first;
    }
    throw Error(
        ErrorCode::kInvalidArgument, "",
        "unknown command '" + args.command + "' (known: " + known + ")");
  }
  return it->second(args, out);
}

}  // namespace hs3::cli
