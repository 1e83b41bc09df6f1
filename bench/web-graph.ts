// The web view at N guests (the goal: 1 000 guests drawn in under 2 s and still
// responsive): a real server on the handbook host, Debian's headless chromium (playwright-core),
// and the page's own renderGraph() on a synthetic LiveGraph of N guests — timed from the call to
// the second painted frame — then a zoom's repaint. Needs /usr/bin/chromium.
import { existsSync } from "node:fs";
import { startServer } from "../web/server/index.ts";
import { CHROMIUM, launchChromium } from "./chromium.ts";
import { syntheticGraph } from "./synthetic-graph.ts";

type Win = { xennet: { ready: Promise<void>; renderGraph(g: unknown): Promise<number>; cy: import("cytoscape").Core } };

/** Draws N guests three times in one page; reports the best and worst draw and a zoom's repaint. */
export async function benchWebGraph(n: number): Promise<Record<string, number | string>> {
  if (!existsSync(CHROMIUM)) return { scenario: `web-graph-${n}`, skipped: `${CHROMIUM} is not installed` };
  const server = await startServer({ root: "examples/handbook", port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await page.evaluate(() => (window as unknown as Win).xennet.ready);
    const graph = syntheticGraph(n);
    const draws: number[] = [];
    for (let i = 0; i < 3; i++) draws.push(await page.evaluate((g) => (window as unknown as Win).xennet.renderGraph(g), graph as unknown));
    const zoomMs = await page.evaluate(async () => {
      const t0 = performance.now();
      const cy = (window as unknown as Win).xennet.cy;
      cy.zoom({ level: cy.zoom() * 2, renderedPosition: { x: 300, y: 300 } });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t0;
    });
    const ms = (x: number) => Math.round(x);
    return { scenario: `web-graph-${n}`, N: n, nodes: graph.nodes.length, edges: graph.edges.length, drawMsBest: ms(Math.min(...draws)), drawMsWorst: ms(Math.max(...draws)), zoomRepaintMs: ms(zoomMs) };
  } finally {
    await browser.close();
    await server.close();
  }
}
