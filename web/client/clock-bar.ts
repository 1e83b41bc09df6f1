// The header's playback controls for the simulation's virtual clock (POST /api/clock): back,
// play/pause, step, speed in simulated seconds per real second, the cursor's simulated time, and
// `live` (back to the last event) while the cursor is behind the simulation.

import type { ClockCommand, ClockState } from "../api-types.ts";
import { api } from "./api.ts";
import { byId, flash, h, seconds } from "./dom.ts";

const SPEEDS = [0.1, 0.5, 1, 2, 5, 10, 60];

/** 12×12 icons (the page's font has no media-control glyphs). */
const ICONS = {
  back: "M2 1h2v10H2zM11 1v10L4 6z",
  play: "M3 1v10l8-5z",
  pause: "M2 1h3v10H2zM7 1h3v10H7z",
  step: "M8 1h2v10H8zM1 1v10l7-5z",
} as const;

function icon(name: keyof typeof ICONS): SVGSVGElement {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 12 12");
  svg.setAttribute("width", "12");
  svg.setAttribute("height", "12");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

/** The clock widget in the header. */
export class ClockBar {
  private state: ClockState | undefined;
  private readonly time = h("span", { id: "clock-time", class: "clock-time", title: "simulated time of the playback cursor" }, "t = –");
  private readonly seq = h("span", { id: "clock-seq", class: "clock-seq" });
  private readonly play = h("button", { id: "clock-play", class: "btn icon", title: "play / pause", onclick: () => this.toggle() }, icon("play"));
  private readonly live = h("button", { id: "clock-live", class: "btn", title: "back to now: the last event, where the simulation is", hidden: true, onclick: () => this.send({ action: "live" }) }, "live");
  private readonly speed = h("select", { id: "clock-speed", title: "simulated seconds per real second", onchange: () => this.send({ action: "speed", speed: Number(this.speed.value) }) });

  constructor(private readonly onChange: (c: ClockState) => void = () => undefined) {
    for (const s of SPEEDS) this.speed.append(h("option", { value: s }, `${s}×`));
    this.speed.value = "1";
    byId("clock").append(
      h("button", { id: "clock-back", class: "btn icon", title: "step back one event", onclick: () => this.send({ action: "back" }) }, icon("back")),
      this.play,
      h("button", { id: "clock-step", class: "btn icon", title: "step one event", onclick: () => this.send({ action: "step" }) }, icon("step")),
      this.speed,
      this.time,
      this.seq,
      this.live,
    );
  }

  /** Shows a clock state (from the stream, a command, or a poll). */
  show(c: ClockState): void {
    this.state = c;
    this.time.textContent = `t = ${seconds(c.now)}`;
    this.seq.textContent = `event ${c.cursor} / ${c.latest}`;
    this.live.hidden = c.cursor >= c.latest;
    this.play.replaceChildren(icon(c.playing ? "pause" : "play"));
    this.play.classList.toggle("active", c.playing);
    if (SPEEDS.includes(c.speed)) this.speed.value = String(c.speed);
    this.onChange(c);
  }

  /** Advances the shown time when a later event arrives between clock states. */
  seen(time: number): void {
    if (this.state !== undefined && time > this.state.now) this.time.textContent = `t = ${seconds(time)}`;
  }

  /** Sends a command and shows the answer. */
  async send(cmd: ClockCommand): Promise<void> {
    try {
      this.show(await api.clockCommand(cmd));
    } catch (e) {
      flash(`clock: ${(e as Error).message}`);
    }
  }

  private toggle(): void {
    void this.send(this.state?.playing ? { action: "pause" } : { action: "play", speed: Number(this.speed.value) });
  }
}
