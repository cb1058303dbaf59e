// The rule catalog as Markdown (docs/rules.md, checked in CI) or JSON, generated from rule metadata only.
import type { RuleMeta } from "./define.ts";

export function catalogJson(metas: readonly RuleMeta[]): string {
  return `${JSON.stringify(metas, null, 2)}\n`;
}

export function catalogMarkdown(metas: readonly RuleMeta[]): string {
  const lines = [
    "# Rule catalog",
    "",
    "<!-- Generated from the rules' metadata by `npm run docs:rules`; a test fails when it is stale. -->",
    "",
    "| id | resource | severity | title |",
    "| --- | --- | --- | --- |",
    ...metas.map(
      (meta) => `| [\`${meta.id}\`](#${meta.id}) | ${meta.resource} | ${meta.severity} | ${meta.title} |`,
    ),
    "",
  ];
  for (const meta of metas) {
    lines.push(
      `## ${meta.id}`,
      "",
      `**${meta.title}** — default severity \`${meta.severity}\`, resource: ${meta.resource}.`,
      "",
      meta.rationale,
      "",
      "**Remediation**",
      "",
      meta.remediation,
      "",
      `Documentation: <${meta.docs}>`,
      "",
    );
  }
  return lines.join("\n");
}
