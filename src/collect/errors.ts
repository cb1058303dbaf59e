// Errors of the collect stage that stop a command before any request: bad options, unknown query names.
// They are usage errors (exit 2); failures during collection are coverage gaps, not errors.
import { UsageError } from "../errors/errors.ts";

export class CollectOptionError extends UsageError {
  override readonly name = "CollectOptionError";
}
