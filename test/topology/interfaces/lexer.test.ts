// Logical lines of /etc/network/interfaces: comments, continuation, blanks and CRLF, as
// ifupdown 0.8.41's get_line() reads them (each expectation was checked with the real ifquery).

import { describe, expect, it } from "vitest";
import { lexLines, locate, nextWord } from "../../../topology/interfaces/lexer.ts";

const texts = (s: string): string[] => lexLines(s).map((l) => l.text);

describe("comments", () => {
  it("skips a line whose first non-blank character is #", () => {
    expect(texts("# top\n   # indented\niface eth0 inet dhcp\n\t# tab\n")).toEqual(["iface eth0 inet dhcp"]);
  });

  it("keeps a # later on the line in the value (no end-of-line comments)", () => {
    expect(texts("  address 10.0.0.1 # lan\n")).toEqual(["address 10.0.0.1 # lan"]);
  });

  it("does not let a comment ending in a backslash swallow the next line", () => {
    expect(texts(" # c \\\n mtu 2\n")).toEqual(["mtu 2"]);
  });
});

describe("continuation", () => {
  it("drops the backslash but keeps the space before it and the next line's indentation", () => {
    expect(texts("bridge_ports eth0 \\\n       eth1\n")).toEqual(["bridge_ports eth0        eth1"]);
  });

  it("appends a following # line as text: the comment test is made once per logical line", () => {
    expect(texts("mtu 1 \\\n# not comment\n")).toEqual(["mtu 1 # not comment"]);
    expect(texts("\\\n#foo 3\n")).toEqual(["#foo 3"]);
  });

  it("joins several lines and numbers the logical line by its first physical line", () => {
    const [l] = lexLines("\n\n up a \\\n b \\\n c\n");
    expect(l).toMatchObject({ text: "up a  b  c", line: 3, column: 2, endLine: 5 });
  });

  it("counts the failed read after a backslash at end of file, as ifupdown's line numbers do", () => {
    expect(lexLines("mtu 1\\")[0]).toMatchObject({ text: "mtu 1", line: 1, endLine: 2 });
    expect(lexLines("iface a inet dhcp\n mtu \\\n\n")[1]).toMatchObject({ text: "mtu", line: 2, endLine: 3 });
  });

  it("stops reading at a lone backslash on the last line", () => {
    expect(texts("auto eth0\n\\")).toEqual(["auto eth0"]);
  });
});

describe("blanks, CR and NUL", () => {
  it("strips leading and trailing blanks, including CR, VT and FF", () => {
    expect(texts(" \t mtu\t 1 \v\f\r\n")).toEqual(["mtu\t 1"]);
  });

  it("does not continue a CRLF line: the backslash is followed by the CR", () => {
    expect(texts("up a\\\r\n b\r\n")).toEqual(["up a\\", "b"]);
  });

  it("ends a physical line's content at a NUL byte", () => {
    expect(texts("mtu a\0b\nup c\n")).toEqual(["mtu a", "up c"]);
  });

  it("yields nothing for an empty or blank file", () => {
    expect(lexLines("")).toEqual([]);
    expect(lexLines("\n \n\t\n")).toEqual([]);
  });
});

describe("locations", () => {
  it("maps an offset of a joined line back to its physical line and column", () => {
    const [l] = lexLines("  bridge_ports eth0 \\\n    eth1\n");
    expect(l).toBeDefined();
    if (l === undefined) return;
    expect(locate(l, 0)).toEqual({ line: 1, column: 3 });
    expect(locate(l, l.text.indexOf("eth0"))).toEqual({ line: 1, column: 16 });
    expect(locate(l, l.text.indexOf("eth1"))).toEqual({ line: 2, column: 5 });
  });

  it("splits words on C blanks and returns where the rest of the line starts", () => {
    expect(nextWord("address  10.0.0.1 x", 0)).toEqual({ text: "address", start: 0, restStart: 9 });
    expect(nextWord("abc", 3)).toBeUndefined();
  });
});
