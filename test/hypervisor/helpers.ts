// A simulated handbook host for the hypervisor tests, and a shell-like session over it that records
// a transcript the way a terminal shows one (`# command`, then what it printed), plus the golden-file
// check used by the transcript tests (test/golden/hypervisor/<name>; UPDATE_GOLDEN=1 rewrites).
import { resolve } from "node:path";
import { expectGolden as expectSharedGolden } from "../golden.ts";
import { Sim } from "../../netsim/engine/index.ts";
import { nodeFsReader } from "../../topology/interfaces/reader.ts";
import { createHost, runXm, xenCreateImage, xendomainsStart, xendomainsStop, type HostOptions, type XenHost, type XmOutput } from "../../hypervisor/index.ts";

export const FIXTURE_ROOT = resolve(import.meta.dirname, "../../examples/handbook");

/** The handbook host over the fixture root. */
export function handbookHost(seed = 1, options: Partial<HostOptions> = {}): XenHost {
  return createHost({ sim: new Sim(seed), root: nodeFsReader({ root: FIXTURE_ROOT }), ...options });
}

/** Splits a command line on blanks, honouring single and double quotes. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

/** A root shell on dom0 that understands xm, xen-create-image, xendomains and sleep. */
export class Session {
  transcript = "";
  last: { status: number; stdout: string; stderr: string } = { status: 0, stdout: "", stderr: "" };

  constructor(readonly host: XenHost) {}

  /** Runs one command line and returns its combined output. */
  run(line: string): string {
    const [cmd, ...args] = words(line);
    let text = "";
    if (cmd === "xm") {
      const out: XmOutput = runXm(this.host.toolstack, args);
      out.session?.detach();
      this.last = { status: out.status, stdout: out.stdout, stderr: out.stderr };
      text = out.combined;
    } else if (cmd === "xen-create-image") {
      const out = xenCreateImage(this.host, args);
      this.last = out;
      text = out.stdout + out.stderr;
    } else if (cmd === "sleep") {
      this.host.sim.runFor(Number(args[0]) * 1_000_000);
    } else if (cmd === "/etc/init.d/xendomains") {
      text = args[0] === "stop" ? xendomainsStop(this.host.toolstack) : xendomainsStart(this.host.toolstack);
    } else {
      throw new Error(`Session: unknown command ${cmd}`);
    }
    this.transcript += `# ${line}\n${text}`;
    return text;
  }

  /** Runs several command lines; returns the transcript of just these. */
  script(lines: readonly string[]): string {
    const start = this.transcript.length;
    for (const line of lines) this.run(line);
    return this.transcript.slice(start);
  }
}

/** Compares `text` with test/golden/hypervisor/<name>; UPDATE_GOLDEN=1 rewrites it. */
export function expectGolden(name: string, text: string): void {
  expectSharedGolden(`hypervisor/${name}`, text);
}
