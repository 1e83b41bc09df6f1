import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitCommandLine } from "../../../hypervisor/shell/words.ts";

const words = (line: string) => {
  const r = splitCommandLine(line);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe("splitCommandLine", () => {
  it("splits on blanks and keeps quoted text together", () => {
    expect(words(`xm  create   testxen.cfg`).words).toEqual(["xm", "create", "testxen.cfg"]);
    expect(words(`echo 'a  b' "c \\"d\\"" e\\ f`).words).toEqual(["echo", "a  b", 'c "d"', "e f"]);
    expect(words(`echo a'b'"c"`).words).toEqual(["echo", "abc"]);
  });

  it("reads > and >> redirections", () => {
    expect(words("echo 1 > /proc/sys/net/ipv4/ip_forward")).toEqual({ words: ["echo", "1"], redirect: { path: "/proc/sys/net/ipv4/ip_forward", append: false } });
    expect(words("echo x >>log")).toEqual({ words: ["echo", "x"], redirect: { path: "log", append: true } });
  });

  it("treats # at the start of a word as a comment", () => {
    expect(words("xm list # all domains").words).toEqual(["xm", "list"]);
    expect(words("echo a#b").words).toEqual(["echo", "a#b"]);
  });

  it("reports what bash would reject and what this shell does not run", () => {
    expect(splitCommandLine("echo 'open")).toEqual({ ok: false, error: "unexpected EOF while looking for matching `''" });
    expect(splitCommandLine("echo >")).toEqual({ ok: false, error: "syntax error near unexpected token `newline'" });
    expect(splitCommandLine("xm list | grep testxen").ok).toBe(false);
  });

  it("never throws", () => {
    fc.assert(fc.property(fc.string(), (line) => void splitCommandLine(line)));
  });
});
