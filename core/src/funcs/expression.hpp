// The HS3 expression grammar of generic_function and generic_dist: numbers,
// names, + - * / and power (^ or **), comparisons, logic, the ternary (also
// as ifelse(c, a, b)) and a fixed list of functions. The parser builds a
// syntax tree and refuses everything else, so an expression can only ever
// compute; emitExpression turns the tree into graph nodes with gradients.
//
//   Expression e = parseExpression("a0 - a1*sqrt(10*abs(y))", "functions[0]");
//   for (const std::string& name : e.names()) ...   // a0, a1, y
//   NodeId v = emitExpression(e, program, resolve);
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "graph/program.hpp"

namespace hs3::funcs {

struct ExpressionNode {
  enum class Kind { kNumber, kName, kUnary, kBinary, kCall, kTernary };
  Kind kind = Kind::kNumber;
  double number = 0.0;
  std::string text;  // name, operator or function
  std::vector<ExpressionNode> args;
};

class Expression {
 public:
  const ExpressionNode& root() const { return root_; }
  const std::string& text() const { return text_; }
  // The referenced names, each once, in order of appearance.
  std::vector<std::string> names() const;

 private:
  friend Expression parseExpression(const std::string&, const std::string&);
  ExpressionNode root_;
  std::string text_;
};

// Throws Error(kSchema) at `path` naming the offending character or name.
Expression parseExpression(const std::string& text, const std::string& path);

// The functions an expression may call.
const std::vector<std::string>& expressionFunctions();

graph::NodeId emitExpression(
    const Expression& expression, graph::Program& program,
    const std::function<graph::NodeId(const std::string&)>& resolve);

}  // namespace hs3::funcs
