// fast-check's seed: random on a developer's machine, so every local run explores new cases, and
// fixed under CI (or FC_SEED=N), so a CI run is reproducible and a failure found locally can be
// replayed. A failing property prints its seed and path; replay with FC_SEED=<seed>.
import fc from "fast-check";

const fromEnv = process.env.FC_SEED;
const seed = fromEnv !== undefined ? Number(fromEnv) : process.env.CI ? 20261127 : undefined;
if (seed !== undefined && Number.isFinite(seed)) fc.configureGlobal({ seed });
