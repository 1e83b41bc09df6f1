// Our ifquery against Debian's ifquery 0.8.41 on the whole corpus: every file in
// ../shared/corpus/interfaces is run exactly as shared/corpus/regen-expected.sh ran the real tool
// (same arguments, the file alone under its basename in an empty working directory, `state/`
// beside it, an empty /etc/network), and the JSON built from our output must equal
// interfaces-expected/NAME.json. Plus direct checks of the command-line behaviour.
// Where ifquery 0.8.41 is arguably wrong we still match it: a non-IPv4 `address` becomes the
// whole `netmask` (016, 034: `netmask x.x.x.x/24 # PVE's actual IP ...`), `netmask 24` leaves
// `broadcast +` (017, 076), and a repeated `bridge_ports` is joined with a newline (063); see
// topology/interfaces/variables.ts.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { memoryReader } from "../../topology/interfaces/index.ts";
import { runIfquery } from "../../topology/ifquery.ts";
import { outputLines, regenerate } from "./interfaces/regen-harness.ts";

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, "../../../shared/corpus");
const inputs = join(corpus, "interfaces");
const expected = join(corpus, "interfaces-expected");
const present = existsSync(inputs) && existsSync(expected);

/** The harness's working directory, with the corpus file alone in it (plus what ifquery creates). */
function harnessRun(base: string, text: string) {
  const cwd = "/tmp/regen";
  const reader = memoryReader({ files: { [`${cwd}/${base}`]: text }, dirs: [`${cwd}/state`, "/etc/network"], cwd });
  return (args: readonly string[]) => {
    const r = runIfquery(args, reader);
    return { rc: r.exitCode, lines: outputLines(r.output) };
  };
}

describe.skipIf(!present)("ifquery agrees with Debian's ifquery 0.8.41 on the corpus", () => {
  const files = present ? readdirSync(inputs).sort() : [];
  let agreed = 0;

  it("has the 82 corpus files", () => {
    expect(files.length).toBe(82);
  });

  it.each(files)("%s", (base) => {
    const text = readFileSync(join(inputs, base)).toString("utf8");
    const want = JSON.parse(readFileSync(join(expected, `${base}.json`), "utf8")) as { tool: string };
    const got = regenerate(base, text, want.tool, harnessRun(base, text));
    // Compared as JSON text so that key order (the order ifquery printed options) counts too.
    expect(JSON.stringify(got, null, 2)).toBe(JSON.stringify(want, null, 2));
    agreed++;
  });

  it("reports the agreement count", () => {
    console.log(`ifquery corpus agreement: ${agreed}/${files.length} files`);
    expect(agreed).toBe(files.length);
  });
});

if (!present) {
  console.log(`ifquery corpus test skipped: ${inputs} or ${expected} is absent (the corpus lives beside the checkout in shared/)`);
}

/** Runs our ifquery in a directory holding `tm` (and `state/`), like the checks done by hand against ifquery 0.8.41. */
function iq(text: string, ...args: string[]) {
  const reader = memoryReader({ files: { "/w/tm": text }, dirs: ["/w/state"], cwd: "/w" });
  const r = runIfquery(["-i", "tm", "--state-dir", "state", "--no-mappings", ...args], reader);
  return { out: r.stdout, err: r.stderr, all: r.output, rc: r.exitCode };
}

