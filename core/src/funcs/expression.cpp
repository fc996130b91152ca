#include "funcs/expression.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include "dists/kernels.hpp"
#include "hs3/error.hpp"

namespace hs3::funcs {

namespace {

using graph::NodeId;
using graph::Op;
using Kind = ExpressionNode::Kind;

constexpr int kMaxDepth = 200;

struct FunctionInfo {
  Op op;
  std::size_t args;
};

// The callable vocabulary: the HS3 list plus what ROOT writes (erf, log10,
// cosh...) and the ternary's function form.
const std::map<std::string, FunctionInfo>& functionTable() {
  static const std::map<std::string, FunctionInfo> table = {
      {"exp", {Op::kExp, 1}},       {"log", {Op::kLog, 1}},
      {"log10", {Op::kLog10, 1}},   {"sqrt", {Op::kSqrt, 1}},
      {"abs", {Op::kAbs, 1}},       {"fabs", {Op::kAbs, 1}},
      {"pow", {Op::kPow, 2}},       {"min", {Op::kMin, 2}},
      {"max", {Op::kMax, 2}},       {"sin", {Op::kSin, 1}},
      {"cos", {Op::kCos, 1}},       {"tan", {Op::kTan, 1}},
      {"asin", {Op::kAsin, 1}},     {"acos", {Op::kAcos, 1}},
      {"atan", {Op::kAtan, 1}},     {"sinh", {Op::kSinh, 1}},
      {"cosh", {Op::kCosh, 1}},     {"tanh", {Op::kTanh, 1}},
      {"erf", {Op::kErf, 1}},       {"erfc", {Op::kErfc, 1}},
      {"floor", {Op::kFloor, 1}},   {"ceil", {Op::kCeil, 1}},
      {"lgamma", {Op::kLgamma, 1}}, {"ifelse", {Op::kSelect, 3}},
  };
  return table;
}

class Parser {
 public:
  Parser(const std::string& text, const std::string& path)
      : text_(text), path_(path) {}

  ExpressionNode parse() {
    ExpressionNode node = ternary(0);
    skipSpace();
    if (pos_ < text_.size()) fail("unexpected '" + text_.substr(pos_, 1) + "'");
    return node;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::kSchema, path_,
                "cannot read the expression \"" + text_ + "\": " + what +
                    " at character " + std::to_string(pos_ + 1));
  }

