// The benchmark reference: Contrail's synthetic benchmark scene in plain JavaScript.
// 50 services on an ellipse, 100 curved edges, N tokens each hopping from service to
// service forever, so N stays constant. Geometry mirrors src/geometry.rs (layout,
// edge_path, box_exit, point_at) so both pages draw the same pixels' worth of work.
"use strict";

const params = new URLSearchParams(location.search);
const N = Math.max(0, Number(params.get("n") ?? 1000) | 0);
const VARIANT = params.get("variant") === "svg" ? "svg" : "canvas";
const WIDTH_PX = Number(params.get("w")) > 0 ? Number(params.get("w")) : 860;

const VIEW_W = 1000;
const VIEW_H = 580;
// The app shrinks boxes to these half sizes once more than 12 services share the ring.
const HALF_W = 24;
const HALF_H = 10;
const SERVICES = 50;
const KINDS = ["command", "event", "query"];
const TOKEN_SIZE = 6.5;
const SVG_NS = "http://www.w3.org/2000/svg";

// Deterministic PRNG (mulberry32) so every run animates the same hops.
let seed = 0x5eed1234;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// --- Static geometry (same formulas as src/geometry.rs) ---
const centre = { x: VIEW_W / 2, y: VIEW_H / 2 };
const radiusX = VIEW_W / 2 - HALF_W - 8;
const radiusY = VIEW_H / 2 - HALF_H - 8;
const nodes = [];
// Evenly spaced on an ellipse, then each axis stretched to touch the view's edges.
const unit = [];
for (let i = 0; i < SERVICES; i++) {
  const angle = Math.PI + (2 * Math.PI * i) / SERVICES;
  unit.push({ x: Math.cos(angle), y: Math.sin(angle) });
}
const extent = (axis) => unit.reduce(([lo, hi], u) => [Math.min(lo, u[axis]), Math.max(hi, u[axis])], [0, 0]);
const fit = (v, [lo, hi], c, r) => (hi - lo < 1e-9 ? c : c - r + ((v - lo) / (hi - lo)) * 2 * r);
const [ex, ey] = [extent("x"), extent("y")];
for (let i = 0; i < SERVICES; i++) {
  nodes.push({ name: "svc-" + String(i).padStart(2, "0"), x: fit(unit[i].x, ex, centre.x, radiusX), y: fit(unit[i].y, ey, centre.y, radiusY) });
}

