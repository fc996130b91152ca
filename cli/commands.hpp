// The commands of `hs3`, each printing one JSON document.
#pragma once

#include <ostream>

#include "arguments.hpp"

namespace hs3::cli {

// Runs args.command; returns the exit status.
int runCommand(const Arguments& args, std::ostream& out);

}  // namespace hs3::cli
