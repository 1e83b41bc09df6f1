// iptables 1.4.8's option tables (iptables.c): the getopt option string and long options, the
// CMD_*/OPT_* bits with their letters (cmdflags is one entry short, so -N and later commands print
// the letter of their neighbour in "Cannot use -X with -Y", as the real binary does), and
// generic_opt_check's table of which options each command allows.
import type { LongOption } from "./getopt.ts";

/** CMD_* bits. */
export const Cmd = {
  Insert: 0x0001, Delete: 0x0002, DeleteNum: 0x0004, Replace: 0x0008, Append: 0x0010, List: 0x0020, Flush: 0x0040, Zero: 0x0080,
  NewChain: 0x0100, DeleteChain: 0x0200, SetPolicy: 0x0400, RenameChain: 0x0800, ListRules: 0x1000, ZeroNum: 0x2000,
} as const;

/** OPT_* bits. */
export const Opt = {
  Numeric: 0x001, Source: 0x002, Destination: 0x004, Protocol: 0x008, Jump: 0x010, Verbose: 0x020, Expanded: 0x040,
  ViaIn: 0x080, ViaOut: 0x100, Fragment: 0x200, LineNumbers: 0x400, Counters: 0x800,
} as const;

const CMD_FLAGS = "IDDRALFZZNXPES";
const OPT_FLAGS = "nsdpjvxiof0c";

/** cmd2char: the letter of the lowest set bit's position in cmdflags. */
export function cmdChar(bits: number): string {
  let i = 0;
  for (let b = bits; b > 1; b >>>= 1) i++;
  return CMD_FLAGS[i] ?? "?";
}

/** opt2char. */
export function optChar(bits: number): string {
  let i = 0;
  for (let b = bits; b > 1; b >>>= 1) i++;
  return OPT_FLAGS[i] ?? "?";
}

/** The getopt option string of do_command. */
export const MAIN_SHORT_OPTIONS = "-A:D:R:I:L::S::M:F::Z::N:X::E:P:Vh::o:p:s:d:j:i:fbvnt:m:xc:g:";

/** original_opts: long option → the short letter it stands for. */
export function mainLongOptions(): LongOption[] {
  const table: readonly [string, 0 | 1 | 2, string][] = [
    ["append", 1, "A"], ["delete", 1, "D"], ["insert", 1, "I"], ["replace", 1, "R"], ["list", 2, "L"], ["list-rules", 2, "S"],
    ["flush", 2, "F"], ["zero", 2, "Z"], ["new-chain", 1, "N"], ["delete-chain", 2, "X"], ["rename-chain", 1, "E"], ["policy", 1, "P"],
    ["source", 1, "s"], ["destination", 1, "d"], ["src", 1, "s"], ["dst", 1, "d"], ["protocol", 1, "p"], ["in-interface", 1, "i"],
    ["jump", 1, "j"], ["table", 1, "t"], ["match", 1, "m"], ["numeric", 0, "n"], ["out-interface", 1, "o"], ["verbose", 0, "v"],
    ["exact", 0, "x"], ["fragments", 0, "f"], ["version", 0, "V"], ["help", 2, "h"], ["line-numbers", 0, "0"], ["modprobe", 1, "M"],
    ["set-counters", 1, "c"], ["goto", 1, "g"],
  ];
  return table.map(([name, hasArg, id]) => ({ name, hasArg, id }));
}

/** Target names libxtables maps to the standard target. */
export const STANDARD_TARGETS: readonly string[] = ["ACCEPT", "DROP", "QUEUE", "RETURN"];

/** commands_v_options, rows in the table's order; columns -n -s -d -p -j -v -x -i -o -f --line -c; x = illegal. */
const LEGAL: readonly string[] = [
  "x.....x...x.", // INSERT
  "x.....x...xx", // DELETE
  "xxxxx.xxxxxx", // DELETE_NUM
  "x.....x...x.", // REPLACE
  "x.....x...x.", // APPEND
  ".xxxx..xxx.x", // LIST
  "xxxxx.xxxxxx", // FLUSH
  "xxxxx.xxxxxx", // ZERO
  "xxxxx.xxxxxx", // ZERO_NUM
  "xxxxx.xxxxxx", // NEW_CHAIN
  "xxxxx.xxxxxx", // DEL_CHAIN
  "xxxxx.xxxxx.", // SET_POLICY
  "xxxxx.xxxxxx", // RENAME
  "xxxxx.xxxxxx", // LIST_RULES
];

/**
 * generic_opt_check: an option is legal if any of the given commands allows it. The real loop picks
 * the row by the command's bit position, and CMD_ZERO_NUM's bit comes last while its row sits after
 * ZERO's, so -N, -X, -P, -E and -S read the row above their own; kept (it makes -P refuse -c).
 */
export function illegalOption(command: number, options: number): string | undefined {
  for (let i = 0; i < 12; i++) {
    const opt = 1 << i;
    if (!(options & opt)) continue;
    let legal = 0;
    for (let j = 0; j < 14; j++) {
      if (!(command & (1 << j))) continue;
      const row = LEGAL[j]!;
      if (row[i] !== "x") legal = 1;
      else if (legal === 0) legal = -1;
    }
    if (legal === -1) return `Illegal option \`-${optChar(opt)}' with this command\n`;
  }
  return undefined;
}
