// `xennet serve`: the web view's server. One simulated host per server, booted at start from the
// host's files (--root, never written), the world (--world, else the root's /xennet-world.json,
// else the standard LAN) and the seed; express 5 serves the JSON API of web/api-types.ts over it
// (bodies limited to BODY_LIMIT, one error handler), the event stream, and the page.
import express, { type Express } from "express";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { readWorld, worldOfRoot, worldUsable, type WorldSpec } from "../../hypervisor/world/index.ts";
import { formatDiagnostic } from "../../topology/diagnostic.ts";
import { nodeFsReader, type FileReader } from "../../topology/interfaces/index.ts";
import { HostSession, PlaybackDriver } from "../session/index.ts";
import { clientRoutes } from "./client-assets.ts";
import { errorHandler, notFound } from "./errors.ts";
import { EventStreamHub } from "./event-stream.ts";
import { hostRoutes } from "./host-routes.ts";
import { playbackRoutes } from "./playback-routes.ts";

/** The largest JSON body accepted (a file upload included); larger ones get 413. */
export const BODY_LIMIT = "256kb";
/** Where the server listens by default. */
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8080;

/** How the server is started. */
export interface ServeOptions {
  root: string;
  seed?: number;
  worldFile?: string;
  host?: string;
  port?: number;
}

/** A running server. */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Boots the host and starts listening; port 0 picks a free port. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const reader = nodeFsReader({ root: resolve(options.root) });
  const session = new HostSession({ root: reader, seed: options.seed ?? 1, world: loadWorld(reader, options.worldFile) });
  const hub = new EventStreamHub(session);
  const driver = new PlaybackDriver(session.clock);
  const app = createApp(session, hub);
  const server = app.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST);
  await new Promise<void>((done, fail) => {
    server.once("listening", done);
    server.once("error", fail);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      driver.stop();
      hub.close();
      session.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}

/** The express app over a session: API, stream, page, and the error handler last. */
export function createApp(session: HostSession, hub: EventStreamHub): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use("/api", express.json({ limit: BODY_LIMIT }));
  hostRoutes(app, session);
  playbackRoutes(app, session, hub);
  app.use("/api", notFound);
  clientRoutes(app);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

/** The world the host is cabled to; an unusable world file is an error, listed line by line. */
function loadWorld(reader: FileReader, path: string | undefined): WorldSpec {
  const parsed = path === undefined ? worldOfRoot(reader) : readWorld(readFileSync(path, "utf8"), path);
  if (!worldUsable(parsed.diagnostics)) throw new Error(`the world file has errors:\n${parsed.diagnostics.map(formatDiagnostic).join("\n")}`);
  return parsed.value;
}
