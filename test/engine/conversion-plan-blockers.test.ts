// Blocked conversion plans on a real payload: the commands that clear the blockers run first, in the order Azure needs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { readSnapshot } from "../../src/collect/snapshot.ts";
import type { ConversionPlan } from "../../src/findings/conversion-plan.ts";
import { scanRows } from "../reliability/in-process.ts";

/** The REST spec's dual-stack create example: kubenet, Kubernetes 1.22.1, IPv4 + IPv6, AKS-managed VNet. */
const dualStackExample = fileURLToPath(
  new URL("../fixtures/spec/aks-ManagedClustersCreate_DualStackNetworking.json", import.meta.url),
);

async function planOf(file: string): Promise<ConversionPlan> {
  const collected = await readSnapshot([file]);
  const { run } = scanRows(collected.rows);
  const notIntegrated = run.results.find(
    (result) => result.ruleId === "cluster-not-vnet-integrated" && result.status === "fail",
  );
  assert.ok(notIntegrated, "the example cluster is not integrated");
  const plan = (notIntegrated.evidence as { conversionPlan?: ConversionPlan }).conversionPlan;
  assert.ok(plan, "the failing result carries a conversion plan");
  return plan;
}

describe("blocked conversion plan of ManagedClustersCreate_DualStackNetworking (real REST spec example)", () => {
  it("is blocked by dual-stack requirements: the version and the plugin are both unmet", async () => {
    const plan = await planOf(dualStackExample);
    assert.deepEqual(
      plan.blockers.map((blocker) => blocker.code),
      ["dual-stack-requirements"],
    );
    assert.match(
      plan.blockers[0]?.reason ?? "",
      /networkPlugin azure.*networkPluginMode overlay.*Kubernetes 1\.26\.3/,
    );
  });

  it("upgrades Kubernetes, then migrates kubenet to Azure CNI Overlay, then integrates, then restarts", async () => {
    const plan = await planOf(dualStackExample);
    const steps = plan.commands.map((command) => {
      const words = command.split(" ");
      return (
        words.slice(0, 3).join(" ") + (command.includes("--network-plugin azure") ? " (to overlay)" : "")
      );
    });
    const order = [
      "az aks get-upgrades",
      "az aks upgrade",
      "az aks update (to overlay)",
      "az aks update",
      "az aks stop",
      "az aks start",
    ];
    assert.deepEqual(steps, order);
    assert.match(
      plan.commands[1] ?? "",
      /--kubernetes-version "\$\{KUBERNETES_VERSION:\?pick 1\.26\.3 or later/,
    );
    assert.match(plan.commands[2] ?? "", /--network-plugin azure --network-plugin-mode overlay/);
    assert.match(plan.commands[3] ?? "", /--enable-apiserver-vnet-integration/);
    for (const command of plan.commands)
      assert.match(
        command,
        /--resource-group rg1 --name clustername1 .*--subscription 00000000-0000-0000-0000-000000000000/,
      );
  });

  it("says which commands clear the blockers and names the docs of their prerequisites", async () => {
    const plan = await planOf(dualStackExample);
    assert.ok(plan.warnings.some((warning) => warning.includes("first 3 command(s) clear the blockers")));
    assert.ok(
      plan.notes.some((note) => note.includes("https://learn.microsoft.com/azure/aks/upgrade-aks-cluster")),
    );
    assert.ok(
      plan.notes.some(
        (note) =>
          note.startsWith("Migrate kubenet to Azure CNI Overlay") &&
          note.includes("https://learn.microsoft.com/azure/aks/upgrade-aks-ipam-and-dataplane"),
      ),
    );
  });
});
