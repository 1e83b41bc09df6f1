// `xennet serve [--host ADDR] [--port N]`: the web view. Boots the host under --root (with --world
// and --seed, as every subcommand does) once, serves the page and its JSON API (web/server) on
// http://ADDR:N/ (127.0.0.1:8080 by default; port 0 takes any free port) and runs until SIGINT or
// SIGTERM, then closes the server and exits 0. A port that cannot be bound is exit status 2.
import type { Command } from "commander";
import { DEFAULT_HOST, DEFAULT_PORT, startServer, type RunningServer } from "../web/server/index.ts";
import { globalOptions, UsageError } from "./host.ts";

/** Adds the `serve` subcommand. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("the web view: the host and its traffic in a browser, at http://HOST:PORT/")
    .option("--host <addr>", "the address to listen on", DEFAULT_HOST)
    .option("--port <n>", "the port to listen on (0: any free port)", String(DEFAULT_PORT))
    .action(async (options: { host: string; port: string }) => {
      const { root, seed } = globalOptions(program);
      const port = Number(options.port);
      if (!/^[0-9]+$/.test(options.port) || port > 65535) throw new UsageError(`--port must be 0-65535, not "${options.port}"`);
      const worldFile = (program.opts() as { world?: string }).world;
      const server = await listen({ root, seed, host: options.host, port, ...(worldFile !== undefined ? { worldFile } : {}) });
      process.stdout.write(`xennet: serving ${root} at ${server.url}/ (Ctrl-C stops)\n`);
      await untilSignalled();
      await server.close();
    });
}

async function listen(options: Parameters<typeof startServer>[0]): Promise<RunningServer> {
  try {
    return await startServer(options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") throw new UsageError(`cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
    throw error;
  }
}

function untilSignalled(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
