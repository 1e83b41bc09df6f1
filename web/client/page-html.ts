// The page's one HTML document: a header (host, clock, playback, downloads), the graph with its
// legend, and a tabbed side panel (events, trace, domains, check, frame). The modules under
// web/client fill the containers; the document only references /app.css and /app.js.

const TABS = [
  ["events", "Events"],
  ["trace", "Trace"],
  ["domains", "Domains"],
  ["check", "Check"],
  ["frame", "Frame"],
] as const;

/** The HTML the server serves at `/`. */
export function pageHtml(): string {
  const tabs = TABS.map(([id, label]) => `<button class="tab" data-tab="${id}" id="tab-btn-${id}">${label}</button>`).join("");
  const bodies = TABS.map(([id]) => `<div class="tab-body" id="tab-${id}" hidden></div>`).join("\n      ");
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>xennet</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/app.css">
</head>
<body>
  <header id="top">
    <div class="brand">xennet</div>
    <div class="host"><span id="host-name">…</span> <span id="host-model" class="badge"></span></div>
    <div id="clock" class="clock"></div>
    <div class="spacer"></div>
    <div id="downloads" class="downloads"></div>
    <button id="models-toggle" class="btn" title="The same host under the bridge, routing and NAT models">Compare models</button>
  </header>
  <main>
    <section id="graph-wrap">
      <div id="graph"></div>
      <div id="models" hidden></div>
      <div id="legend"></div>
      <div id="selection" hidden></div>
      <div id="status" hidden></div>
    </section>
    <aside id="side">
      <nav class="tabs">${tabs}</nav>
      ${bodies}
    </aside>
  </main>
  <script src="/app.js"></script>
</body>
</html>
`;
}
