// Errors of the collect stage that stop a command before any request: bad options, unknown query names.
// The CLI maps `CollectOptionError` to exit code 2 (usage); failures during collection are coverage gaps, not errors.

export class CollectOptionError extends Error {
  override readonly name = "CollectOptionError";
}