// Each expectation below is what the real ifquery 0.8.41 printed for the same file and arguments.
describe("ifquery behaviour", () => {
  const t1 = "auto lo eth0\niface lo inet loopback\niface eth0 inet static\n  address 10.0.0.2/24\n  post-up echo a\n  up echo b\n";

  it("lists auto interfaces, lo first even when the file never names it", () => {
    expect(iq(t1, "--list")).toEqual({ out: "lo\neth0\n", err: "", all: "lo\neth0\n", rc: 0 });
    expect(iq("auto eth0\niface eth0 inet dhcp\n", "--list").out).toBe("lo\neth0\n");
    expect(iq("iface eth0 inet dhcp\n", "--list", "--no-loopback").out).toBe("");
  });

  it("reports auto names without a stanza and exits 1", () => {
    expect(iq("iface eth0 inet loopback\n", "--list")).toMatchObject({ out: "", err: "ifquery: unknown interface lo\n", rc: 1 });
    expect(iq("auto a\nauto b=c\niface c inet dhcp\n", "-v", "--list")).toMatchObject({ out: "lo\nb\n", err: "ifquery: unknown interface a\n", rc: 1 });
  });

  it("lists an allow- class, matching entries by physical name", () => {
    const f = "allow-hotplug a b a\nallow-auto c\nauto b\niface a inet manual\niface b inet manual\niface c inet manual\n";
    expect(iq(f, "--list").out).toBe("lo\nc\nb\n");
    expect(iq(f, "--list", "--allow", "hotplug").out).toBe("a\nb\n");
    expect(iq("allow-hotplug b=c\niface c inet manual\n", "--allow=hotplug", "-v", "b=c").err).toBe("ifquery: querying interface b=c (inet)\n");
    expect(iq("allow-hotplug b=c\niface c inet manual\n", "--allow=hotplug", "-v", "c")).toMatchObject({ all: "", rc: 0 });
  });

  it("prints every stanza of an interface, post-up as up, with the derived broadcast", () => {
    expect(iq(t1, "eth0", "eth9", "lo")).toMatchObject({
      all: "address: 10.0.0.2\nup: echo a\nup: echo b\nbroadcast: 10.0.0.255\nnetmask: 255.255.255.0\nifquery: unknown interface eth9\n",
      rc: 1,
    });
    const two = iq("iface lo inet static\n address 127.0.0.1/8\n", "-v", "lo");
    expect(two.err).toBe("ifquery: querying interface lo=lo (inet)\nifquery: querying interface lo=lo (inet)\n");
  });

  it("queries a target once, however often it is named", () => {
    expect(iq("iface eth0 inet dhcp\n", "-v", "eth0", "lo", "eth0").err).toBe("ifquery: querying interface eth0=eth0 (inet)\nifquery: querying interface lo=lo (inet)\n");
  });

  it("applies -o options after the defaults and before the conversions", () => {
    expect(iq(t1, "-o", "address=1.2.3.4", "-o", "mtu=9", "-o", "up=", "eth0").out).toBe(
      "address: 1.2.3.4\nup: echo a\nup: echo b\nbroadcast: 1.255.255.255\nmtu: 9\nnetmask: 255.0.0.0\n",
    );
    expect(iq(t1, "-o", "x", "eth0")).toMatchObject({ err: 'ifquery: error in --option "x" -- no "=" character\n', rc: 1 });
  });

  it("excludes interfaces matching -X", () => {
    expect(iq(t1, "-X", "eth0", "--list").out).toBe("lo\n");
    expect(iq(t1, "-X", "e*", "eth0")).toMatchObject({ all: "", rc: 0 });
  });

  it("says what the real one says when the file is rejected", () => {
    expect(iq("iface x inet manual\n mtu\n", "--list")).toEqual({
      out: "", err: 'ifquery: tm:2: option with empty value\nifquery: couldn\'t read interfaces file "tm"\n',
      all: 'ifquery: tm:2: option with empty value\nifquery: couldn\'t read interfaces file "tm"\n', rc: 1,
    });
    expect(iq("iface x inet static extra more\n", "x")).toMatchObject({ all: "ifquery: tm:1: extra parameter for the iface line not understood and ignored: extra\nbroadcast: +\n", rc: 0 });
  });

  it("notes a mapping it does not run", () => {
    expect(iq("mapping eth*\n script /bin/false\n map a b\niface foo inet manual\n", "-v", "eth0")).toMatchObject({ err: "ifquery: not running mapping scripts for eth0\n", rc: 0 });
  });

  it("answers a missing file with lo only", () => {
    const r = runIfquery(["-i", "nonexist", "--list"], memoryReader({ files: {}, cwd: "/w" }));
    expect(r.output).toBe('ifquery: couldn\'t open interfaces file "nonexist": No such file or directory\nlo\n');
  });

  it("has getopt_long's messages, abbreviations and usage errors", () => {
    const run = (...args: string[]) => runIfquery(["-i", "tm", ...args], memoryReader({ files: { "/tm": t1 } }));
    expect(run().stderr).toBe("ifquery: no interface(s) specified\nifquery: Use --help for help\n");
    expect(run("--bogus").stderr).toBe("ifquery: unrecognized option '--bogus'\nifquery: Use --help for help\n");
    expect(run("-Z").stderr).toBe("ifquery: invalid option -- 'Z'\nifquery: Use --help for help\n");
    expect(run("--no", "eth0").stderr).toBe("ifquery: option '--no' is ambiguous; possibilities: '--no-act' '--no-act-commands' '--no-mappings' '--no-scripts' '--no-loopback'\nifquery: Use --help for help\n");
    expect(run("--list=x").stderr).toBe("ifquery: option '--list' doesn't allow an argument\nifquery: Use --help for help\n");
    expect(run("-a", "eth0").stderr).toBe("ifquery: either use the --all option, or specify interface(s), but not both\nifquery: Use --help for help\n");
    expect(run("-a").stderr).toBe("ifquery: Use --help for help\n");
    expect(run("--li").stdout).toBe("lo\neth0\n");
    expect(run("--list", "-a").stdout).toBe("lo\neth0\n");
    expect(run("-V", "--bogus").stdout.split("\n")[0]).toBe("ifquery version 0.8.41");
    expect(run("-h").stdout.split("\n")[0]).toBe("Usage: ifquery <options> <ifaces...>");
    expect(run("--list", "eth0", "eth9", "lo")).toMatchObject({ stdout: "eth0\nlo\n", stderr: "ifquery: unknown interface eth9\n", exitCode: 1 });
    expect([run("--state").exitCode, run("--state", "eth0").exitCode]).toEqual([0, 1]);
  });
});
