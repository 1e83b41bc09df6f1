// `xennet diff`'s unusable inputs (exit 2 through UsageError): a script it cannot read, a bad
// --timeout; and its help. Real runs are test/fidelity/fidelity.test.ts's.
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../cli/host.ts";
import { xennet } from "../../cli/run-cli.ts";

describe("xennet diff", () => {
  it("rejects a script it cannot read", async () => {
    await expect(xennet(["--root", "examples/handbook", "diff", "/nonexistent/script.sh"])).rejects.toThrow(UsageError);
    await expect(xennet(["--root", "examples/handbook", "diff", "/nonexistent/script.sh"])).rejects.toThrow(/cannot read script/);
  });

  it("rejects a timeout that is not a positive number", async () => {
    await expect(xennet(["diff", "--timeout", "soon", "fidelity/scenarios/dhcp.sh"])).rejects.toThrow(/--timeout must be a positive number/);
  });
});