function boxExit(c, toward) {
  const dx = toward.x - c.x;
  const dy = toward.y - c.y;
  if (dx === 0 && dy === 0) return { x: c.x, y: c.y };
  const sx = dx === 0 ? Infinity : HALF_W / Math.abs(dx);
  const sy = dy === 0 ? Infinity : HALF_H / Math.abs(dy);
  const s = Math.min(sx, sy, 1);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

// Edge list as the app's synthetic topology builds it: each service to the next on the
// ring, twice, with two different kinds; the two parallel curves bend apart by 13 units.
const edges = [];
for (const rotation of [0, 1]) {
  for (let i = 0; i < SERVICES; i++) {
    const index = edges.length;
    const from = nodes[i];
    const to = nodes[(i + 1) % SERVICES];
    const bend = rotation === 0 ? -13 : 13;
    const mid = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
    const len = Math.max(Math.hypot(to.x - from.x, to.y - from.y), 1e-9);
    const normal = { x: (to.y - from.y) / len, y: -(to.x - from.x) / len };
    const control = { x: mid.x + normal.x * bend * 2, y: mid.y + normal.y * bend * 2 };
    edges.push({
      index, from: i, to: (i + 1) % SERVICES, kind: KINDS[(i + rotation) % 3],
      p0: boxExit(from, control), p1: control, p2: boxExit(to, control),
    });
  }
}
const outgoing = nodes.map((_, i) => edges.filter((e) => e.from === i));

// --- The diagram, built once, as the app does: an SVG of edges and nodes ---
const stage = document.getElementById("stage");
document.getElementById("label").textContent = `${N} tokens, ${VARIANT}`;
const diagram = document.createElement("div");
diagram.className = "diagram";
diagram.style.width = WIDTH_PX + "px";
const svg = document.createElementNS(SVG_NS, "svg");
svg.setAttribute("class", "diagram-svg");
svg.setAttribute("viewBox", `0 0 ${VIEW_W} ${VIEW_H}`);
const f1 = (v) => v.toFixed(1);
svg.innerHTML =
  `<defs>
    <marker id="end-command" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="marker-command" d="M0 0 L10 5 L0 10 z"/></marker>
    <marker id="end-event" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="marker-event" d="M1 1 L9 5 L1 9"/></marker>
    <marker id="end-query" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="marker-query" d="M1 5 L5 1 L9 5 L5 9 z"/></marker>
  </defs>` +
  `<g class="edges">` +
  edges.map((e) => {
    const dash = { command: "none", event: "9 5", query: "2 4" }[e.kind];
    return `<g class="edge edge-${e.kind}" data-kind="${e.kind}"><path class="edge-line" d="M${f1(e.p0.x)} ${f1(e.p0.y)} Q${f1(e.p1.x)} ${f1(e.p1.y)} ${f1(e.p2.x)} ${f1(e.p2.y)}" stroke-dasharray="${dash}" marker-end="url(#end-${e.kind})"/></g>`;
  }).join("") +
  `</g><g class="nodes">` +
  nodes.map((n) => `<g class="node" data-service="${n.name}" transform="translate(${f1(n.x)} ${f1(n.y)})"><rect class="node-box" x="-24" y="-10" width="48" height="20" rx="4"/><text class="node-name" y="3" text-anchor="middle">${n.name}</text></g>`).join("") +
  `</g>`;
diagram.appendChild(svg);
stage.appendChild(diagram);
// The app makes the same mark at the same point: nodes and edges are in the DOM.
performance.mark("contrail:diagram");

// --- Tokens: each travels one edge, then starts a new hop from where it arrived ---
const tokens = [];
function startHop(token, edge, depart) {
  token.edge = edge;
  token.depart = depart;
  token.arrive = depart + 450 + random() * 300; // 450-750 ms per hop, as the app's 600 +- 150
}
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const token = { edge: null, depart: 0, arrive: 0, el: null };
  startHop(token, edges[Math.floor(random() * edges.length)], t0);
  // Spread the first hops so tokens do not all arrive in the same frame.
  const span = token.arrive - token.depart;
  const back = random() * span;
  token.depart -= back;
  token.arrive -= back;
  tokens.push(token);
}

function place(token, now, out) {
  const e = token.edge;
  const t = Math.min(1, Math.max(0, (now - token.depart) / (token.arrive - token.depart)));
  const u = 1 - t;
  out.x = u * u * e.p0.x + 2 * u * t * e.p1.x + t * t * e.p2.x;
  out.y = u * u * e.p0.y + 2 * u * t * e.p1.y + t * t * e.p2.y;
}

function advance(now) {
  for (const token of tokens) {
    while (token.arrive <= now) {
      const next = outgoing[token.edge.to];
      startHop(token, next[Math.floor(random() * next.length)], token.arrive);
    }
  }
}

