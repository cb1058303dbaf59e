// Resource data may carry ANSI escapes and control characters; nothing we print or write may pass them on.

const ansiEscape = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;
const controlsExceptLineBreaks = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** ANSI sequences removed, other control characters (line breaks aside) replaced by a space. */
export function withoutControlCharacters(text: string): string {
  return text.replace(ansiEscape, "").replace(controlsExceptLineBreaks, " ");
}
