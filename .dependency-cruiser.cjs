// Layers import downward only, and nothing imports in a circle (docs/architecture.md, "Layers").
//   (cli, the library entry src/index.ts) → engine → (rules, history, report, deliver) → (collect, inventory, enrich, config, findings) → (net, errors)
// A module may import its own layer or any layer below it; `test/architecture/layers.test.ts` runs this in `npm test`.
const layers = [
  ["cli"],
  ["engine"],
  ["rules", "history", "report", "deliver"],
  ["collect", "inventory", "enrich", "config", "findings"],
  ["net", "errors"],
];

const folders = (names) => `^src/(${names.join("|")})/`;

/** One rule per layer: its modules may not import any layer above it. */
const upward = layers.slice(1).map((layer, index) => ({
  name: `no-upward-from-${layer.join("-")}`,
  comment: `${layer.join(", ")} may not import ${layers
    .slice(0, index + 1)
    .flat()
    .join(", ")}: layers import downward only.`,
  severity: "error",
  from: { path: folders(layer) },
  to: { path: folders(layers.slice(0, index + 1).flat()) },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Modules that import each other in a circle cannot be read, tested or split one at a time.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: "no-import-of-the-library-entry",
      comment:
        "src/index.ts is what other tools import; inside src/, import the module that holds the thing.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/index[.]ts$" },
    },
    {
      name: "no-module-outside-a-layer",
      comment:
        "Every source folder belongs to a layer; add a new folder to the layers above and to docs/architecture.md.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/", pathNot: [folders(layers.flat()), "^src/index[.]ts$"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    // Type-only imports count: a type from a higher layer ties the lower one to it all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
