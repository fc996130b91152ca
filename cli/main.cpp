// The `hs3` command: reads a workspace, runs one command, prints JSON.
// This file is the error boundary of the native frontend: every hs3::Error
// becomes one message on stderr and exit status 2.

#include <iostream>
#include <string>

#include "arguments.hpp"
#include "commands.hpp"
#include "hs3/error.hpp"
#include "hs3/log.hpp"

int main(int argc, char** argv) {
  try {
    const hs3::cli::Arguments args = hs3::cli::parseArguments(argc, argv);
    if (args.hasFlag("help") || args.command.empty()) {
      std::cout << hs3::cli::usage();
      return args.command.empty() && !args.hasFlag("help") ? 2 : 0;
    }
    const std::string level = args.value("log-level", "warning");
    if (level == "debug") {
      hs3::log::setLevel(hs3::log::Level::kDebug);
    } else if (level == "info") {
      hs3::log::setLevel(hs3::log::Level::kInfo);
    } else if (level == "warning") {
      hs3::log::setLevel(hs3::log::Level::kWarning);
    } else if (level == "error") {
      hs3::log::setLevel(hs3::log::Level::kError);
    } else if (level == "off") {
      hs3::log::setLevel(hs3::log::Level::kOff);
    } else {
      throw hs3::Error(hs3::ErrorCode::kInvalidArgument, "",
                       "unknown log level '" + level +
                           "' (debug, info, warning, error, off)");
    }
    return hs3::cli::runCommand(args, std::cout);
  } catch (const hs3::Error& e) {
    std::cerr << "hs3: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "hs3: out of memory: the model is too large for this "
                 "machine\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "hs3: internal error: " << e.what() << "\n";
    return 3;
  }
}
