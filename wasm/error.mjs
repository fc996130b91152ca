// The one error class of hs3web: every failure of the engine, of loading and
// of options reaches JavaScript as an Hs3Error.

export class Hs3Error extends Error {
  constructor(code, path, message) {
    super(path ? `[${code}] at ${path}: ${message}` : `[${code}] ${message}`);
    this.name = 'Hs3Error';
    // The engine's code: "schema_error", "unknown_name", "aborted", ...
    this.code = code;
    // The JSON path of the offending value, '' when there is none.
    this.path = path;
    // The sentence alone, as hs3::Error::message().
    this.detail = message;
  }

  // A plain object that survives postMessage, and its inverse.
  toJSON() {
    return { code: this.code, path: this.path, message: this.detail };
  }

  static from({ code, path, message }) {
    return new Hs3Error(code, path, message);
  }
}
