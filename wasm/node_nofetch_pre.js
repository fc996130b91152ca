// Emscripten 3.1.6's loader fetches the .wasm with the global fetch() whenever
// one exists. Node >= 18 has fetch() but cannot fetch a file path, so the
// module would fail to start in Node; hiding fetch there makes the loader read
// the file instead. Browsers and workers keep the real fetch().
var fetch = (typeof process == 'object' &&
             typeof process.versions == 'object' &&
             typeof process.versions.node == 'string') ? undefined
                                                       : globalThis.fetch;
