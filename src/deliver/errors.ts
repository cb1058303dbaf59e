// The error of the deliver stage: the reports are on disk, only sending them failed, so the run counts as incomplete.
import { exitCodes, UserError, type ExitCode } from "../errors/errors.ts";

/** Sending the report failed (connection, TLS, authentication, a refused recipient). Exit 3, not 2. */
export class DeliveryError extends UserError {
  override readonly name: string = "DeliveryError";
  override readonly exitCode: ExitCode = exitCodes.incomplete;
}
