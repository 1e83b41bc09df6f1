// Loading the real half (fidelity/realize) when a run needs it, so that the simulated half, its
// tests and `--help` work on a machine where realisations cannot run, and the reason they cannot is
// reported in one place.
import type { Realizer } from "./diff-script.ts";

// A computed specifier: the realize half is built alongside this one, and a checkout without it
// must still type-check and run the simulated half.
const REALIZE_MODULE = new URL("../realize/index.ts", import.meta.url).href;

/** The real side, or why there is none here. */
export type RealSide = { readonly ok: true; readonly realize: Realizer } | { readonly ok: false; readonly why: string };

/** fidelity/realize's realizeScript when this machine can run it, else why not (not root, no netns, a tool missing). */
export async function loadRealizer(): Promise<RealSide> {
  let mod: { realizeScript: Realizer; realizeUnavailable: () => string | undefined };
  try {
    mod = (await import(REALIZE_MODULE)) as typeof mod;
  } catch (error) {
    return { ok: false, why: `fidelity/realize cannot be loaded: ${(error as Error).message.split("\n")[0]}` };
  }
  const why = mod.realizeUnavailable();
  return why === undefined ? { ok: true, realize: mod.realizeScript } : { ok: false, why };
}
