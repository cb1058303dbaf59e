// `rules`: prints the catalog so people (and docs/rules.md) see exactly what is checked.
import { catalogJson, catalogMarkdown } from "../rules/catalog.ts";
import { rules } from "../rules/index.ts";
import { UsageError } from "../errors/errors.ts";

export function rulesCommand(format: string): string {
  const metas = rules.map((rule) => rule.meta);
  if (format === "md" || format === "markdown") return catalogMarkdown(metas);
  if (format === "json") return catalogJson(metas);
  throw new UsageError(`rules --format ${format}: unknown format; use md or json.`);
}
