// stream.js: the stage (Streamlit components v2): Plotly figures that stay mounted, and a
// buffer of frames painted one per display frame (requestAnimationFrame): the regions and
// the diagram on a canvas under their plots (see "the live layer"), the numbers in a row.
//
// Payload (stream.py): {key, lib, order: [name], figs: {name: figure | {keep: digest}},
//   frames: [{epoch, m: [4 numbers], regions, boundary, atlas, links}], playing, fps,
//   numbers: [labels], digits: [per number], prefix, minWidth,
//   sources: {figure name: the part of a frame it paints ("" the frame, "a" frame.a)},
//   prefixes: {figure name: its title while playing},
//   every: seconds after which a playing page asks for its next batch (trigger "more")}
// A frame may hold its numbers in `n` ([epoch, ...]; else the epoch and `m`) and the
// pictures of several runs in parts (compare mode: `a` and `b`, each with `m`, `regions`,
// `boundary`, `atlas`, `links`); a curves figure's `layout.meta.series` names, per trace,
// the part and the index in its `m` that extends it.
// A figure is {data, layout, config, label, height, digest, links?}; a frame's `regions`
// and `atlas` are PNG data URIs, `boundary` an SVG path, `links` base64 bytes (the shape
// each link of the diagram is drawn in: sign * 4 + bin).
// Public Plotly API only: newPlot, react, relayout, extendTraces, restyle, purge.

const STATE = new Map(); // component key -> state (survives remounts of the element)
// What tests and benchmarks read: payloads and frames received, frames painted, the
// main thread's time in paints (ms), and the buffer's length.
const STATS = (window.npStream = window.npStream || {
  payloads: 0, received: 0, painted: 0, paintMs: 0, queue: 0, lastPayload: 0 });
const LEAD = 0.7; // seconds of frames kept ahead before painting starts (alone)...
const MAX_AHEAD = 7; // ...and at most (batches come seldom when many pages share a machine)
const PULL_GAP = 250; // ms at least between a batch's arrival and the next ask
const DIAGRAM_FPS = 20; // frames per second up to which the diagram is painted every frame
const CURVES_EVERY = 300; // ms between extendTraces of the curves
const MAX_CURVE = 1500; // points per curve before it is thinned by half
const DIGITS = [null, 4, 4, 3, 3]; // decimals of the numbers: epoch, losses, scores
let plotlyPromise = null;

function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyPromise) {
    plotlyPromise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        plotlyPromise = null;
        reject(new Error(`failed to load Plotly from ${url}`));
      };
      document.head.appendChild(script);
    });
  }
  return plotlyPromise;
}

// ------------------------------------------------------------------ numbers
function exp(v, digits) {
  // Python's "{:.Ne}": two exponent digits at least
  const [mant, e] = v.toExponential(digits).split("e");
  const sign = e[0] === "-" ? "-" : "+";
  return `${mant}e${sign}${e.replace(/^[+-]/, "").padStart(2, "0")}`;
}

function number(v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return "nan";
  const a = Math.abs(v);
  if (a > 0 && a < 10 ** -digits) return exp(v, 2);
  if (a < 1e4) return v.toFixed(digits);
  const p = v.toPrecision(3);
  return p.includes("e") ? exp(v, 2) : p;
}

function buildNumbers(st, labels, digits) {
  st.digits = digits || DIGITS;
  st.signed = labels.map((label) => label.startsWith("Δ"));
  st.numbers.style.setProperty("--np-count", String(Math.max(labels.length, 1)));
  if (st.numberLabels === labels.join("|")) return;
  st.numberLabels = labels.join("|");
  st.numbers.replaceChildren();
  st.values = labels.map((label) => {
    const box = document.createElement("div");
    const head = document.createElement("div");
    head.className = "np-number-label";
    head.textContent = label;
    const value = document.createElement("div");
    value.className = "np-number-value";
    value.setAttribute("aria-label", label);
    value.setAttribute("role", "status");
    box.append(head, value);
    st.numbers.appendChild(box);
    return value;
  });
}

function paintNumbers(st, f) {
  if (!st.values) return;
  const values = f.n || [f.epoch, ...f.m];
  st.values.forEach((el, i) => {
    const d = st.digits[i] === undefined ? DIGITS[i] : st.digits[i];
    const v = values[i];
    if (d === null || d === undefined) {
      el.textContent = v === null || v === undefined ? "" : Number(v).toLocaleString("en-US");
    } else {
      // a difference (its label starts with Δ) carries its sign
      const signed = st.signed[i] && typeof v === "number" && v > 0 ? "+" : "";
      el.textContent = signed + number(v, d);
    }
  });
}

