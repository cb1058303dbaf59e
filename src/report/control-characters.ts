// Resource data and a file's own bytes may carry control characters (ESC, BEL, NUL…); nothing we print or write
// passes them on raw. This is the one sanitizer of every output: terminal, error messages, HTML, CSV, Markdown,
// email, webhook payloads.

/** C0 controls, DEL and C1 controls. */
const everyControl = /[\u0000-\u001f\u007f-\u009f]/g;
/** The same without tab, line feed and the carriage return of a CRLF, for formats that allow line breaks. */
const controlsButTabAndNewline = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/**
 * Any character either pattern could replace. Almost every string is clean, and one test of it costs far less
 * than a replace that finds nothing (about two million strings in a 10,000-cluster report view).
 */
const anyControl = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * Any character `controlsButTabAndNewline` could replace (a carriage return included, whatever follows it): the
 * many cells and texts that hold line breaks only (plans' commands, messages) are then never searched again.
 */
const anyControlButTabAndNewline = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export interface VisibleControlOptions {
  /** Keep tab, line feed and CRLF: for HTML text, quoted CSV cells and Markdown code, where they are data. */
  readonly keepTabAndNewline?: boolean;
}

function visible(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Every C0/C1 control character written visibly as its JSON escape (`ESC` → `\u001b`), so an ANSI sequence
 * can neither clear a screen nor set a window title, and a reader still sees that the data held one.
 */
export function showControlCharacters(text: string, options: VisibleControlOptions = {}): string {
  if (options.keepTabAndNewline) {
    return anyControlButTabAndNewline.test(text) ? text.replace(controlsButTabAndNewline, visible) : text;
  }
  return anyControl.test(text) ? text.replace(everyControl, visible) : text;
}

/**
 * `showControlCharacters` (tab and newline kept) on every string inside `value`: arrays and plain objects are
 * copied only where a string changed, so a clean report view costs one walk and no copy.
 */
export function withVisibleControlCharacters<T>(value: T): T {
  return visibleIn(value) as T;
}

const keepTabAndNewline: VisibleControlOptions = { keepTabAndNewline: true };

function visibleIn(value: unknown): unknown {
  if (typeof value === "string") return showControlCharacters(value, keepTabAndNewline);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const shown = visibleIn(item);
      if (shown !== item) (copy ??= [...(value as unknown[])])[index] = shown;
    }
    return copy ?? value;
  }
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  let copy: Record<string, unknown> | undefined;
  // Keys rather than entries: no [key, value] pair allocated for each of a large run's 300,000 objects.
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const shown = visibleIn(item);
    if (shown !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = shown;
  }
  return copy ?? value;
}
