#include "commands.hpp"

#include <functional>
#include <map>
#include <memory>

#include "hs3/error.hpp"
#include "hs3/model.hpp"
#include "hs3/report.hpp"
#include "hs3/workspace.hpp"

namespace hs3::cli {

namespace {

std::shared_ptr<const Model> loadModel(const Arguments& args) {
  if (args.workspace.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "",
                "the " + args.command + " command needs a workspace file");
  }
  const Workspace ws = loadWorkspace(args.workspace, args.patches);
  ModelOptions options;
  options.measurement = args.value("measurement");
  options.normsys = parseInterpolation(args.value("normsys-code", "code4"));
  options.histosys = parseInterpolation(args.value("histosys-code", "code4p"));
  return Model::build(ws, options);
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

int inspectCommand(const Arguments& args, std::ostream& out) {
  out << report::inspect(*loadModel(args)) << "\n";
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
