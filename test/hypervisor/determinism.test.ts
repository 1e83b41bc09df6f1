// The same seed gives the same transcript, byte for byte; another seed changes only what is really
// random in the session — the generated root password and the ssh host key fingerprint.
import { describe, expect, it } from "vitest";
import { handbookHost, Session } from "./helpers.ts";

const SCRIPT = [
  "xm list",
  "xen-create-image --hostname=testxen --dhcp --dir=/srv/testxen --size=2G --dist=squeeze --role=udev",
  "xm create testxen.cfg", "sleep 10", "xm list", "xm console testxen",
  "xm pause testxen", "xm unpause testxen", "xm save testxen /var/lib/xen/testxen.save", "xm restore /var/lib/xen/testxen.save",
  "sleep 70", "xm reboot testxen", "sleep 10", "xm list", "xm vcpu-list", "xm shutdown -w testxen",
];

function transcript(seed: number): string {
  const s = new Session(handbookHost(seed));
  return s.script(SCRIPT);
}

describe("determinism", () => {
  it("same seed, same transcript", () => {
    expect(transcript(7)).toBe(transcript(7));
  });

  it("another seed changes only the password and the fingerprint", () => {
    const a = transcript(1).split("\n");
    const b = transcript(2).split("\n");
    expect(b.length).toBe(a.length);
    const differing = a.map((line, i) => [line, b[i]!] as const).filter(([x, y]) => x !== y);
    expect(differing.map(([x]) => x.replace(/ *:  .*/, ""))).toEqual(["RSA Fingerprint", "Root Password"]);
    for (const [x, y] of differing) expect(x).not.toBe(y);
  });
});