  void skipSpace() {
    while (pos_ < text_.size() &&
           std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }

  bool accept(const char* token) {
    skipSpace();
    const std::size_t n = std::char_traits<char>::length(token);
    if (text_.compare(pos_, n, token) != 0) return false;
    pos_ += n;
    return true;
  }

  // Accepts `token` unless it is the start of a longer operator.
  bool acceptExactly(const char* token, const char* notFollowedBy) {
    skipSpace();
    const std::size_t n = std::char_traits<char>::length(token);
    if (text_.compare(pos_, n, token) != 0) return false;
    if (pos_ + n < text_.size() &&
        std::char_traits<char>::find(
            notFollowedBy, std::char_traits<char>::length(notFollowedBy),
            text_[pos_ + n])) {
      return false;
    }
    pos_ += n;
    return true;
  }

  static ExpressionNode make(Kind kind, std::string text,
                             std::vector<ExpressionNode> args) {
    ExpressionNode node;
    node.kind = kind;
    node.text = std::move(text);
    node.args = std::move(args);
    return node;
  }

  void enter(int depth) {
    if (depth > kMaxDepth) fail("nesting deeper than 200 levels");
  }

  ExpressionNode ternary(int depth) {
    enter(depth);
    ExpressionNode c = logicalOr(depth + 1);
    if (!accept("?")) return c;
    ExpressionNode a = ternary(depth + 1);
    if (!accept(":")) fail("expected ':' of a ternary");
    ExpressionNode b = ternary(depth + 1);
    return make(Kind::kTernary, "?",
                {std::move(c), std::move(a), std::move(b)});
  }

  ExpressionNode logicalOr(int depth) {
    ExpressionNode left = logicalAnd(depth);
    while (accept("||")) {
      left = make(Kind::kBinary, "||", {std::move(left), logicalAnd(depth)});
    }
    return left;
  }

  ExpressionNode logicalAnd(int depth) {
    ExpressionNode left = equality(depth);
    while (accept("&&")) {
      left = make(Kind::kBinary, "&&", {std::move(left), equality(depth)});
    }
    return left;
  }

  ExpressionNode equality(int depth) {
    ExpressionNode left = comparison(depth);
    for (;;) {
      std::string op;
      if (accept("===")) {
        op = "===";
      } else if (accept("!==")) {
        op = "!==";
      } else if (accept("==")) {
        op = "==";
      } else if (accept("!=")) {
        op = "!=";
      } else {
        return left;
      }
      left = make(Kind::kBinary, op, {std::move(left), comparison(depth)});
    }
  }

  ExpressionNode comparison(int depth) {
    ExpressionNode left = additive(depth);
    for (;;) {
      std::string op;
      if (accept("<=")) {
        op = "<=";
      } else if (accept(">=")) {
        op = ">=";
      } else if (accept("<")) {
        op = "<";
      } else if (accept(">")) {
        op = ">";
      } else {
        return left;
      }
      left = make(Kind::kBinary, op, {std::move(left), additive(depth)});
    }
  }

  ExpressionNode additive(int depth) {
    ExpressionNode left = multiplicative(depth);
    for (;;) {
      std::string op;
      if (accept("+")) {
        op = "+";
      } else if (accept("-")) {
        op = "-";
      } else {
        return left;
      }
      left = make(Kind::kBinary, op, {std::move(left), multiplicative(depth)});
    }
  }

  ExpressionNode multiplicative(int depth) {
    ExpressionNode left = unary(depth + 1);
    for (;;) {
      std::string op;
      if (acceptExactly("*", "*")) {
        op = "*";
      } else if (accept("/")) {
        op = "/";
      } else {
        return left;
      }
      left = make(Kind::kBinary, op, {std::move(left), unary(depth + 1)});
    }
  }

  // Unary minus binds looser than power: -x^2 is -(x^2).
  ExpressionNode unary(int depth) {
    enter(depth);
    if (accept("-")) return make(Kind::kUnary, "-", {unary(depth + 1)});
    if (accept("+")) return unary(depth + 1);
    if (acceptExactly("!", "=")) {
      return make(Kind::kUnary, "!", {unary(depth + 1)});
    }
    return power(depth + 1);
  }

  ExpressionNode power(int depth) {
    enter(depth);
    ExpressionNode base = primary(depth + 1);
    if (accept("^") || accept("**")) {
      return make(Kind::kBinary, "^", {std::move(base), unary(depth + 1)});
    }
    return base;
  }

  ExpressionNode primary(int depth) {
    skipSpace();
    if (pos_ >= text_.size()) fail("the expression ends too early");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      ExpressionNode inner = ternary(depth + 1);
      if (!accept(")")) fail("expected ')'");
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      return number();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      return nameOrCall(depth);
    }
    fail("unexpected '" + std::string(1, c) + "'");
  }

