// The scenario tests' golden files: lines of text in test/golden/scenarios/<name> (see test/golden.ts).
import { expectGolden as expectSharedGolden } from "../golden.ts";

/** Compares `lines` with test/golden/scenarios/<name>; UPDATE_GOLDEN=1 rewrites it. */
export function expectGolden(name: string, lines: readonly string[]): void {
  expectSharedGolden(`scenarios/${name}`, lines.map((l) => `${l}\n`).join(""));
}
