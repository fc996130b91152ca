#include "hs3/log.hpp"

#include <atomic>
#include <iostream>
#include <mutex>

namespace hs3::log {

namespace {

std::atomic<int> gLevel{static_cast<int>(Level::kWarning)};

std::mutex& sinkMutex() {
  static std::mutex mutex;
  return mutex;
}

Sink& currentSink() {
  static Sink sink;
  return sink;
}

}  // namespace

void setLevel(Level newLevel) { gLevel = static_cast<int>(newLevel); }

Level level() { return static_cast<Level>(gLevel.load()); }

bool isEnabled(Level messageLevel) {
  return messageLevel != Level::kOff &&
         static_cast<int>(messageLevel) >= gLevel.load();
}

void setSink(Sink sink) {
  std::lock_guard<std::mutex> lock(sinkMutex());
  currentSink() = std::move(sink);
}

const char* levelName(Level messageLevel) {
  switch (messageLevel) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
    case Level::kOff:
      return "off";
  }
  return "unknown";
}

void write(Level messageLevel, const std::string& topic,
           const std::string& text) {
  if (!isEnabled(messageLevel)) return;
  std::lock_guard<std::mutex> lock(sinkMutex());
  if (currentSink()) {
    currentSink()(messageLevel, topic, text);
    return;
  }
  std::cerr << "hs3 " << levelName(messageLevel) << " [" << topic << "] "
            << text << "\n";
}

}  // namespace hs3::log