// ------------------------------------------------------------------ theme
function theme(el) {
  const css = getComputedStyle(el);
  const text = css.getPropertyValue("--st-text-color").trim() || "#31333F";
  const font = css.getPropertyValue("--st-font").trim() || "sans-serif";
  const bg = css.getPropertyValue("--st-background-color").trim() || "#ffffff";
  return { text, font, bg, key: `${text}|${bg}` };
}

function luminance(color) {
  const probe = document.createElement("canvas").getContext("2d");
  probe.fillStyle = color;
  const hex = probe.fillStyle; // "#rrggbb" (or rgba(...) with alpha)
  const m = /^#(..)(..)(..)$/.exec(hex);
  if (!m) return 1;
  const [r, g, b] = m.slice(1).map((h) => parseInt(h, 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The figure's layout in the page's theme: transparent backgrounds, the theme's text
 * colour and font; on a dark theme, axes and grid lines that stay visible. */
function themed(layout, th, height, width) {
  const out = { ...layout, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)" };
  out.font = { ...(layout.font || {}), color: th.text, family: th.font };
  const dark = luminance(th.bg) < 0.4;
  for (const k of Object.keys(out)) {
    if (/^[xy]axis\d*$/.test(k)) {
      out[k] = { ...out[k] };
      if (dark) {
        out[k].gridcolor = "rgba(255,255,255,0.12)";
        out[k].linecolor = "rgba(255,255,255,0.35)";
        out[k].zerolinecolor = "rgba(255,255,255,0.25)";
      }
    }
  }
  // titles in the theme's text colour, unless the figure gives its own (compare mode's
  // A and B)
  if (out.title && out.title.font && !out.title.font.color) {
    out.title = { ...out.title, font: { ...out.title.font, color: th.text } };
  }
  // a fixed size (the cell's width; see the ResizeObserver): with autosize, every
  // relayout of a frame would measure the page again
  out.height = height;
  out.autosize = !width;
  if (width) out.width = width; else delete out.width;
  return out;
}

// ------------------------------------------------------------------ figures
function plotConfig(Plotly, name, extra) {
  return {
    displaylogo: false, responsive: false, displayModeBar: "hover",
    showSendToCloud: false, showEditInChartStudio: false, showLink: false,
    modeBarButtonsToRemove: ["sendDataToCloud", "select2d", "lasso2d"],
    toImageButtonOptions: { filename: `playground-${name}`, scale: 2 },
    // Offline: pictures save as PNG (Plotly's camera) or SVG (this button beside it)
    modeBarButtonsToAdd: [{
      name: "toSvg", title: "Download plot as SVG", icon: Plotly.Icons.disk,
      click: (gd) => Plotly.downloadImage(gd, { format: "svg", filename: `playground-${name}` }),
    }],
    ...extra,
  };
}

function plain(v) {
  return ArrayBuffer.isView(v) ? Array.from(v) : v;
}

/**
 * The plot area of ``gd`` as drawn, relative to its box, and its axes' ranges. Read once
 * Plotly's promise (newPlot, react, relayout of the size) has resolved: on the way there
 * it draws passes of other sizes and ranges, and a click measured against one of those
 * would land somewhere else than where it was made.
 */
function plotArea(gd) {
  const area = gd.querySelector(".nsewdrag");
  const xr = gd.layout && gd.layout.xaxis && gd.layout.xaxis.range;
  const yr = gd.layout && gd.layout.yaxis && gd.layout.yaxis.range;
  if (!area || !xr || !yr) return null;
  const a = area.getBoundingClientRect();
  const box = gd.getBoundingClientRect();
  return { left: a.left - box.left, top: a.top - box.top, width: a.width, height: a.height,
           xr: [+xr[0], +xr[1]], yr: [+yr[0], +yr[1]] };
}

const DRAW_RETRY_MS = 1500; // drawn clicks not confirmed by then are sent again...
const DRAW_RETRIES = 3; // ...a few times

/**
 * Send every drawn click the server has not confirmed (layout.meta.ack): a trigger that
 * arrives before the server read the previous one replaces it, so each carries them all
 * (the server skips those it has, by their sequence number).
 */
function sendDrawn(st, name, retries = DRAW_RETRIES) {
  clearTimeout(st.drawTimer);
  if (!st.drawn.length) return;
  const last = st.drawn[st.drawn.length - 1];
  st.setTriggerValue("click", { figure: name, points: [], at: last.at, clicks: st.drawn.slice(),
                                page: st.pageId, seq: ++st.seq });
  if (retries > 0) st.drawTimer = setTimeout(() => sendDrawn(st, name, retries - 1), DRAW_RETRY_MS);
}

/** The server has the drawn clicks up to ``ack`` = [page, seq]: forget them. */
function confirmDrawn(st, meta) {
  if (!meta.draw) {
    st.drawn = [];
  } else if (Array.isArray(meta.ack) && meta.ack[0] === st.pageId) {
    st.drawn = st.drawn.filter((c) => c.seq > meta.ack[1]);
  }
  if (!st.drawn.length) clearTimeout(st.drawTimer);
}

function attachEvents(st, name, cell) {
  const gd = cell.div;
  // layout.meta.draw: a click anywhere in the plot area reports its data coordinates
  // (drawing points); Plotly's own click event only fires on a trace's points.
  gd.addEventListener("click", (ev) => {
    const layout = gd.layout || {};
    const area = st.areas[name];
    if (!(layout.meta && layout.meta.draw) || !area) return;
    const box = gd.getBoundingClientRect();
    const fx = (ev.clientX - box.left - area.left) / area.width;
    const fy = (ev.clientY - box.top - area.top) / area.height;
    if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) return;
    const at = [area.xr[0] + fx * (area.xr[1] - area.xr[0]),
                area.yr[1] - fy * (area.yr[1] - area.yr[0])];
    st.drawn.push({ at, seq: ++st.drawSeq });
    sendDrawn(st, name);
  });
  gd.on("plotly_click", (ev) => {
    if (gd.layout && gd.layout.meta && gd.layout.meta.draw) return;
    const points = (ev.points || []).map((p) => ({
      curveNumber: p.curveNumber, pointNumber: p.pointNumber, x: p.x, y: p.y,
      customdata: plain(p.customdata), traceName: p.data && p.data.name,
    }));
    st.setTriggerValue("click", { figure: name, points, seq: ++st.seq });
  });
  gd.addEventListener("pointerdown", () => { st.dragging = true; });
}

function cellOf(st, name) {
  let cell = st.cells.get(name);
  if (!cell) {
    const div = document.createElement("div");
    div.className = "np-plot";
    div.dataset.figure = name;
    div.dataset.frames = "0";
    st.grid.appendChild(div);
    cell = { div, name, digest: null, plotted: false };
    st.cells.set(name, cell);
  }
  return cell;
}

function bump(cell) {
  cell.div.dataset.frames = String(Number(cell.div.dataset.frames) + 1);
}

async function drawFigures(st, payload) {
  const Plotly = st.Plotly;
  const th = theme(st.parent || st.grid); // (a component unmounted meanwhile: its grid)
  const rethemed = th.key !== st.themeKey;
  st.themeKey = th.key;
  for (const [name, cell] of st.cells) {
    if (!payload.order.includes(name)) {
      Plotly.purge(cell.div);
      cell.div.remove();
      st.cells.delete(name);
    }
  }
  const jobs = [];
  let restart = false;
  payload.order.forEach((name, i) => {
    let fig = payload.figs[name];
    const cell = cellOf(st, name);
    if (st.grid.children[i] !== cell.div) st.grid.insertBefore(cell.div, st.grid.children[i]);
    if (fig.layout && fig.layout.meta && "draw" in fig.layout.meta) confirmDrawn(st, fig.layout.meta);
    if (fig.keep) {
      if (cell.digest !== fig.keep) return requestResend(st);
      if (!rethemed) return undefined;
      fig = cell.fig; // the same figure in the new theme
    }
    if (fig !== cell.fig) fig = { ...fig, data: revive(fig.data || []) };
    cell.fig = fig;
    cell.digest = fig.digest;
    if (name in st.sources) restart = true;
    cell.div.style.gridColumn = fig.span ? `span ${fig.span}` : "";
    const height = fittedHeight(st, fig, cell.div);
    cell.div.style.height = `${height}px`;
    if (fig.label) {
      cell.div.setAttribute("aria-label", fig.label);
      cell.div.setAttribute("role", "figure");
    }
    cell.links = fig.links || null;
    const live = liveLayout(name, fig.layout || {});
    cell.live = live.parts;
    cell.liveOn = cell.pictureHidden = false; // the figure's own picture shows again
    cell.liveSeq = cell.drawnSeq = cell.liveSeq || 0; // (frames on their way are not drawn)
    if (cell.canvas) cell.canvas.hidden = true;
    const layout = themed(live.layout, th, height, cell.div.clientWidth);
    const config = plotConfig(Plotly, name, fig.config || {});
    if (name === "curves") cell.lastX = lastX(fig);
    if (!cell.plotted) {
      cell.plotted = true;
      jobs.push(Plotly.newPlot(cell.div, fig.data || [], layout, config).then(() => {
        st.areas[name] = plotArea(cell.div);
        attachEvents(st, name, cell);
        bump(cell);
      }));
    } else {
      jobs.push(Plotly.react(cell.div, fig.data || [], layout, config).then(() => {
        st.areas[name] = plotArea(cell.div);
        bump(cell);
      }));
    }
    return undefined;
  });
  await Promise.all(jobs);
  return restart;
}

/** The figure's height in its cell. A figure alone in its row (a phone: one column)
 * whose drawing keeps its shape (y anchored to x: the regions, the diagram) is made no
 * taller than that drawing needs at the cell's width, when that saves more than
 * FIT_SAVES of it: its fixed height left bands of empty room above and below. Side by
 * side, the cells keep the row's height. */
const FIT_SAVES = 0.15;
function fittedHeight(st, fig, div) {
  const height = fig.height || 300;
  const width = div.clientWidth;
  const alone = width > 0 && width >= st.grid.clientWidth - 1;
  const layout = fig.layout || {};
  const xr = (layout.xaxis || {}).range, yr = (layout.yaxis || {}).range;
  if (!alone || (layout.yaxis || {}).scaleanchor !== "x" || !xr || !yr) return height;
  const m = { l: 80, r: 80, t: 100, b: 80, ...(layout.margin || {}) }; // (Plotly's defaults)
  const drawing = (width - m.l - m.r) * Math.abs(yr[1] - yr[0]) / Math.abs(xr[1] - xr[0]);
  const needed = Math.ceil(drawing + m.t + m.b) + 4; // (+4: the drawing's edge lines)
  return needed < (1 - FIT_SAVES) * height ? needed : height;
}

function lastX(fig) {
  const x = ((fig.data || [])[0] || {}).x;
  return x && x.length ? x[x.length - 1] : -1;
}

const TYPED = { f8: Float64Array, f4: Float32Array, i4: Int32Array, u4: Uint32Array,
                u1: Uint8Array, i1: Int8Array, i2: Int16Array, u2: Uint16Array };

/** Plotly's typed-array specs ({dtype, bdata}) as typed arrays, so that the curves'
 * arrays can be extended (extendTraces) and read back. */
function revive(node) {
  if (Array.isArray(node)) return node.map(revive);
  if (node && typeof node === "object") {
    if (typeof node.bdata === "string" && TYPED[node.dtype]) {
      return new TYPED[node.dtype](decodeCodes(node.bdata).buffer);
    }
    const out = {};
    for (const k of Object.keys(node)) out[k] = revive(node[k]);
    return out;
  }
  return node;
}

function requestResend(st) {
  const now = performance.now();
  if (now - (st.lastResend || -1e9) < 1000) return;
  st.lastResend = now;
  st.setTriggerValue("resend", ++st.seq);
}

// ------------------------------------------------------------------ frames
function linkPaths(ends, codes, nShapes) {
  const parts = Array.from({ length: nShapes }, () => []);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < nShapes) {
      const e = ends[i];
      parts[c].push(`M${e[0]},${e[1]}L${e[2]},${e[3]}`);
    }
  }
  return parts.map((p) => p.join("") || "M0,0");
}

