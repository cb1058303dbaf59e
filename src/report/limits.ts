// How much of a large fleet the HTML report and the email list; every file but those two keeps everything.

/** `--html-max-rows`: results shown per rule, plans per conversion wave, rows per other list. */
export const defaultHtmlMaxRows = 50;

/** Long evidence values are cut here; `findings.json` keeps them whole. */
export const evidenceValueMaxLength = 4000;

/** A report lists this many diagnostics and counts the rest, so one broken export cannot bloat it. */
export const diagnosticsShown = 100;

/** Posture tables list this many rows (a fleet may have thousands of subscriptions); clusters.csv has them all. */
export const postureRowsShown = 200;

/** Trend charts show this many of the latest runs. */
export const trendRunsShown = 60;