// --- Drawing: one SVG element per token, or one canvas over the SVG ---
let draw;
const at = { x: 0, y: 0 };
if (VARIANT === "svg") {
  const layer = document.createElementNS(SVG_NS, "g");
  layer.setAttribute("class", "tokens");
  svg.appendChild(layer);
  const s = TOKEN_SIZE;
  const shapes = {
    command: () => { const r = document.createElementNS(SVG_NS, "rect"); r.setAttribute("x", -s); r.setAttribute("y", -s); r.setAttribute("width", 2 * s); r.setAttribute("height", 2 * s); return r; },
    event: () => { const c = document.createElementNS(SVG_NS, "circle"); c.setAttribute("r", s); return c; },
    query: () => { const p = document.createElementNS(SVG_NS, "path"); p.setAttribute("d", `M0 ${-s * 1.15} L${s * 1.1} ${s * 0.85} L${-s * 1.1} ${s * 0.85} Z`); return p; },
  };
  draw = (now) => {
    for (const token of tokens) {
      const kind = token.edge.kind;
      if (!token.el || token.el.__kind !== kind) {
        const el = shapes[kind]();
        el.setAttribute("class", `tok tok-${kind}`);
        el.__kind = kind;
        if (token.el) token.el.replaceWith(el); else layer.appendChild(el);
        token.el = el;
      }
      place(token, now, at);
      token.el.setAttribute("transform", `translate(${at.x.toFixed(1)} ${at.y.toFixed(1)})`);
    }
  };
} else {
  const canvas = document.createElement("canvas");
  canvas.className = "token-layer";
  diagram.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  const colours = { command: ["#2f6fde", "#173a78"], event: ["#e08a1e", "#7a4300"], query: ["#1f9e89", "#0b5247"] };
  let size = [0, 0];
  draw = (now) => {
    // Same steps as src/painter.rs: resize only on change, clear, one path per kind.
    const cssW = canvas.clientWidth;
    const cssH = canvas.clientHeight;
    const ratio = devicePixelRatio || 1;
    const wanted = [Math.round(cssW * ratio), Math.round(cssH * ratio)];
    if (wanted[0] !== size[0] || wanted[1] !== size[1]) {
      canvas.width = wanted[0];
      canvas.height = wanted[1];
      size = wanted;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, size[0], size[1]);
    const scale = Math.max(Math.min(cssW / VIEW_W, cssH / VIEW_H), 1e-9);
    const ox = (cssW - VIEW_W * scale) / 2;
    const oy = (cssH - VIEW_H * scale) / 2;
    ctx.setTransform(scale * ratio, 0, 0, scale * ratio, ox * ratio, oy * ratio);
    const s = TOKEN_SIZE;
    for (const kind of KINDS) {
      ctx.beginPath();
      let any = false;
      for (const token of tokens) {
        if (token.edge.kind !== kind) continue;
        any = true;
        place(token, now, at);
        const { x, y } = at;
        if (kind === "command") {
          ctx.moveTo(x - s, y - s); ctx.lineTo(x + s, y - s); ctx.lineTo(x + s, y + s); ctx.lineTo(x - s, y + s); ctx.closePath();
        } else if (kind === "event") {
          ctx.moveTo(x + s, y); ctx.arc(x, y, s, 0, 2 * Math.PI);
        } else {
          ctx.moveTo(x, y - s * 1.15); ctx.lineTo(x + s * 1.1, y + s * 0.85); ctx.lineTo(x - s * 1.1, y + s * 0.85); ctx.closePath();
        }
      }
      if (!any) continue;
      ctx.lineWidth = 1.6;
      ctx.strokeStyle = colours[kind][1];
      ctx.fillStyle = colours[kind][0];
      ctx.fill();
      ctx.stroke();
    }
  };
}

// --- One requestAnimationFrame loop; script time per frame kept for the report ---
const WORK = new Float64Array(600);
let frames = 0;
function frame(now) {
  const start = performance.now();
  advance(now);
  draw(now);
  WORK[frames % WORK.length] = performance.now() - start;
  frames += 1;
  if (frames === 1) window.__benchReady = true;
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// For bench/run.mjs: tokens in flight, and script ms per frame over the last 600 frames.
window.__benchInFlight = () => tokens.length;
window.__benchScriptMs = () => {
  const xs = Array.from(WORK.subarray(0, Math.min(frames, WORK.length))).sort((a, b) => a - b);
  const q = (p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] : null);
  return { p50: q(0.5), p95: q(0.95) };
};
