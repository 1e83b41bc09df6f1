// The web view in Debian's chromium against the real server (web/server startServer) on the
// handbook host: the page loads cleanly and draws the host, the event stream plays the boot's DHCP,
// a frame opens with its layers, the domain panel creates and pauses testxen (its box, vif1.0, its
// colour), a trace lights the path to www, a pcap downloads and reads cleanly in tshark, the check
// panel edits a file and re-checks, the three models show side by side, and 1 000 guests render.
// Each state is saved as a screenshot in test-output/screenshots/.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../../web/server/index.ts";
import { launchChromium, openPage, screenshot, SCREENSHOTS, shouldRunBrowser } from "./browser.ts";
import { syntheticGraph } from "../../../bench/synthetic-graph.ts";

type Win = { xennet: { cy: import("cytoscape").Core; app: { dots: { animated: number } }; renderGraph(g: unknown): Promise<number>; refreshGraph(): Promise<void> } };

/** Ids of the drawn nodes (frame dots left out). */
function nodeIds(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as Win).xennet.cy.nodes().not(".dot").map((n) => n.id()));
}

/** Waits until node `id` is drawn (with state `state` when given). */
async function waitNode(page: Page, id: string, state?: string): Promise<void> {
  await page.waitForFunction(([id, state]) => {
    const n = (window as unknown as Win).xennet.cy.getElementById(id!);
    return n.nonempty() && (state === undefined || n.data("state") === state);
  }, [id, state] as const, { timeout: 20_000 });
}

/** Clicks node `id` on the canvas, where it is drawn. */
async function clickNode(page: Page, id: string): Promise<void> {
  const at = await page.evaluate((id) => (window as unknown as Win).xennet.cy.getElementById(id).renderedPosition(), id);
  const box = await page.locator("#graph").boundingBox();
  if (box === null) throw new Error("#graph is not on the page");
  await page.mouse.click(box.x + at.x, box.y + at.y);
}

/** Runs one line of the dom0 shell from the domain panel and waits for its output. */
async function shellLine(page: Page, line: string): Promise<void> {
  await page.click("#tab-btn-domains");
  await page.fill("#shell-line", line);
  await page.press("#shell-line", "Enter");
  await page.waitForFunction((line) => {
    const out = document.querySelector("#domain-output")?.textContent ?? "";
    return out.startsWith(`# ${line}\n`) && !out.endsWith("\n…");
  }, line, { timeout: 30_000 });
}

/** What tshark finds wrong in a capture: malformed packets and expert warnings (empty = clean), and its packet count. */
function tsharkCheck(file: string): { problems: string; packets: number } {
  const bad = spawnSync("tshark", ["-r", file, "-Y", "_ws.malformed || _ws.expert.severity >= warning"], { encoding: "utf8" });
  if (bad.error || bad.status !== 0) throw new Error(`tshark: ${bad.stderr || bad.error?.message}`);
  const all = spawnSync("tshark", ["-r", file], { encoding: "utf8" });
  return { problems: bad.stdout.trim(), packets: all.stdout.trim().split("\n").filter((l) => l !== "").length };
}

