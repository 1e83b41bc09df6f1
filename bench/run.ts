// `npm run bench [-- NAME[=N] ...]`: runs the benchmarks and prints one JSON object per run.
// Speed goals live here, not in timed tests. Wall time excludes building the scenario (reported
// separately as setupSeconds); peak RSS is the process's, so run one heavy scenario per process
// when comparing memory (`npm run bench -- star=10000`).
import { SECOND, type Sim } from "../netsim/engine/sim.ts";
import { buildStar } from "./star.ts";
import { buildStarPing } from "./star-ping.ts";
import { checkCorpusHosts, parseCorpus } from "./corpus.ts";
import { buildDhcp } from "./dhcp.ts";
import { benchWebGraph } from "./web-graph.ts";

interface BenchResult {
  readonly [field: string]: number | string;
}

type Bench = (n: number) => BenchResult | Promise<BenchResult>;

const BENCHES: Record<string, { readonly defaultN: number; readonly run: Bench }> = {
  star: { defaultN: 1000, run: (n) => runStar("star", n, buildStar) },
  "star-ping": { defaultN: 1000, run: (n) => runStar("star-ping", n, buildStarPing) },
  dhcp: { defaultN: 1000, run: runDhcp },
  corpus: { defaultN: 100, run: runCorpus },
  "host-check": { defaultN: 100, run: runHostCheck },
  "web-graph": { defaultN: 1000, run: benchWebGraph },
};

function runHostCheck(rounds: number): BenchResult {
  const { hosts, wallSeconds } = checkCorpusHosts(rounds);
  return { scenario: `host-check-x${rounds}`, rounds, hosts, wallSeconds: round(wallSeconds), hostsPerWallSecond: Math.round(hosts / wallSeconds) };
}

/** Runs dhcp-N one simulated second at a time until every client is bound (or 10 virtual minutes). */
function runDhcp(n: number): BenchResult {
  return runSimulation(`dhcp-${n}`, n, () => buildDhcp(n), (built) => {
    while (!built.allBound() && built.sim.now < 600 * SECOND) built.sim.runFor(SECOND);
    return { allBound: String(built.allBound()) };
  });
}

function runCorpus(rounds: number): BenchResult {
  const { files, bytes, wallSeconds } = parseCorpus(rounds);
  return {
    scenario: `corpus-parse-x${rounds}`,
    rounds,
    files,
    megabytes: round(bytes / 1e6),
    wallSeconds: round(wallSeconds),
    filesPerWallSecond: Math.round(files / wallSeconds),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** A built scenario: the simulator and a count of every device transmit so far. */
interface Built {
  readonly sim: Sim;
  readonly framesTransmitted: () => number;
}

/** Builds a star scenario, then runs 12 simulated seconds of it. */
function runStar(name: string, n: number, build: (n: number) => Built): BenchResult {
  return runSimulation(`${name}-${n}`, n, () => build(n), (built) => (built.sim.runUntil(12 * SECOND), {}));
}

/** Times `build` as set-up and `run` as the measured run; reports the simulation's counts and rates. */
function runSimulation<B extends Built>(scenario: string, n: number, build: () => B, run: (built: B) => BenchResult): BenchResult {
  const setupStart = performance.now();
  const built = build();
  const setupSeconds = (performance.now() - setupStart) / 1000;
  const start = performance.now();
  const extra = run(built);
  const wallSeconds = (performance.now() - start) / 1000;
  const frames = built.framesTransmitted();
  const { sim } = built;
  return {
    scenario,
    N: n,
    ...extra,
    framesTransmitted: frames,
    events: sim.eventsRun,
    simulatedSeconds: sim.now / SECOND,
    setupSeconds: round(setupSeconds),
    wallSeconds: round(wallSeconds),
    framesPerWallSecond: Math.round(frames / wallSeconds),
    eventsPerWallSecond: Math.round(sim.eventsRun / wallSeconds),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

async function main(args: string[]): Promise<void> {
  const requests = args.length > 0 ? args : Object.keys(BENCHES);
  for (const request of requests) {
    const [name = "", nText] = request.split("=");
    const bench = BENCHES[name];
    if (!bench) {
      console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(", ")}`);
      process.exitCode = 2;
      return;
    }
    console.log(JSON.stringify(await bench.run(nText ? Number(nText) : bench.defaultN)));
  }
}

await main(process.argv.slice(2));
