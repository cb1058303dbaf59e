// What a resource is missing, said once per resource however many of its elements were bad.

/**
 * Why a resource's content is incomplete (its `properties` missing, an element of a list it needs dropped),
 * kept short however many elements were bad. Rules answer `unverified` for what depends on it.
 */
export class ContentGaps {
  readonly #reasons: string[] = [];
  #count = 0;

  /** A function is called only while the reason is still kept. */
  add(reason: string | (() => string)): void {
    this.#count++;
    if (this.#reasons.length < 3) this.#reasons.push(typeof reason === "string" ? reason : reason());
  }

  /** Spread into a model: `contentGaps` only when something was missing. */
  get field(): { readonly contentGaps?: readonly string[] } {
    if (this.#count === 0) return {};
    const more = this.#count - this.#reasons.length;
    return { contentGaps: more > 0 ? [...this.#reasons, `and ${more} more`] : [...this.#reasons] };
  }
}

/** What a dropped list element costs: where it is counted, and how loud the diagnostic is. */
export interface DroppedElements {
  readonly gaps: ContentGaps;
  /** `error` with code `dropped-rule` for rules (the run is then incomplete), else `warning` `dropped-element`. */
  readonly rule?: boolean;
}
