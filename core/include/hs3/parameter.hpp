// One scalar parameter of a likelihood, as the minimizer and the user see it:
// its name, starting value, bounds and whether it is held fixed.
//
//   hs3::Parameter mu{"mu", 1.0, 0.0, 10.0, false};
#pragma once

#include <string>

namespace hs3 {

struct Parameter {
  // pyhf's component name: "mu", "alpha_JES", "staterror_SR[2]".
  std::string name;
  double init = 0.0;
  double lower = 0.0;
  double upper = 0.0;
  bool fixed = false;
};

}  // namespace hs3