  ExpressionNode number() {
    // Digits, a fraction and an exponent: "0.2e-6" is one number, never a
    // product with a name e.
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) ||
            text_[pos_] == '.')) {
      ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t p = pos_ + 1;
      if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
      if (p < text_.size() &&
          std::isdigit(static_cast<unsigned char>(text_[p]))) {
        pos_ = p;
        while (pos_ < text_.size() &&
               std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
          ++pos_;
        }
      }
    }
    const std::string token = text_.substr(start, pos_ - start);
    char* end = nullptr;
    const double value = std::strtod(token.c_str(), &end);
    if (end != token.c_str() + token.size())
      fail("malformed number '" + token + "'");
    ExpressionNode node;
    node.kind = Kind::kNumber;
    node.number = value;
    return node;
  }

  ExpressionNode nameOrCall(int depth) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
            text_[pos_] == '_' ||
            (text_[pos_] == ':' && pos_ + 1 < text_.size() &&
             text_[pos_ + 1] == ':'))) {
      pos_ += text_[pos_] == ':' ? 2 : 1;
    }
    std::string name = text_.substr(start, pos_ - start);
    const bool isCall = pos_ < text_.size() && text_[pos_] == '(';
    if (!isCall) {
      if (name == "PI") return constant(kernels::kPi);
      if (name == "EULER") return constant(2.71828182845904523536);
      if (name == "TRUE") return constant(1.0);
      if (name == "FALSE") return constant(0.0);
      if (name.find("::") != std::string::npos) {
        fail("'" + name + "' is not a name an expression may use");
      }
      return make(Kind::kName, name, {});
    }
    // ROOT writes TMath::Exp and friends; the lower-case name is the same
    // function.
    std::string key = name;
    std::string lower;
    for (char ch : key) {
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    if (lower.rfind("tmath::", 0) == 0) {
      key = lower.substr(7);
    } else if (lower.rfind("std::", 0) == 0) {
      key = lower.substr(5);
    }
    if (key == "power") key = "pow";
    const auto& table = functionTable();
    auto it = table.find(key);
    if (it == table.end()) {
      std::string known;
      for (const auto& entry : table)
        known += (known.empty() ? "" : ", ") + entry.first;
      fail("unknown function '" + name + "' (an expression may call " + known +
           ")");
    }
    ++pos_;
    std::vector<ExpressionNode> args;
    if (!accept(")")) {
      do {
        args.push_back(ternary(depth + 1));
      } while (accept(","));
      if (!accept(")")) fail("expected ')' after the arguments of " + key);
    }
    if (args.size() != it->second.args) {
      fail(key + " takes " + std::to_string(it->second.args) +
           " argument(s), not " + std::to_string(args.size()));
    }
    return make(Kind::kCall, key, std::move(args));
  }

  static ExpressionNode constant(double value) {
    ExpressionNode node;
    node.kind = Kind::kNumber;
    node.number = value;
    return node;
  }

  const std::string& text_;
  const std::string& path_;
  std::size_t pos_ = 0;
};

void collect(const ExpressionNode& node, std::vector<std::string>& out) {
  if (node.kind == Kind::kName &&
      std::find(out.begin(), out.end(), node.text) == out.end()) {
    out.push_back(node.text);
  }
  for (const ExpressionNode& arg : node.args) collect(arg, out);
}

Op binaryOp(const std::string& text) {
  static const std::map<std::string, Op> ops = {
      {"+", Op::kAdd},
      {"-", Op::kSub},
      {"*", Op::kMul},
      {"/", Op::kDiv},
      {"^", Op::kPow},
      {"<", Op::kLess},
      {"<=", Op::kLessEqual},
      {">", Op::kGreater},
      {">=", Op::kGreaterEqual},
      {"==", Op::kEqual},
      {"!=", Op::kNotEqual},
      {"===", Op::kIdentical},
      {"!==", Op::kNotIdentical},
      {"&&", Op::kAnd},
      {"||", Op::kOr},
  };
  return ops.at(text);
}

NodeId emit(const ExpressionNode& node, graph::Program& program,
            const std::function<NodeId(const std::string&)>& resolve) {
  std::vector<NodeId> args;
  for (const ExpressionNode& arg : node.args) {
    args.push_back(emit(arg, program, resolve));
  }
  switch (node.kind) {
    case Kind::kNumber:
      return program.constant(node.number);
    case Kind::kName:
      return resolve(node.text);
    case Kind::kUnary:
      return program.apply(node.text == "-" ? Op::kNeg : Op::kNot, args);
    case Kind::kBinary:
      return program.apply(binaryOp(node.text), args);
    case Kind::kTernary:
      return program.apply(Op::kSelect, args);
    case Kind::kCall:
      return program.apply(functionTable().at(node.text).op, args);
  }
  return graph::kNoNode;
}

}  // namespace

std::vector<std::string> Expression::names() const {
  std::vector<std::string> out;
  collect(root_, out);
  return out;
}

Expression parseExpression(const std::string& text, const std::string& path) {
  Expression expression;
  expression.text_ = text;
  expression.root_ = Parser(expression.text_, path).parse();
  return expression;
}

const std::vector<std::string>& expressionFunctions() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : functionTable()) out.push_back(entry.first);
    return out;
  }();
  return names;
}

graph::NodeId emitExpression(
    const Expression& expression, graph::Program& program,
    const std::function<graph::NodeId(const std::string&)>& resolve) {
  return emit(expression.root(), program, resolve);
}

}  // namespace hs3::funcs
