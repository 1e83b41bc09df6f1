// One positive and one negative test per code of the static diagnostics catalogue: the host with
// the mistake reports the code at the expected file:line:column with the expected severity (and,
// where it matters, says the right thing, such as the bridge vif-bridge would pick); the host with
// the mistake fixed does not report it. A last test makes sure no catalogue code goes untested.

import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../../topology/index.ts";
import { findings, where, type Case } from "./case-kit.ts";
import { NETWORK_CASES, SQUEEZE_CASES } from "./cases-network.ts";
import { GUEST_CASES, XEND_CASES } from "./cases-xen.ts";
import { SERVICES_CASES } from "../services/check-cases.ts";

const CASES: readonly Case[] = [...SQUEEZE_CASES, ...NETWORK_CASES, ...XEND_CASES, ...GUEST_CASES, ...SERVICES_CASES];

describe("static checks", () => {
  it.each(CASES.map((c) => [c.code, c.title, c] as const))("%s: %s", (code, _title, c) => {
    const found = findings(c.files, c.nics).checks.filter((d) => d.code === code);
    expect(found.map(where)).toEqual(c.at);
    expect(found[0]?.severity).toBe(c.severity);
    for (const d of found) {
      expect(d.message).not.toMatch(/\n/);
      expect(d.hint ?? "").not.toBe("");
    }
    if (c.says) expect(found[0]?.message).toMatch(c.says);
    const fixed = findings(c.fixed, c.fixedNics ?? c.nics).checks.filter((d) => d.code === code);
    expect(fixed.map(where)).toEqual([]);
  });

  it("has a positive and a negative case for every code of the catalogue", () => {
    const tested = new Set(CASES.map((c) => c.code));
    const untested = Object.keys(CATALOGUE).filter((code) => !tested.has(code));
    expect(untested).toEqual([]);
    expect([...tested].filter((code) => CATALOGUE[code] === undefined)).toEqual([]);
  });
});
