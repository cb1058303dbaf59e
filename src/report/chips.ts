// Colours of status and severity chips, as inline styles: Outlook and webmail drop or ignore <style> blocks.

export const chipColours: Readonly<Record<string, readonly [background: string, text: string]>> = {
  critical: ["#fde2e1", "#9b1c1c"],
  high: ["#fde9d7", "#9a3412"],
  medium: ["#fdf2c8", "#854d0e"],
  low: ["#dde9fd", "#1e40af"],
  info: ["#e8eaee", "#374151"],
  none: ["#dcf5e4", "#166534"],
  fail: ["#fde2e1", "#9b1c1c"],
  error: ["#efe3fd", "#6b21a8"],
  unverified: ["#fdf2c8", "#854d0e"],
  pass: ["#dcf5e4", "#166534"],
  not_applicable: ["#eef0f3", "#4b5563"],
  suppressed: ["#e8eaee", "#374151"],
  new: ["#dde9fd", "#1e40af"],
  yes: ["#dcf5e4", "#166534"],
  ok: ["#dcf5e4", "#166534"],
  covered: ["#dcf5e4", "#166534"],
  short: ["#fde9d7", "#9a3412"],
  needed: ["#fde9d7", "#9a3412"],
  no: ["#fde9d7", "#9a3412"],
  warning: ["#fdf2c8", "#854d0e"],
  complete: ["#dcf5e4", "#166534"],
  incomplete: ["#fde2e1", "#9b1c1c"],
  masked: ["#eef0f3", "#374151"],
};
const neutralChip = ["#eef0f3", "#374151"] as const;

export function chipStyle(kind: unknown): string {
  const [background, text] = chipColours[String(kind)] ?? neutralChip;
  return `background:${background};color:${text};`;
}

/** Bar colours of the readiness states: green done, blue ready, amber work to do, red blocked. */
const readinessColours: Readonly<Record<string, string>> = {
  integrated: "#16a34a",
  ready: "#2563eb",
  "needs-apiserver-subnet": "#d97706",
  "needs-role-assignments": "#d97706",
  "needs-nsg-changes": "#d97706",
  blocked: "#b91c1c",
  "not-assessed": "#6b7280",
};

export function readinessColour(state: unknown): string {
  return readinessColours[String(state)] ?? "#6b7280";
}
