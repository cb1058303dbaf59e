// What a delivery channel reports back to the pipeline: the CLI prints it, and a failed one makes the run exit 3.

export interface DeliveryOutcome {
  /** `email`, and whatever channel comes next (webhooks, Log Analytics). */
  readonly channel: string;
  readonly delivered: boolean;
  /** One line for the user: what was sent where, or what failed and that the reports are still on disk. */
  readonly message: string;
}