describe.runIf(shouldRunBrowser())("the web view in chromium (handbook host)", () => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const errors: string[] = [];
  const tmp = mkdtempSync(join(tmpdir(), "xennet-browser-"));

  beforeAll(async () => {
    server = await startServer({ root: "examples/handbook", port: 0 });
    browser = await launchChromium();
    page = await openPage(browser, server.url, errors);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("loads with no console errors and draws the handbook host", async () => {
    const ids = await nodeIds(page);
    expect(ids).toEqual(expect.arrayContaining(["dom0", "dom0-stack", "dom0:eth0", "dom0:xenbr0", "world:lan", "world:router", "world:internet", "world:www"]));
    expect(await page.textContent("#host-name")).toBe("debian");
    expect(errors).toEqual([]);
    await screenshot(page, "01-handbook");
  });

  it("plays the boot and lists the DHCP exchange from the event stream", async () => {
    await page.selectOption("#clock-speed", "10");
    await page.click("#clock-play");
    // Frames move along the edges as they are played: catch one in flight for the screenshot.
    await page.waitForFunction(() => (window as unknown as Win).xennet.cy.nodes(".dot").length > 0, undefined, { timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOTS, "02-frame-in-flight.png") });
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll("#event-list li[data-proto=dhcp]")].map((r) => r.textContent ?? "");
      return rows.some((r) => r.includes("Request")) && rows.some((r) => r.includes("Reply"));
    }, undefined, { timeout: 30_000 });
    await page.click("#clock-play");
    await screenshot(page, "02-events");
    const dhcp = await page.locator("#event-list li[data-proto=dhcp]").count();
    expect(dhcp).toBeGreaterThanOrEqual(2);
    expect(await page.evaluate(() => (window as unknown as Win).xennet.app.dots.animated)).toBeGreaterThan(0);
  });

  it("filters the event list by protocol", async () => {
    await page.uncheck('#event-filters input[data-filter="dhcp"]');
    expect(await page.locator("#event-list li[data-proto=dhcp]").count()).toBe(0);
    expect(await page.locator("#event-list li[data-proto=arp]").count()).toBeGreaterThan(0);
    await page.check('#event-filters input[data-filter="dhcp"]');
    expect(await page.locator("#event-list li[data-proto=dhcp]").count()).toBeGreaterThan(0);
  });

  it("steps the clock forward one event and back again", async () => {
    const cursor = async () => Number((await page.textContent("#clock-seq"))?.match(/event (\d+)/)?.[1]);
    const before = await cursor();
    await page.click("#clock-step");
    await page.waitForFunction((n) => (document.querySelector("#clock-seq")?.textContent ?? "").startsWith(`event ${n + 1} `), before);
    await page.waitForFunction((n) => Number(document.querySelector("#event-list li:last-child")?.getAttribute("data-seq")) === n + 1, before);
    await page.click("#clock-back");
    await page.waitForFunction((n) => (document.querySelector("#clock-seq")?.textContent ?? "").startsWith(`event ${n} `), before);
    await page.waitForFunction((n) => Number(document.querySelector("#event-list li:last-child")?.getAttribute("data-seq")) <= n, before);
  });

  it("opens a DHCP frame with its decoded layers and what the devices did", async () => {
    await page.locator("#event-list li[data-proto=dhcp]").last().click();
    await page.waitForSelector("#frame-layers details.layer");
    const layers = await page.locator("#frame-layers summary b").allTextContents();
    expect(layers).toEqual(expect.arrayContaining(["Ethernet", "IPv4", "UDP", "DHCP"]));
    expect(await page.locator("#frame-actions li").count()).toBeGreaterThan(0);
    await screenshot(page, "03-frame");
  });

  it("creates testxen from the domain panel: its box and vif1.0 appear", async () => {
    await shellLine(page, "xen-create-image --hostname testxen --dhcp --dir /srv/testxen --size=2G --dist=squeeze --role=udev");
    const create = page.locator('#domain-configs [data-create^="testxen"]');
    await create.waitFor({ timeout: 20_000 });
    await create.click();
    await waitNode(page, "domU:testxen");
    await waitNode(page, "dom0:vif1.0");
    expect(await nodeIds(page)).toEqual(expect.arrayContaining(["testxen:eth0"]));
    await page.locator('#domain-table tr[data-domain="testxen"]').first().waitFor();
    await screenshot(page, "04-testxen-created");
  });

  it("pausing testxen changes its state colour", async () => {
    const colour = () => page.evaluate(() => (window as unknown as Win).xennet.cy.getElementById("domU:testxen").style("background-color"));
    const running = await colour();
    await page.click('#domain-table [data-domain="testxen"][data-action="pause"]');
    await waitNode(page, "domU:testxen", "paused");
    const paused = await colour();
    expect(paused).not.toBe(running);
    await screenshot(page, "05-testxen-paused");
    await page.click('#domain-table [data-domain="testxen"][data-action="unpause"]');
    await page.waitForFunction(() => (window as unknown as Win).xennet.cy.getElementById("domU:testxen").data("state") !== "paused", undefined, { timeout: 20_000 });
    expect(await colour()).toBe(running);
  });

  it("stepped back to before testxen existed, fades its box and shows its old state; `live` brings now back", async () => {
    const created = await page.evaluate(async () => {
      const { events } = (await (await fetch("/api/events?after=0")).json()) as { events: { seq: number; kind: string; name?: string }[] };
      return events.find((e) => e.kind === "domain" && e.name === "testxen")!.seq;
    });
    await page.evaluate(async (first) => {
      const back = async () => (await (await fetch("/api/clock", { method: "POST", headers: { "content-type": "application/json" }, body: '{"action":"back"}' })).json()) as { cursor: number };
      while ((await back()).cursor >= first);
    }, created);
    const faded = (id: string) => page.evaluate((n) => (window as unknown as Win).xennet.cy.getElementById(n).hasClass("future"), id);
    await page.waitForFunction(() => (window as unknown as Win).xennet.cy.getElementById("domU:testxen").hasClass("future"), undefined, { timeout: 20_000 });
    expect(await faded("dom0:vif1.0")).toBe(true);
    expect(await faded("dom0:eth0")).toBe(false);
    await page.locator("#clock-live").waitFor();
    await screenshot(page, "05b-stepped-back");
    // One step forward replays the creation: the box is there again, not yet running.
    await page.click("#clock-step");
    await page.waitForFunction(() => !(window as unknown as Win).xennet.cy.getElementById("domU:testxen").hasClass("future"), undefined, { timeout: 20_000 });
    await page.click("#clock-live");
    await page.waitForFunction(() => document.querySelector<HTMLElement>("#clock-live")?.hidden === true, undefined, { timeout: 20_000 });
    await page.waitForFunction(() => (window as unknown as Win).xennet.cy.nodes(".future").length === 0);
    expect(await page.evaluate(() => (window as unknown as Win).xennet.cy.getElementById("domU:testxen").data("state"))).not.toBe("paused");
  });

  it("traces testxen → www and lights the path hop by hop", async () => {
    await shellLine(page, "sleep 30"); // testxen boots and its dhclient gets a lease
    await page.click("#tab-btn-trace");
    await page.selectOption("#trace-from", "testxen");
    await page.fill("#trace-to", "www");
    await page.click("#trace-go");
    await page.waitForSelector("#trace-verdict", { timeout: 30_000 });
    expect(await page.textContent("#trace-verdict")).toContain("delivered");
    const lit = await page.evaluate(() => (window as unknown as Win).xennet.cy.edges(".trace").map((e) => e.id()));
    expect(lit).toEqual(expect.arrayContaining(["netif:dom0:vif1.0", "port:dom0:vif1.0", "port:dom0:eth0", "link:dom0:eth0", "link:router:eth0", "link:router:eth1", "link:www:eth0"]));
    await page.locator("#trace-result li.hop").nth(1).hover();
    await screenshot(page, "06-trace");
  });

  it("shows testxen's console", async () => {
    await page.click("#tab-btn-domains");
    await page.click('#console-tabs [data-console="testxen"]');
    await page.waitForFunction(() => (document.querySelector("#console-text")?.textContent ?? "").length > 0);
    expect(await page.textContent("#console-text")).toMatch(/Linux|login|testxen/);
  });

  it("downloads the pcap of the selected interface and the host's pcapng, both clean in tshark", async () => {
    await clickNode(page, "dom0:eth0");
    expect(await page.textContent("#download-pcap")).toBe("pcap of dom0:eth0");
    await screenshot(page, "07-selected-eth0");
    for (const [selector, name] of [["#download-pcap", "dom0_eth0.pcap"], ["#download-pcapng", "host.pcapng"]] as const) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
      expect(download.suggestedFilename()).toBe(name);
      const file = join(tmp, name);
      await download.saveAs(file);
      expect(statSync(file).size).toBeGreaterThan(24);
      const { problems, packets } = tsharkCheck(file);
      expect(problems, name).toBe("");
      expect(packets, name).toBeGreaterThan(0);
    }
  });

  it("checks the host, edits a file, re-checks and links the finding to its line", async () => {
    await page.click("#tab-btn-check");
    await page.click("#check-run");
    await page.waitForFunction(() => /error\(s\)/.test(document.querySelector("#check-summary")?.textContent ?? ""));
    await page.fill("#editor-path", "/etc/network/interfaces");
    await page.click("#editor-open");
    await page.waitForFunction(() => ((document.querySelector("#editor-text") as HTMLTextAreaElement).value).includes("bridge_ports eth0"));
    const original = await page.inputValue("#editor-text");
    await page.fill("#editor-text", original.replace("bridge_ports eth0", "bridge_ports eth0 eth2"));
    await page.click("#editor-save");
    const link = page.locator('#check-list .file-link[data-file="/etc/network/interfaces"]').first();
    await link.waitFor({ timeout: 30_000 });
    await link.click();
    expect(await page.textContent("#check-list")).toContain("eth2");
    await screenshot(page, "08-check-edit");
    await page.fill("#editor-text", original);
    await page.click("#editor-save");
    await page.waitForFunction(() => !(document.querySelector("#check-list")?.textContent ?? "").includes("eth2"), undefined, { timeout: 30_000 });
  });

  it("shows the same host under the bridge, routing and NAT models side by side", async () => {
    await page.click("#models-toggle");
    for (const model of ["bridge", "route", "nat"]) await page.locator(`#model-${model} canvas`).first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll("#models .model-pane[data-nodes]").length === 3, undefined, { timeout: 30_000 });
    expect(await page.locator("#models .error").count()).toBe(0);
    await screenshot(page, "09-models");
    await page.click("#models-toggle");
  });

  // How fast is `npm run bench -- web-graph` (speed goals live in benchmarks): here, that 1 000
  // guests are all drawn and a zoom repaints them.
  it("draws 1 000 guests, each in its box under its vif, and zooms", async () => {
    await page.evaluate((g) => (window as unknown as Win).xennet.renderGraph(g), syntheticGraph(1000) as unknown);
    expect(await page.evaluate(() => (window as unknown as Win).xennet.cy.nodes('[kind="domain"]').length)).toBe(1000);
    expect(await page.evaluate(() => (window as unknown as Win).xennet.cy.nodes('[kind="vif"]').length)).toBe(1000);
    await screenshot(page, "10-1000-guests");
    const zoomed = await page.evaluate(async () => {
      const cy = (window as unknown as Win).xennet.cy;
      const before = cy.zoom();
      cy.zoom({ level: before * 2, renderedPosition: { x: 300, y: 300 } });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return cy.zoom() / before;
    });
    expect(zoomed).toBeCloseTo(2);
    expect(errors).toEqual([]);
  });
});
