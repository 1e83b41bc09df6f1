// The dom0 shell: command-line splitting and the shell itself.
export { Dom0Shell, type CommandIo, type ShellCommand, type ShellResult } from "./dom0-shell.ts";
export { splitCommandLine, type CommandLine, type SplitResult } from "./words.ts";
