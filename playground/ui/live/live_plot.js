// live_plot.js: Streamlit components-v2 module that keeps Plotly figures mounted.
//
// Streamlit calls the default export again on every rerun with the *same*
// `parentElement` (as long as the component keeps the same `key`) and a new
// `data` payload. We therefore keep one graph div per figure name inside the
// parent element, call Plotly.newPlot once and Plotly.react afterwards.
//
// Payload (built by live_plot.py):
//   * either a plain JSON object, or
//   * a Uint8Array: [u32 LE json length][json utf-8][pad to 8][binary buffers]
//     where the JSON refers to buffers as {"__nd__": [offset, nbytes], "dtype": "f4",
//     "shape": [rows, cols]}; offsets are relative to the start of the binary part.
// JSON object: {key, lib, columns, height, gap, order: [name], figs: {name: {data, layout,
//               config, span, height}}}

// Diagnostics for tests/benchmarks: mounts, adoptions (remounts survived), frames, render ms.
const STATS = (window.__livePlot = window.__livePlot || {
  mounts: 0,
  adoptions: 0,
  frames: 0,
  renderMs: [],
});
const STATE = new WeakMap(); // parentElement -> per-instance state
const BY_KEY = new Map(); // user key -> state (survives React remounts of the element)
let plotlyPromise = null;

/** Load plotly.min.js once per page (classic script => sets window.Plotly). */
function loadPlotly(url) {
  if (window.__livePlotPlotly) return Promise.resolve(window.__livePlotPlotly);
  if (!plotlyPromise) {
    plotlyPromise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => {
        window.__livePlotPlotly = window.Plotly;
        resolve(window.Plotly);
      };
      script.onerror = () => {
        plotlyPromise = null;
        reject(new Error(`live_plot: failed to load Plotly from ${url}`));
      };
      document.head.appendChild(script);
    });
  }
  return plotlyPromise;
}

const DTYPES = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  u1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
};

/** Turn one {"__nd__": ...} reference into a typed array (1-D) or array of rows (2-D). */
function reviveArray(ref, bin) {
  const [offset, nbytes] = ref.__nd__;
  const Ctor = DTYPES[ref.dtype] || Float32Array;
  // slice() copies into a fresh, aligned ArrayBuffer (protobuf byte offsets are arbitrary).
  const flat = new Ctor(bin.slice(offset, offset + nbytes).buffer);
  const shape = ref.shape || [flat.length];
  if (shape.length === 1) return flat;
  const [rows, cols] = shape;
  const out = new Array(rows);
  // Plain arrays per row: every trace type accepts them (typed rows are not universal).
  for (let r = 0; r < rows; r++) out[r] = Array.from(flat.subarray(r * cols, (r + 1) * cols));
  return out;
}

function revive(node, bin) {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = revive(node[i], bin);
    return node;
  }
  if (node && typeof node === "object") {
    if (node.__nd__) return reviveArray(node, bin);
    for (const k of Object.keys(node)) node[k] = revive(node[k], bin);
  }
  return node;
}

/** Decode the payload sent by Python into a plain object with typed arrays. */
function decode(data) {
  if (!(data instanceof Uint8Array)) return data;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const jsonLen = view.getUint32(0, true);
  const json = new TextDecoder().decode(data.subarray(4, 4 + jsonLen));
  const binStart = Math.ceil((4 + jsonLen) / 8) * 8;
  return revive(JSON.parse(json), data.subarray(binStart));
}

