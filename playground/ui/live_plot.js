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
// JSON object: {v, lib, columns, height, gap, order: [name], figs: {name: {data, layout,
//               config, span, height}}}

const STATE = new WeakMap(); // parentElement -> per-instance state
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
function themedLayout(layout, host, uirevision) {
  const out = Object.assign({}, layout);
  if (out.paper_bgcolor === undefined) out.paper_bgcolor = "rgba(0,0,0,0)";
  if (out.plot_bgcolor === undefined) out.plot_bgcolor = "rgba(0,0,0,0)";
  const font = Object.assign({}, out.font || {});
  if (font.color === undefined) font.color = cssVar(host, "--st-text-color", "#31333F");
  if (font.family === undefined) font.family = cssVar(host, "--st-font", "sans-serif");
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

function attachEvents(st, name, gd) {
  gd.on("plotly_click", (ev) => {
    const points = (ev.points || []).map(pointPayload);
    st.setTriggerValue("click", { figure: name, points, seq: ++st.eventSeq });
  });
  gd.on("plotly_hover", (ev) => {
    st.hover[name] = ev.points.map((p) => ({ curveNumber: p.curveNumber, pointNumber: p.pointNumber }));
  });
  gd.on("plotly_unhover", () => {
    delete st.hover[name];
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
    cell = { div, plotted: false, pending: null };
    st.cells.set(name, cell);
  }
  return cell;
}

async function renderAll(st) {
  if (st.rendering || st.dragging || !st.latest) return;
  st.rendering = true;
  try {
    while (st.latest && !st.dragging) {
      const payload = st.latest;
      st.latest = null;
      await renderPayload(st, payload);
      // Yield one frame so the browser can paint before the next react().
      await new Promise((r) => requestAnimationFrame(r));
    }
  } finally {
    st.rendering = false;
  }
}

async function renderPayload(st, payload) {
  const Plotly = st.Plotly;
  st.grid.style.setProperty("--lp-cols", String(payload.columns || 1));
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
  const jobs = [];
  names.forEach((name, idx) => {
    const fig = payload.figs[name];
    const cell = ensureCell(st, name);
    if (st.grid.children[idx] !== cell.div) st.grid.insertBefore(cell.div, st.grid.children[idx]);
    const height = fig.height || (fig.layout && fig.layout.height) || payload.height || 300;
    cell.div.style.height = `${height}px`;
    cell.div.style.gridColumn = fig.span ? `span ${fig.span}` : "";
    const layout = themedLayout(fig.layout || {}, st.parent, `${st.key}:${name}`);
    layout.height = height;
    const config = Object.assign(
      { displaylogo: false, responsive: false, displayModeBar: "hover" },
      fig.config || {},
    );
    if (!cell.plotted) {
      cell.plotted = true;
      jobs.push(
        Plotly.newPlot(cell.div, fig.data || [], layout, config).then((gd) => {
          attachEvents(st, name, gd);
        }),
      );
    } else {
      jobs.push(
        Plotly.react(cell.div, fig.data || [], layout, config).then((gd) => {
          const hover = st.hover[name];
          if (hover) {
            try {
              Plotly.Fx.hover(gd, hover);
            } catch (_e) {
              /* hover target vanished */
            }
          }
        }),
      );
    }
  });
  await Promise.all(jobs);
  st.frames += 1;
  st.parent.dispatchEvent(new CustomEvent("livePlotFrame", { detail: st.frames, bubbles: true }));
}

function initState(component) {
  const { parentElement } = component;
  const grid = document.createElement("div");
  grid.className = "lp-grid";
  parentElement.appendChild(grid);
  const st = {
    parent: parentElement,
    grid,
    key: component.key,
    cells: new Map(),
    hover: {},
    latest: null,
    rendering: false,
    dragging: false,
    frames: 0,
    eventSeq: 0,
    Plotly: null,
    setTriggerValue: component.setTriggerValue,
  };
  const onUp = () => {
    if (!st.dragging) return;
    st.dragging = false;
    renderAll(st);
  };
  window.addEventListener("pointerup", onUp);
  st.resizeObserver = new ResizeObserver(() => {
    if (!st.Plotly) return;
    for (const cell of st.cells.values()) {
      if (cell.plotted) st.Plotly.Plots.resize(cell.div);
    }
  });
  st.resizeObserver.observe(grid);
  st.cleanup = () => {
    window.removeEventListener("pointerup", onUp);
    st.resizeObserver.disconnect();
    if (st.Plotly) for (const cell of st.cells.values()) st.Plotly.purge(cell.div);
    grid.remove();
    STATE.delete(parentElement);
  };
  STATE.set(parentElement, st);
  return st;
}

export default function livePlot(component) {
  const { parentElement, data } = component;
  if (!data) return undefined;
  const st = STATE.get(parentElement) || initState(component);
  // Functions may be re-created by Streamlit between runs; always use the newest.
  st.setTriggerValue = component.setTriggerValue;
  st.latest = decode(data);
  const libUrl = st.latest.lib;
  loadPlotly(libUrl)
    .then((Plotly) => {
      st.Plotly = Plotly;
      return renderAll(st);
    })
    .catch((err) => {
      st.grid.textContent = String(err);
    });
  return st.cleanup;
}