function decodeCodes(b64) {
  const raw = atob(b64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

// The regions and the diagram each show as ONE layout image: an SVG that holds the PNG
// picture and the paths drawn over it (the boundary; the links under the thumbnails),
// where hundreds of link shapes would make Plotly recompute the whole plot (~15-90 ms).
// Its parts (place, size, lines) are what the live layer paints frames with.
function liveLayout(name, layout) {
  const images = layout.images || [];
  const shapes = layout.shapes || [];
  const img = images[0];
  const kind = paintedAs(name);
  if (!img || !kind) return { layout, parts: null };
  const drawn = kind === "regions"
    ? shapes.slice(0, 1).filter((sh) => sh.type === "path")
    : shapes.filter((sh) => String(sh.name || "").startsWith("w "));
  const parts = { x: img.x, y: img.y, w: img.sizex, h: img.sizey,
                  lines: drawn.map((sh) => sh.line || {}) };
  const source = svgSource(parts, img.source, drawn.map((sh) => sh.path), kind === "network");
  return { parts, layout: { ...layout, shapes: shapes.filter((sh) => !drawn.includes(sh)),
                            images: [{ ...img, source }, ...images.slice(1)] } };
}

function svgSource(parts, png, paths, under) {
  const { x, y, w, h } = parts;
  const lines = paths.map((d, i) => {
    const line = parts.lines[i] || {};
    return `<path d="${d}" fill="none" stroke="${line.color || "#333"}" ` +
      `stroke-width="${line.width ?? 1.5}" vector-effect="non-scaling-stroke"/>`;
  }).join("");
  // data coordinates have y upwards: the paths are drawn in a flipped group
  const group = `<g transform="scale(1,-1)">${lines}</g>`;
  const picture = `<image href="${png}" x="${x}" y="${-y}" width="${w}" height="${h}" ` +
    `preserveAspectRatio="none"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" ` +
    `viewBox="${x} ${-y} ${w} ${h}" preserveAspectRatio="none">` +
    `${under ? group + picture : picture + group}</svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

// ------------------------------------------------------------------ the live layer
// While playing, the regions and the diagram are painted on a canvas under the plot
// (whose backgrounds are transparent), not through Plotly: each frame's PNG is decoded
// off the main thread (createImageBitmap) and drawn, and its paths stroked over it (the
// boundary) or under it (the links). Plotly redraws nothing per frame, and the browser
// builds no SVG picture per frame. The figure's own picture is hidden meanwhile; it is
// back when the figure is drawn anew (a paused stage).

function pngBlob(uri) {
  return new Blob([decodeCodes(uri.slice(uri.indexOf(",") + 1))], { type: "image/png" });
}

/** The canvas of ``cell``, over its plot area ``area`` and sized to it. */
function liveCanvas(cell, area, dpr) {
  let c = cell.canvas;
  if (!c) {
    c = cell.canvas = document.createElement("canvas");
    c.className = "np-live";
  }
  if (c.parentNode !== cell.div) cell.div.prepend(c); // first: under Plotly's layers
  const w = Math.round(area.width * dpr);
  const h = Math.round(area.height * dpr);
  if (c.width !== w || c.height !== h) {
    c.width = w;
    c.height = h;
    Object.assign(c.style, { left: `${area.left}px`, top: `${area.top}px`,
                             width: `${area.width}px`, height: `${area.height}px` });
  }
  c.hidden = false;
  return c;
}

/** Paint ``png`` (a data URI) with ``paths`` (SVG paths in data coordinates, drawn as
 * ``parts.lines`` say, ``under`` the picture or over it) on the canvas of ``name``. */
function paintLive(st, name, cell, png, paths, under) {
  const area = st.areas[name];
  if (!area) return;
  const seq = ++cell.liveSeq;
  createImageBitmap(pngBlob(png)).then((bitmap) => {
    if (seq <= cell.drawnSeq || !st.parent) { bitmap.close(); return; } // a newer one is up
    cell.drawnSeq = seq;
    bump(cell);
    const dpr = window.devicePixelRatio || 1;
    const ctx = liveCanvas(cell, area, dpr).getContext("2d");
    const sx = (area.width * dpr) / (area.xr[1] - area.xr[0]);
    const sy = (area.height * dpr) / (area.yr[1] - area.yr[0]);
    const toPixels = new DOMMatrix([sx, 0, 0, -sy, -area.xr[0] * sx, area.yr[1] * sy]);
    const { x, y, w, h, lines } = cell.live;
    const stroke = () => paths.forEach((d, i) => {
      const path = new Path2D();
      path.addPath(new Path2D(d), toPixels); // in pixels: the width is not scaled
      ctx.strokeStyle = (lines[i] || {}).color || "#333";
      ctx.lineWidth = ((lines[i] || {}).width ?? 1.5) * dpr;
      ctx.stroke(path);
    });
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    if (under) stroke();
    ctx.drawImage(bitmap, (x - area.xr[0]) * sx, (area.yr[1] - y) * sy, w * sx, h * sy);
    bitmap.close();
    if (!under) stroke();
    if (!cell.pictureHidden) { // the canvas shows it now: Plotly's picture goes
      cell.pictureHidden = true;
      const update = { "images[0].opacity": 0 };
      if (paintedAs(name) === "regions") { // the numbers tell the epoch
        update["title.text"] = st.prefixes[name] || st.prefix;
      }
      st.Plotly.relayout(cell.div, update);
    }
  }).catch(() => {});
}

/** Whether the frames of ``cell`` are painted on its canvas: from the first frame
 * painted while playing until the figure is drawn anew. */
function liveOn(st, cell) {
  if (!cell || !cell.plotted || !cell.live) return false;
  if (!cell.liveOn && st.playing) cell.liveOn = true;
  return cell.liveOn;
}

/** What a figure fed by the frames is: "regions" or "network" (by its name's start). */
function paintedAs(name) {
  if (name.startsWith("regions")) return "regions";
  return name.startsWith("network") ? "network" : null;
}

/** The part of frame ``f`` that figure ``name`` paints (the frame itself, or a run's). */
function partOf(st, name, f) {
  const path = st.sources[name];
  return path ? f[path] : f;
}

function paintRegions(st, name, f) {
  const cell = st.cells.get(name);
  if (!f || !f.regions || !liveOn(st, cell)) return;
  const paths = cell.live.lines.length && f.boundary != null ? [f.boundary] : [];
  paintLive(st, name, cell, f.regions, paths, false);
}

function paintDiagram(st, name, f) {
  const cell = st.cells.get(name);
  if (!f || !f.atlas || !cell || !cell.links || !liveOn(st, cell)) return;
  const paths = linkPaths(cell.links, decodeCodes(f.links), cell.live.lines.length);
  paintLive(st, name, cell, f.atlas, paths, true);
}

function flushCurves(st) {
  const cell = st.cells.get("curves");
  const points = st.curvePoints;
  st.curvePoints = [];
  if (!cell || !cell.plotted || !points.length) return;
  const gd = cell.div;
  if (cell.lastX < 0 && gd.data && gd.data[0] && gd.data[0].x && gd.data[0].x.length) {
    cell.lastX = gd.data[0].x[gd.data[0].x.length - 1];
  }
  const fresh = points.filter((f) => f.epoch > cell.lastX);
  if (!fresh.length) return;
  cell.lastX = fresh[fresh.length - 1].epoch;
  const xs = fresh.map((f) => f.epoch);
  // per trace, the part of a frame and the metric that extend it (train loss, test
  // loss, train score, test score of the frame itself by default)
  const meta = (gd.layout && gd.layout.meta) || {};
  const series = meta.series || [["", 0], ["", 1], ["", 2], ["", 3]];
  const ys = series.map(([path, k]) => fresh.map((f) => {
    const part = path ? f[path] : f;
    return part && part.m ? part.m[k] : null;
  }));
  const n = (gd.data || []).length;
  const traces = series.map((_, i) => i).filter((i) => i < n);
  const like = (arr, values) => (ArrayBuffer.isView(arr) ? new arr.constructor(values) : values);
  st.Plotly.extendTraces(gd, { x: traces.map((i) => like(gd.data[i].x, xs)),
                               y: traces.map((i) => like(gd.data[i].y, ys[i])) }, traces);
  if (!cell.autorange) {
    cell.autorange = true;
    st.Plotly.relayout(gd, { [gd.layout.xaxis2 ? "xaxis2.autorange" : "xaxis.autorange"]: true });
  }
  const len = gd.data[0].x.length;
  if (len > MAX_CURVE) { // thin by half: every other point, the last kept
    const keep = (arr) => Array.from(arr).filter((_, j) => (len - 1 - j) % 2 === 0);
    st.Plotly.restyle(gd, { x: traces.map((i) => keep(gd.data[i].x)),
                            y: traces.map((i) => keep(gd.data[i].y)) }, traces);
  }
  bump(cell);
}

function paint(st, f, diagram) {
  const t0 = performance.now();
  paintFrame(st, f, diagram);
  STATS.painted += 1;
  STATS.paintMs += performance.now() - t0;
}

function paintFrame(st, f, diagram) {
  paintNumbers(st, f);
  st.painted = f.epoch;
  st.numbers.dataset.epoch = String(f.epoch);
  if (st.dragging) return;
  for (const name of Object.keys(st.sources)) {
    const kind = paintedAs(name);
    if (kind === "regions") paintRegions(st, name, partOf(st, name, f));
    else if (kind === "network" && diagram) paintDiagram(st, name, partOf(st, name, f));
  }
}

/** Paint the newest frame of the buffer at once (the curves take them all): Pause shows
 * the run where it stands, not where the buffer had got to. */
function catchUp(st) {
  const q = st.queue;
  st.queue = [];
  STATS.queue = 0;
  if (!q.length) return;
  st.curvePoints.push(...q);
  paint(st, q[q.length - 1], true);
  flushCurves(st);
}

/** Ask for a display frame in `wait` ms: a page painting a few frames a second (many
 * pages sharing one machine) wakes for those frames only, not at every display frame. */
function schedule(st, wait) {
  stopTicks(st);
  const ask = () => { st.timer = 0; st.raf = requestAnimationFrame((t) => tick(st, t)); };
  if (wait > 20) st.timer = setTimeout(ask, wait - 10);
  else ask();
}

function stopTicks(st) {
  if (st.raf) cancelAnimationFrame(st.raf);
  clearTimeout(st.timer);
  st.raf = 0;
  st.timer = 0;
}

/** One display frame while playing: paint the frame due, if any, and ask for the display
 * frame of the next one. An empty buffer stops the ticks until frames arrive. */
function tick(st, now) {
  st.raf = 0;
  if (!st.playing || !st.parent) return;
  const dt = Math.min(now - (st.lastTick || now), 250);
  st.lastTick = now;
  const q = st.queue;
  // as many frames ahead as arrive in a batch and a bit (batches come slower when many
  // pages share the server)
  const ahead = Math.min(MAX_AHEAD, Math.max(LEAD, 1.3 * (st.batchEvery || 0) / 1000));
  const lead = Math.max(1, Math.round(st.fps * ahead));
  if (!st.started) { // fill the buffer a little first (for at most that long)
    if (!q.length) return;
    const waited = now - st.waitingSince;
    if (q.length < lead && waited < ahead * 1000) {
      schedule(st, Math.min(ahead * 1000 - waited, 100));
      return;
    }
    st.started = true;
    st.due = 1;
  }
  if (!q.length) { st.due = Math.min(st.due, 1); return; }
  // a buffer that grows (the server ahead) is caught up, up to twice the pace, one
  // frame per display frame: every frame is painted while the browser keeps up
  const rate = st.fps * Math.min(2, Math.max(1, q.length / (2 * lead)));
  st.due = Math.min(st.due + (dt * rate) / 1000, 2);
  if (st.due >= 1) {
    st.due -= 1;
    const n = q.length > 8 * lead ? q.length - 2 * lead : 1; // far behind: skip ahead
    const done = q.splice(0, n);
    st.curvePoints.push(...done);
    const f = done[done.length - 1];
    // the diagram costs more than the regions: above DIAGRAM_FPS frames per second it
    // is painted with every other frame (each time with the regions of its own epoch;
    // when many pages share a machine, the server sends it with every other frame)
    st.turn = !st.turn;
    paint(st, f, st.fps <= DIAGRAM_FPS || st.turn);
    // the curves a few times a second; once a batch when batches come seldom (many
    // pages share the machine: a redraw of the chart costs more than a frame)
    const curvesEvery = st.batchEvery > 1000 ? st.batchEvery : CURVES_EVERY;
    if (now - (st.lastCurves || 0) >= curvesEvery) {
      st.lastCurves = now;
      const t0 = performance.now();
      flushCurves(st);
      STATS.paintMs += performance.now() - t0;
    }
  }
  STATS.queue = q.length;
  schedule(st, st.due >= 1 ? 0 : ((1 - st.due) * 1000) / rate);
}

/** While playing, ask for the next batch `every` seconds after the last ask (a trigger:
 * Streamlit reruns the live view), once this one has arrived, and again if none comes. Batches never queue up behind
 * a busy server or browser, and a page that is slow to take them asks less often. */
function pullLater(st, every) {
  clearTimeout(st.pullTimer);
  st.pullTimer = 0;
  if (!st.playing || !every) return;
  const ask = () => {
    if (!st.playing || !st.parent) return;
    st.lastPull = performance.now();
    st.setTriggerValue("more", ++st.seq);
    st.pullTimer = setTimeout(ask, 2000 * every + 2000); // none came: ask again
  };
  // `every` from the last ask (the batch's way here included), and not before the run
  // that brought this batch has ended (a run asked for while the last still runs starts
  // the moment it ends, and drops what it had not yet sent)
  const since = performance.now() - (st.lastPull || 0);
  st.pullTimer = setTimeout(ask, Math.max(PULL_GAP, every * 1000 - since));
}

/** While paused, a sign of life every `heartbeat` seconds (and when the tab shows again):
 * the server keeps the run of a page that is still open. */
function beat(st, seconds) {
  if (st.beatSeconds === seconds) return;
  st.beatSeconds = seconds;
  clearInterval(st.beatTimer);
  st.beatTimer = setInterval(() => {
    if (!st.playing && st.parent) st.setTriggerValue("alive", ++st.seq);
  }, Math.max(0.5, seconds) * 1000);
}

function takeFrames(st, payload, restart) {
  const frames = payload.frames || [];
  STATS.payloads += 1;
  STATS.received += frames.length;
  const now = performance.now();
  if (payload.playing && st.lastBatch) { // the time between batches (a moving average)
    st.batchEvery = 0.7 * (st.batchEvery || now - st.lastBatch) + 0.3 * (now - st.lastBatch);
  }
  st.lastBatch = payload.playing ? now : 0;
  STATS.lastPayload = now;
  st.fps = Math.max(1, Math.min(60, payload.fps || 30));
  st.prefix = payload.prefix || "Output";
  if (!payload.playing) {
    st.playing = false;
    st.frozen = 0;
    st.queue = [];
    st.started = false;
    stopTicks(st);
    flushCurves(st);
    const last = frames[frames.length - 1];
    if (last) {
      paint(st, last, true);
      st.lastQueued = last.epoch;
    }
    return;
  }
  const newest = frames.length ? frames[frames.length - 1].epoch : -1;
  if (restart || !st.playing || newest < st.lastQueued) { // a new line of epochs
    st.queue = [];
    st.lastQueued = restart || newest < st.lastQueued ? -1 : st.painted ?? -1;
    st.started = false;
  }
  if (!st.queue.length) st.waitingSince = performance.now();
  for (const f of frames) {
    if (f.epoch > st.lastQueued) {
      st.queue.push(f);
      st.lastQueued = f.epoch;
    }
  }
  if (performance.now() - (st.frozen || -1e9) < 1500) { // Pause pressed: its rerun follows;
    catchUp(st); // a batch that was on its way holds the run's newest epoch
    return;
  }
  st.playing = true;
  if (!st.raf && !st.timer) schedule(st, 0);
}

// ------------------------------------------------------------------ lifecycle
function init(key) {
  const st = { key, cells: new Map(), queue: [], curvePoints: [], seq: 0, playing: false,
               areas: {}, // figure name -> its plot area as last drawn (see plotArea)
               pageId: Math.random().toString(36).slice(2), // this page's drawn clicks...
               drawSeq: 0, drawn: [], drawTimer: null, // ...numbered, until confirmed
               lastQueued: -1, painted: null, fps: 30, prefix: "Output", chain: Promise.resolve(),
               sources: { regions: "", network: "" }, prefixes: {}, digits: DIGITS, signed: [] };
  st.numbers = document.createElement("div");
  st.numbers.className = "np-numbers";
  st.numbers.hidden = true;
  st.grid = document.createElement("div");
  st.grid.className = "np-grid";
  st.error = document.createElement("pre");
  st.error.className = "np-error";
  st.error.hidden = true;
  st.onUp = () => { st.dragging = false; };
  for (const type of ["pointerup", "pointercancel", "blur"]) window.addEventListener(type, st.onUp);
  // Pause (the play button while playing, or Space) stops painting at once and paints
  // the newest frame held: the run's epoch as of its last batch sent (a batch still
  // training then is dropped: the server takes the run back to that epoch). The rerun
  // the click starts confirms the run's state.
  st.onPress = (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    const play = target && target.closest(".st-key-play");
    const space = ev.type === "keydown" && ev.key === " " && !(target && target.closest("input, textarea, [contenteditable]"));
    if (st.playing && (play || space)) {
      st.playing = false;
      st.frozen = performance.now();
      stopTicks(st);
      catchUp(st);
    }
  };
  for (const type of ["pointerdown", "click", "keydown"]) {
    document.addEventListener(type, st.onPress, true);
  }
  st.onShow = () => {
    if (document.visibilityState === "visible" && !st.playing && st.parent) {
      st.setTriggerValue("alive", ++st.seq);
    }
  };
  document.addEventListener("visibilitychange", st.onShow);
  st.resize = new ResizeObserver(() => {
    if (!st.Plotly) return;
    for (const cell of st.cells.values()) {
      const width = cell.div.clientWidth;
      if (cell.plotted && width && cell.div.layout && cell.div.layout.width !== width) {
        const height = fittedHeight(st, cell.fig, cell.div);
        cell.div.style.height = `${height}px`;
        st.Plotly.relayout(cell.div, { width, height, autosize: false }).then(() => {
          st.areas[cell.name] = plotArea(cell.div);
        }).catch(() => {});
      }
    }
  });
  st.resize.observe(st.grid);
  STATE.set(key, st);
  return st;
}

function mount(st, parent) {
  clearTimeout(st.purgeTimer);
  st.parent = parent;
  parent.append(st.error, st.numbers, st.grid);
}

function release(st, parent) {
  if (st.parent !== parent) return;
  st.parent = null;
  st.purgeTimer = setTimeout(() => {
    if (st.parent) return;
    stopTicks(st);
    for (const type of ["pointerup", "pointercancel", "blur"]) window.removeEventListener(type, st.onUp);
    for (const type of ["pointerdown", "click", "keydown"]) {
      document.removeEventListener(type, st.onPress, true);
    }
    document.removeEventListener("visibilitychange", st.onShow);
    clearInterval(st.beatTimer);
    clearTimeout(st.drawTimer);
    clearTimeout(st.pullTimer);
    st.resize.disconnect();
    if (st.Plotly) for (const cell of st.cells.values()) st.Plotly.purge(cell.div);
    STATE.delete(st.key);
  }, 5000);
}

async function apply(st, payload) {
  try {
    st.Plotly = await loadPlotly(payload.lib);
    buildNumbers(st, payload.numbers || [], payload.digits);
    st.sources = payload.sources || { regions: "", network: "" };
    st.prefixes = payload.prefixes || {};
    st.numbers.hidden = !payload.playing;
    st.grid.style.setProperty("--np-min", `${payload.minWidth || 380}px`);
    st.grid.style.gridTemplateColumns = payload.columns > 0
      ? `repeat(${payload.columns}, minmax(0, 1fr))` : "";
    if (payload.heartbeat) beat(st, payload.heartbeat);
    const restart = await drawFigures(st, payload);
    takeFrames(st, payload, restart);
    pullLater(st, payload.every);
    st.error.hidden = true;
  } catch (err) {
    console.error("stage stream:", err);
    st.error.textContent = `stage: ${err.message || err}`;
    st.error.hidden = false;
  }
}

export default function stageStream(component) {
  const { parentElement, data } = component;
  if (!data) return undefined;
  const st = STATE.get(data.key) || init(data.key);
  if (st.parent !== parentElement) mount(st, parentElement);
  st.setTriggerValue = component.setTriggerValue;
  st.chain = st.chain.then(() => apply(st, data)); // payloads in order, one at a time
  return () => release(st, parentElement);
}