function cssVar(el, name, fallback) {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

/** Theme-aware layout defaults (transparent background, Streamlit text colour and font). */
function themedLayout(layout, theme, uirevision) {
  const out = Object.assign({}, layout);
  if (out.paper_bgcolor === undefined) out.paper_bgcolor = "rgba(0,0,0,0)";
  if (out.plot_bgcolor === undefined) out.plot_bgcolor = "rgba(0,0,0,0)";
  const font = Object.assign({}, out.font || {});
  if (font.color === undefined) font.color = theme.color;
  if (font.family === undefined) font.family = theme.family;
  out.font = font;
  if (out.uirevision === undefined) out.uirevision = uirevision;
  if (out.margin === undefined) out.margin = { l: 40, r: 10, t: 30, b: 30 };
  out.autosize = true;
  delete out.width; // the grid cell decides the width
  return out;
}

function pointPayload(p) {
  const out = {
    curveNumber: p.curveNumber,
    pointIndex: p.pointIndex,
    pointNumber: p.pointNumber,
    x: p.x,
    y: p.y,
  };
  if (p.z !== undefined) out.z = p.z;
  if (p.customdata !== undefined) out.customdata = p.customdata;
  if (p.text !== undefined) out.text = p.text;
  if (p.data && p.data.name !== undefined) out.traceName = p.data.name;
  return out;
}

/**
 * The plot area of ``gd`` as drawn, relative to its box, and its axes' ranges. Read once
 * Plotly's promise (newPlot, react, resize) has resolved: on the way there it draws
 * passes of other sizes and ranges (and says "afterplot" after them), and a click
 * measured against one of those would land somewhere else than where it was made.
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

const DRAW_RETRY_MS = 1500; // clicks not confirmed by then are sent again...
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
                                page: st.pageId, seq: ++st.eventSeq });
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

function attachEvents(st, name, gd) {
  // layout.meta.draw: a click anywhere in the plot area reports its data coordinates
  // (drawing points); Plotly's own click event only fires on a trace's points.
  const drawing = () => !!(gd.layout && gd.layout.meta && gd.layout.meta.draw);
  gd.addEventListener("click", (ev) => {
    const area = st.areas[name];
    if (!drawing() || !area) return;
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
    if (drawing()) return;
    const points = (ev.points || []).map(pointPayload);
    st.setTriggerValue("click", { figure: name, points, seq: ++st.eventSeq });
  });
  // Remember the pointer so the hover label can be recomputed after each react()
  // (react() clears it, which would make labels blink at the update rate).
  gd.addEventListener("mousemove", (ev) => {
    st.mouse[name] = ev;
  });
  gd.addEventListener("mouseleave", () => {
    delete st.mouse[name];
  });
  // Do not react() in the middle of a drag (zoom box / pan): wait for pointerup.
  gd.addEventListener("pointerdown", () => {
    st.dragging = true;
  });
}

function ensureCell(st, name) {
  let cell = st.cells.get(name);
  if (!cell) {
    const div = document.createElement("div");
    div.className = "lp-cell";
    div.dataset.figure = name;
    st.grid.appendChild(div);
    cell = { div, plotted: false };
    st.cells.set(name, cell);
  }
  return cell;
}

function showError(st, err) {
  if (!err && !st.errorBox) return;
  if (!st.errorBox) {
    st.errorBox = document.createElement("pre");
    st.errorBox.className = "lp-error";
    st.grid.before(st.errorBox);
  }
  st.errorBox.textContent = err ? `live_plot: ${err.message || err}` : "";
  st.errorBox.style.display = err ? "" : "none";
}

async function renderAll(st) {
  if (st.rendering || st.dragging || !st.latest || !st.parent) return;
  st.rendering = true;
  try {
    while (st.latest && !st.dragging && st.parent) {
      const payload = st.latest;
      st.latest = null;
      try {
        const t0 = performance.now();
        await renderPayload(st, payload);
        STATS.frames += 1;
        STATS.renderMs.push(performance.now() - t0);
        if (STATS.renderMs.length > 100) STATS.renderMs.shift();
        showError(st, null);
      } catch (err) {
        console.error("live_plot:", err);
        showError(st, err);
      }
      // Yield one frame so the browser can paint before the next react().
      await new Promise((r) => requestAnimationFrame(r));
    }
  } finally {
    st.rendering = false;
  }
}

/**
 * Fast path for a figure whose traces and layout are unchanged except for image
 * sources, shape paths and the title text (the decision regions, every frame): patch
 * the SVG in place instead of Plotly.react, whose fixed cost (~20 ms a figure here)
 * would dominate. gd.layout is updated too, so any later redraw (zoom) stays right.
 * Returns false (=> use Plotly.react) if the drawn elements are not where expected.
 */
function patchLayout(gd, layout) {
  const fl = gd._fullLayout;
  if (!fl || !gd.layout) return false;
  const images = layout.images || [];
  const imageEls = gd.querySelectorAll(".imagelayer image");
  const shapes = layout.shapes || [];
  const shapeEls = gd.querySelectorAll(".shapelayer path");
  if (imageEls.length !== images.length || shapeEls.length !== shapes.length) return false;
  const xa = fl.xaxis;
  const ya = fl.yaxis;
  if (shapes.length && (!xa || !ya || xa.type !== "linear" || ya.type !== "linear")) return false;
  images.forEach((im, i) => {
    imageEls[i].setAttribute("href", im.source);
    imageEls[i].setAttributeNS("http://www.w3.org/1999/xlink", "xlink:href", im.source);
    gd.layout.images[i].source = im.source;
    if (fl.images && fl.images[i]) fl.images[i].source = im.source;
  });
  shapes.forEach((sh, i) => {
    // "Mx,yLx,y..." in data coordinates -> pixels of the drawn plot area
    const d = sh.path.replace(/([ML])(-?[\d.]+),(-?[\d.]+)/g, (_m, cmd, x, y) =>
      `${cmd}${(xa._offset + xa.l2p(+x)).toFixed(1)},${(ya._offset + ya.l2p(+y)).toFixed(1)}`);
    shapeEls[i].setAttribute("d", d);
    gd.layout.shapes[i].path = sh.path;
    if (fl.shapes && fl.shapes[i]) fl.shapes[i].path = sh.path;
  });
  const text = layout.title && layout.title.text;
  if (text !== undefined) {
    const title = gd.querySelector(".g-gtitle text, .gtitle");
    if (title) title.textContent = text;
    if (gd.layout.title) gd.layout.title.text = text;
  }
  return true;
}

function requestResend(st) {
  const wait = (st.lastResend || -1e9) + 1000 - performance.now();
  if (wait > 0) {
    // One request in flight is enough, but do not drop this one: if a figure is still
    // missing once the last request had time to land, ask again. (Dropping it could leave
    // a paused view showing an old frame for good: no new payload would come to retry.)
    if (!st.resendTimer) {
      st.resendTimer = setTimeout(() => {
        st.resendTimer = null;
        if (missingKept(st)) requestResend(st);
      }, wait);
    }
    return;
  }
  st.lastResend = performance.now();
  STATS.resends = (STATS.resends || 0) + 1;
  st.setTriggerValue("resend", ++st.eventSeq);
}

/** Whether ``fig`` says "keep" for a figure that ``cell`` does not hold. */
function lacksKept(cell, fig) {
  return Boolean(fig.keep) && !(cell && cell.plotted && cell.digest === fig.keep);
}

/** Whether the last rendered payload told a cell to keep a figure it does not hold. */
function missingKept(st) {
  const payload = st.rendered;
  if (!payload || !st.parent) return false;
  return Object.entries(payload.figs).some(([name, fig]) => lacksKept(st.cells.get(name), fig));
}

/**
 * Only the newest payload is rendered; one that arrives before the previous was drawn
 * may say "keep" for a figure that only the previous one carried: carry it forward.
 */
function carryForward(pending, payload) {
  if (!pending) return;
  for (const [name, fig] of Object.entries(payload.figs)) {
    const old = pending.figs[name];
    if (fig.keep && old && !old.keep && old.digest === fig.keep) {
      payload.figs[name] = Object.assign({}, old, { height: fig.height, span: fig.span });
    }
  }
}

/** A mode bar button that saves the plot as SVG (Plotly's own camera saves PNG). */
function svgButton(Plotly, name) {
  return {
    name: "toSvg",
    title: "Download plot as SVG",
    icon: Plotly.Icons.disk,
    click: (gd) => Plotly.downloadImage(gd, { format: "svg", filename: `playground-${name}` }),
  };
}

async function renderPayload(st, payload) {
  const Plotly = st.Plotly;
  st.rendered = payload;
  st.grid.classList.toggle("lp-auto", payload.columns === 0);
  st.grid.style.setProperty("--lp-cols", String(payload.columns || 1));
  st.grid.style.setProperty("--lp-min", `${payload.minWidth || 380}px`);
  st.grid.style.setProperty("--lp-gap", `${payload.gap ?? 8}px`);
  const names = payload.order || Object.keys(payload.figs);
  // Remove figures that disappeared.
  for (const [name, cell] of st.cells) {
    if (!names.includes(name)) {
      Plotly.purge(cell.div);
      cell.div.remove();
      st.cells.delete(name);
    }
  }
  const theme = {
    color: cssVar(st.parent, "--st-text-color", "#31333F"),
    family: cssVar(st.parent, "--st-font", "sans-serif"),
  };
  const jobs = [];
  names.forEach((name, idx) => {
    const fig = payload.figs[name];
    const cell = ensureCell(st, name);
    if (st.grid.children[idx] !== cell.div) st.grid.insertBefore(cell.div, st.grid.children[idx]);
    const height = fig.height || (fig.layout && fig.layout.height) || payload.height || 300;
    cell.div.style.height = `${height}px`;
    if (fig.label && cell.div.getAttribute("aria-label") !== fig.label) {
      cell.div.setAttribute("aria-label", fig.label);
      cell.div.setAttribute("role", "figure");
    }
    cell.div.style.gridColumn = fig.span ? `span ${fig.span}` : "";
    if (fig.layout && fig.layout.meta && "draw" in fig.layout.meta) confirmDrawn(st, fig.layout.meta);
    if (fig.keep) {
      // Python did not resend an unchanged figure. If this cell does not hold it (a
      // frame carrying it was never rendered here), ask for everything again.
      if (lacksKept(cell, fig)) requestResend(st);
      return;
    }
    if (cell.plotted && fig.digest && fig.digest === cell.digest && theme.color === st.themeColor) {
      return; // unchanged figure: skip Plotly.react entirely
    }
    const sameTraces =
      cell.tdig && fig.tdig && cell.tdig.length === fig.tdig.length &&
      fig.tdig.every((d, i) => d === cell.tdig[i]);
    if (fig.patchable && cell.plotted && sameTraces && fig.ldig && fig.ldig === cell.ldig &&
        theme.color === st.themeColor && !st.dragging && patchLayout(cell.div, fig.layout)) {
      cell.digest = fig.digest; // only pictures, paths or the title changed: patched
      cell.div.__lpFrames = (cell.div.__lpFrames || 0) + 1;
      return;
    }
    cell.digest = fig.digest;
    cell.ldig = fig.ldig;
    // Unchanged traces keep their previous object: Plotly compares data arrays by
    // reference, so it neither recomputes nor redraws them (e.g. the data points while
    // only the decision regions change).
    const data = (fig.data || []).map((trace, i) =>
      cell.data && cell.tdig && fig.tdig && cell.tdig[i] === fig.tdig[i] && cell.data[i]
        ? cell.data[i]
        : trace,
    );
    cell.data = data;
    cell.tdig = fig.tdig;
    const layout = themedLayout(fig.layout || {}, theme, `${st.key}:${name}`);
    layout.height = height;
    // Offline only: no button that sends a chart to an online service. Pictures save as
    // PNG (Plotly's camera) or SVG (the button beside it), drawn in the browser.
    const config = Object.assign(
      { displaylogo: false, responsive: false, displayModeBar: "hover",
        showSendToCloud: false, showEditInChartStudio: false, showLink: false,
        modeBarButtonsToRemove: ["sendDataToCloud", "select2d", "lasso2d"],
        modeBarButtonsToAdd: [svgButton(Plotly, name)],
        toImageButtonOptions: { filename: `playground-${name}`, scale: 2 } },
      fig.config || {},
    );
    if (!cell.plotted) {
      cell.plotted = true;
      jobs.push(
        Plotly.newPlot(cell.div, data, layout, config).then((gd) => {
          gd.__lpFrames = 1; // updates applied to this plot (read by tests/benchmarks)
          st.areas[name] = plotArea(gd);
          attachEvents(st, name, gd);
        }),
      );
    } else {
      jobs.push(
        Plotly.react(cell.div, data, layout, config).then((gd) => {
          gd.__lpFrames = (gd.__lpFrames || 0) + 1;
          st.areas[name] = plotArea(gd);
          const ev = st.mouse[name];
          // Fx.hover(gd, event) measures from event.target: only the (persistent) drag layer.
          if (ev && ev.target && ev.target.isConnected && ev.target.classList.contains("drag")) {
            try {
              Plotly.Fx.hover(gd, ev);
            } catch (_e) {
              /* the hovered element vanished */
            }
          }
        }),
      );
    }
  });
  st.themeColor = theme.color;
  await Promise.all(jobs);
  st.frames += 1;
  st.grid.dispatchEvent(new CustomEvent("livePlotFrame", { detail: st.frames, bubbles: true }));
}

function initState(component, key) {
  const { parentElement } = component;
  STATS.mounts += 1;
  const grid = document.createElement("div");
  grid.className = "lp-grid";
  parentElement.appendChild(grid);
  const st = {
    parent: parentElement,
    grid,
    key,
    cells: new Map(),
    mouse: {},
    areas: {}, // figure name -> its plot area as last drawn (see plotArea)
    latest: null,
    rendering: false,
    dragging: false,
    frames: 0,
    eventSeq: 0,
    pageId: Math.random().toString(36).slice(2), // this page's drawn clicks, numbered:
    drawSeq: 0,
    drawn: [], // [{at: [x, y], seq}] not yet confirmed by the server
    drawTimer: null,
    Plotly: null,
    purgeTimer: null,
    errorBox: null,
    setTriggerValue: component.setTriggerValue,
  };
  st.onUp = () => {
    if (!st.dragging) return;
    st.dragging = false;
    renderAll(st);
  };
  for (const type of ["pointerup", "pointercancel", "blur"]) window.addEventListener(type, st.onUp);
  st.resizeObserver = new ResizeObserver(() => {
    if (!st.Plotly) return;
    for (const cell of st.cells.values()) {
      // Detached (being adopted) or hidden divs cannot be resized: Plotly rejects.
      if (cell.plotted && cell.div.isConnected && cell.div.offsetParent !== null) {
        const name = cell.div.dataset.figure;
        st.Plotly.Plots.resize(cell.div).then(() => {
          st.areas[name] = plotArea(cell.div);
        }).catch(() => {});
      }
    }
  });
  st.resizeObserver.observe(grid);
  STATE.set(parentElement, st);
  if (key != null) BY_KEY.set(key, st);
  return st;
}

/**
 * Streamlit can remount the element (new parentElement) although the key is the
 * same, e.g. once during the first seconds after page load. Move the existing
 * grid (with its live Plotly divs) into the new parent instead of re-plotting.
 */
function adopt(st, parentElement) {
  STATS.adoptions += 1;
  clearTimeout(st.purgeTimer);
  if (st.parent) STATE.delete(st.parent);
  st.parent = parentElement;
  if (st.errorBox) parentElement.appendChild(st.errorBox);
  parentElement.appendChild(st.grid);
  STATE.set(parentElement, st);
  return st;
}

function destroy(st) {
  for (const type of ["pointerup", "pointercancel", "blur"]) window.removeEventListener(type, st.onUp);
  st.resizeObserver.disconnect();
  clearTimeout(st.resendTimer);
  clearTimeout(st.drawTimer);
  if (st.Plotly) for (const cell of st.cells.values()) st.Plotly.purge(cell.div);
  st.grid.remove();
  if (st.errorBox) st.errorBox.remove();
  if (BY_KEY.get(st.key) === st) BY_KEY.delete(st.key);
}

/** Unmount: detach now, purge later unless a remount with the same key adopts it. */
function release(st, parentElement) {
  if (st.parent !== parentElement) return; // already adopted by a newer mount
  STATE.delete(parentElement);
  st.parent = null;
  st.grid.remove();
  if (st.errorBox) st.errorBox.remove();
  st.purgeTimer = setTimeout(() => {
    if (!st.parent) destroy(st);
  }, 5000);
}

export default function livePlot(component) {
  const { parentElement, data } = component;
  if (!data) return undefined;
  const payload = decode(data);
  let st = STATE.get(parentElement);
  if (!st) {
    const prev = payload.key != null ? BY_KEY.get(payload.key) : undefined;
    st = prev ? adopt(prev, parentElement) : initState(component, payload.key);
  }
  // Functions may be re-created by Streamlit between runs; always use the newest.
  st.setTriggerValue = component.setTriggerValue;
  carryForward(st.latest, payload);
  st.latest = payload;
  loadPlotly(payload.lib)
    .then((Plotly) => {
      st.Plotly = Plotly;
      return renderAll(st);
    })
    .catch((err) => showError(st, err));
  return () => release(st, parentElement);
}
