// The engine's one logger.
//
// Messages have a level and a topic ("io", "fit"); they go to a sink that a
// frontend may replace: stderr for the native CLI, a JavaScript callback in the
// browser. The threshold filters before any formatting is paid for. Warnings
// are worded as advice to the user ("fix lumi in the measurement ...").
//
//   hs3::log::setLevel(hs3::log::Level::kDebug);
//   hs3::log::setSink([](hs3::log::Level, const std::string& topic,
//                        const std::string& text) { ... });
//   HS3_LOG(kWarning, "io") << "staterror " << name << " is frozen";
#pragma once

#include <functional>
#include <sstream>
#include <string>

namespace hs3::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kOff = 4 };

using Sink = std::function<void(Level, const std::string& topic,
                                const std::string& text)>;

void setLevel(Level level);
Level level();
bool isEnabled(Level level);
// Replaces the sink; an empty function restores the stderr sink.
void setSink(Sink sink);
void write(Level level, const std::string& topic, const std::string& text);
const char* levelName(Level level);

// Collects one message and hands it to the sink when it goes out of scope.
class Line {
 public:
  Line(Level level, const char* topic) : level_(level), topic_(topic) {}
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  ~Line() { write(level_, topic_, stream_.str()); }

  template <typename T>
  Line& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  Level level_;
  const char* topic_;
  std::ostringstream stream_;
};

}  // namespace hs3::log

#define HS3_LOG(level, topic)                             \
  if (!::hs3::log::isEnabled(::hs3::log::Level::level)) { \
  } else                                                  \
    ::hs3::log::Line(::hs3::log::Level::level, topic)
