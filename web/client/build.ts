// Builds the web view's page in memory for the server: esbuild bundles web/client/main.ts (the
// cytoscape page) into one browser script, style.css is served as is, and page-html.ts gives the
// document that references exactly /app.js and /app.css (see web/api-types.ts for the API it calls).
// Nothing is written to disk; the result is cached for the life of the process.

import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { pageHtml } from "./page-html.ts";

/** The three files the server serves at /, /app.js and /app.css. */
export interface ClientBundle {
  readonly html: string;
  readonly js: string;
  readonly css: string;
}

const here = dirname(fileURLToPath(import.meta.url));
let cached: Promise<ClientBundle> | undefined;

/** Bundles the page once per process (esbuild, write: false) and returns html, js and css. */
export async function buildClient(): Promise<ClientBundle> {
  cached ??= bundle().catch((e: unknown) => {
    cached = undefined; // a failed build is not cached: the next request tries again
    throw e;
  });
  return cached;
}

async function bundle(): Promise<ClientBundle> {
  const result = await build({
    entryPoints: [join(here, "main.ts")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const js = result.outputFiles[0]?.text;
  if (js === undefined) throw new Error("esbuild produced no output for web/client/main.ts");
  const css = await readFile(join(here, "style.css"), "utf8");
  return { html: pageHtml(), js, css };
}
