// Scenario corpus-parse: every file of ../shared/corpus (interfaces, domain .cfg, xend-config.sxp,
// xen-tools.conf) parsed `rounds` times with the topology parsers, files read once beforehand so
// only parsing is timed. Reports files per wall-second.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { memoryReader, readInterfaces } from "../topology/interfaces/index.ts";
import { parseDomainConfig } from "../topology/xen-cfg/index.ts";
import { parseXendConfig } from "../topology/sxp/index.ts";
import { parseXenToolsConfig } from "../topology/xen-tools/index.ts";
import { checkHost, loadHost } from "../topology/index.ts";

/** Where the shared corpus lives beside the checkout. */
export const CORPUS_DIR = resolve(import.meta.dirname, "..", "..", "shared", "corpus");

type Parser = (text: string, name: string) => unknown;

const PARSERS: Record<string, Parser> = {
  interfaces: (text, name) => readInterfaces(`/${name}`, memoryReader({ files: { [`/${name}`]: text } })),
  "xen-cfg": (text, name) => parseDomainConfig(text, name),
  xend: (text, name) => parseXendConfig(text, name),
  "xen-tools": (text, name) => parseXenToolsConfig(text, name),
};

/** Parses the corpus `rounds` times; returns the counts and the wall time of the parsing alone. */
export function parseCorpus(rounds: number): { files: number; bytes: number; wallSeconds: number } {
  const inputs = Object.entries(PARSERS).flatMap(([dir, parse]) =>
    readdirSync(join(CORPUS_DIR, dir)).map((name) => ({ parse, name, text: readFileSync(join(CORPUS_DIR, dir, name), "utf8") })),
  );
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const input of inputs) input.parse(input.text, input.name);
  const wallSeconds = (performance.now() - start) / 1000;
  const bytes = inputs.reduce((sum, i) => sum + i.text.length, 0) * rounds;
  return { files: inputs.length * rounds, bytes, wallSeconds };
}

/**
 * Loads and checks one host per corpus interfaces file (`loadHost` + `checkHost`), `rounds` times:
 * the static half of `xennet check`. Readers are built before the timed loop.
 */
export function checkCorpusHosts(rounds: number): { hosts: number; wallSeconds: number } {
  const dir = join(CORPUS_DIR, "interfaces");
  const readers = readdirSync(dir).map((name) => memoryReader({ files: { "/etc/network/interfaces": readFileSync(join(dir, name), "utf8") } }));
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const reader of readers) checkHost(loadHost(reader).value);
  return { hosts: readers.length * rounds, wallSeconds: (performance.now() - start) / 1000 };
}
