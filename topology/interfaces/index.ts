// Public surface of the /etc/network/interfaces reader (ifupdown 0.8.41 grammar, interfaces(5)).

export { parseInterfaces, readInterfaces, type ParseOptions } from "./parser.ts";
export { memoryReader, nodeFsReader, type FileReader, type MemoryTree, type NodeReaderOptions } from "./reader.ts";
export { FAMILIES, HOOKS, familyOf, methodOf, storedName, type MethodSpec } from "./methods.ts";
export { foldOptions, resolveVariables, type Variable } from "./variables.ts";
export { fnmatch } from "./fnmatch.ts";
export { lexLines, type LogicalLine } from "./lexer.ts";
export type {
  AddressFact, AllowClass, BondFact, BridgeFact, ClassEntry, Family, IfaceOption, IfaceStanza, InterfacesFile,
  MappingStanza, NamedEntry, ReadEvent, SourcedFile, VlanFact,
} from "./types.ts";

import type { IfaceStanza, InterfacesFile } from "./types.ts";
import { foldOptions } from "./variables.ts";

/** The value of an option by key (`bridge_ports` finds either spelling), repeats joined as ifupdown joins them. */
export function optionValue(stanza: IfaceStanza, key: string): string | undefined {
  const matching = stanza.options.filter((o) => o.key === key);
  const name = matching[0]?.name;
  if (name === undefined) return undefined;
  return foldOptions(matching.filter((o) => o.name === name))[0]?.value;
}

/** The names of class `cls` (`auto`, `hotplug`, ...) in file order, without ifupdown 0.8's implicit `lo`. */
export function classMembers(file: InterfacesFile, cls: string): readonly string[] {
  return file.classes.find((c) => c.name === cls)?.entries.map((e) => e.name) ?? [];
}
