// The globe page of `goldendome serve`: pick or upload a scenario, run one trial and replay it on an offline
// CesiumJS globe, or run a Monte Carlo study and chart it. Talks only to this server's /api (see /docs).
"use strict";

// -- the globe, offline: Natural Earth II imagery shipped with Cesium, no ion, no terrain ----------------------------
Cesium.Ion.defaultAccessToken = "unused"; // nothing here calls ion; set so Cesium does not warn about a default token
const viewer = new Cesium.Viewer("globe", {
  baseLayer: Cesium.ImageryLayer.fromProviderAsync(
    Cesium.TileMapServiceImageryProvider.fromUrl(Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII"))),
  baseLayerPicker: false, geocoder: false, homeButton: true, sceneModePicker: true,
  navigationHelpButton: false, navigationInstructionsInitiallyVisible: false,
  fullscreenButton: false, timeline: true, animation: true,
  requestRenderMode: true, // draw only when the clock moves or something changes: an idle page leaves the CPU alone
});
window.viewer = viewer; // for the browser test and for the curious, in the console

// the state of the page, read by the browser test
const gd = window.gd = { runId: null, studyId: null, loaded: false, shownMs: null, filesMs: null, error: null };

// -- the server's token (one beyond loopback): given once in the address (?token=...), kept for this tab, taken out
// of the address bar, and sent on every API call (a header), event stream and download link (a query parameter)
const token = (() => {
  const url = new URL(location.href);
  const given = url.searchParams.get("token");
  if (given !== null) {
    sessionStorage.setItem("goldendome-token", given);
    url.searchParams.delete("token");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem("goldendome-token");
})();
const withToken = (url) => token ? `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : url;

function api(url, init = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return fetch(url, { ...init, headers });
}

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const fmt = (v, d = 1) => (v === null || v === undefined || Number.isNaN(v)) ? "–" : Number(v).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

let uploaded = null; // {text, format} of an uploaded scenario file
let scene = null;    // the run's CzmlDataSource
let satellites = null; // {points, positions, t_s, epoch}

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
  if (isError) gd.error = text;
}

async function errorText(response) {
  try {
    const body = await response.json();
    const d = body.detail;
    if (d && d.errors) return d.errors.join("\n");
    return typeof d === "string" ? d : JSON.stringify(d);
  } catch (e) {
    return `${response.status} ${response.statusText}`;
  }
}

async function getJSON(url) {
  const r = await api(url);
  if (!r.ok) throw new Error(await errorText(r));
  return r.json();
}

// -- scenarios: the built-in list, or an uploaded file checked by /api/validate ----------------------------------------
async function loadScenarios() {
  const [list, version] = await Promise.all([getJSON("/api/scenarios"), getJSON("/api/version")]);
  $("version").textContent = version.goldendome;
  $("trials").max = version.max_trials;
  for (const s of list) {
    const o = new Option(`${s.name} — ${s.title}`, s.name, s.name === "default", s.name === "default");
    o.title = s.description || "";
    o.dataset.defended = s.defended;
    $("scenario").add(o);
  }
  describeScenario();
}

// the picker's tooltip: the chosen scenario's whole name (the box may cut it short) and its description
function describeScenario() {
  const o = $("scenario").selectedOptions[0];
  $("scenario").title = o ? [o.text, o.title].filter(Boolean).join("\n\n") : "";
}
$("scenario").addEventListener("change", describeScenario);

$("upload").addEventListener("change", async (ev) => {
  const file = ev.target.files[0];
  if (!file) return;
  const format = /\.toml$/i.test(file.name) ? "toml" : "yaml";
  const text = await file.text();
  const r = await api("/api/validate", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text, format }) });
  const box = $("validation");
  if (!r.ok) { box.innerHTML = `<div class="error">${esc(await errorText(r))}</div>`; uploaded = null; return; }
  const v = await r.json();
  if (!v.ok) {
    box.innerHTML = `<div class="error">${esc(file.name)} has ${v.errors.length} problem(s):</div><ul>` +
      v.errors.map((e) => `<li>${esc(e)}</li>`).join("") + "</ul>";
    uploaded = null;
    return;
  }
  box.innerHTML = `<div class="ok">${esc(file.name)}: ${esc(v.name)}, ${v.threats} threat(s)${v.defended ? ", defended" : ""} — valid</div>`;
  uploaded = { text, format, name: file.name };
  let o = $("scenario").querySelector("option[value='__upload__']");
  if (!o) { o = new Option("", "__upload__"); $("scenario").add(o, 0); }
  o.text = `uploaded: ${file.name}`;
  o.dataset.defended = v.defended;
  $("scenario").value = "__upload__";
  describeScenario();
});

function scenarioRequest() {
  const name = $("scenario").value;
  if (name === "__upload__" && uploaded) return { text: uploaded.text, format: uploaded.format };
  return { builtin: name };
}

// -- jobs: start one, follow its server-sent events -------------------------------------------------------------------
async function start(url, body) {
  const r = await api(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(await errorText(r));
  return (await r.json()).id;
}

const FINAL = ["done", "failed", "cancelled"];

function follow(id, onState) {
  return new Promise((resolve) => {
    const source = new EventSource(withToken(`/api/runs/${id}/events`));
    source.onmessage = (ev) => {
      const state = JSON.parse(ev.data);
      $("progress").value = state.progress;
      onState(state);
      if (FINAL.includes(state.state)) { source.close(); resolve(state); }
    };
    source.onerror = () => { // the server went away: ask once more, plainly
      source.close();
      getJSON(`/api/runs/${id}`).then((state) => { onState(state); resolve(state); })
        .catch((e) => { status(`lost the server: ${e.message}`, true); resolve(null); });
    };
  });
}

let current = null; // the id of the job running now, for Cancel

function busy(on) {
  $("run").disabled = on;
  $("mc").disabled = on;
  if (!on) { current = null; $("cancel").disabled = true; }
}

function started(id) {
  current = id;
  $("cancel").disabled = false;
  return id;
}

// the job's state in words: cancelled and failed jobs say why
function stateText(s, what = "") {
  if (s.state === "failed") return `failed: ${s.error}`;
  if (s.state === "cancelled") return `${what}${s.stage}`;
  return null;
}

$("cancel").addEventListener("click", async () => {
  if (!current) return;
  const r = await api(`/api/runs/${current}`, { method: "DELETE" });
  if (!r.ok && r.status !== 409) status(await errorText(r), true); // 409: it ended meanwhile
});

$("run").addEventListener("click", async () => {
  busy(true);
  const t0 = performance.now();
  gd.loaded = false; gd.shownMs = null; gd.filesMs = null; gd.error = null;
  try {
    const id = gd.runId = started(await start("/api/runs", scenarioRequest()));
    let loading = null;
    const final = await follow(id, (s) => {
      status(stateText(s) ?? `${s.state}: ${s.stage} (${fmt(s.elapsed_s ?? 0, 1)} s)`, s.state === "failed");
      const ready = ["globe.czml", "satellites.json", "satellites.bin"].every((f) => s.files.includes(f));
      if (ready && !loading) {
        gd.filesMs = performance.now() - t0;
        loading = showRun(id).then(() => { gd.shownMs = performance.now() - t0; });
      }
    });
    if (loading) await loading;
    if (final && final.state === "done") {
      await showSummary(id);
      showDownloads(id, final.files, "run");
      status(`done: shown ${fmt(gd.shownMs / 1000, 1)} s after Run`);
    }
  } catch (e) {
    status(e.message, true);
  } finally {
    busy(false);
  }
});

$("mc").addEventListener("click", async () => {
  const option = $("scenario").selectedOptions[0];
  if (option && option.dataset.defended === "false") {
    status(`${option.value} has no defence: a Monte Carlo study repeats a battle (try 'default' or 'critique-salvo')`, true);
    return;
  }
  busy(true);
  try {
    const id = gd.studyId = started(await start("/api/studies", { ...scenarioRequest(), trials: Number($("trials").value) }));
    const final = await follow(id, (s) => status(stateText(s, "study ") ?? `study ${s.state}: ${s.stage}`, s.state === "failed"));
    if (final && final.state === "done") {
      await showStudy(id);
      showDownloads(id, final.files, "study");
      status(`study done: ${final.trials} trials in ${fmt(final.elapsed_s, 0)} s`);
    }
  } catch (e) {
    status(e.message, true);
  } finally {
    busy(false);
  }
});

// -- the run on the globe ---------------------------------------------------------------------------------------------
async function showRun(id) {
  const [czml, meta, bin] = await Promise.all([
    getJSON(`/api/runs/${id}/files/globe.czml`),
    getJSON(`/api/runs/${id}/files/satellites.json`),
    api(`/api/runs/${id}/files/satellites.bin`).then((r) => r.arrayBuffer()),
  ]);
  if (scene) viewer.dataSources.remove(scene, true);
  if (satellites) viewer.scene.primitives.remove(satellites.points);
  scene = await Cesium.CzmlDataSource.load(czml);
  keepFlownPaths(scene);
  await viewer.dataSources.add(scene);
  labels.sites = siteLabels(scene);
  labels.view = null;
  labels.settled = false;
  viewer.clockTrackedDataSource = scene;
  viewer.clock.shouldAnimate = true;
  viewer.timeline.zoomTo(scene.clock.startTime, scene.clock.stopTime);
  satellites = satellitePoints(meta, new Float32Array(bin));
  viewer.scene.primitives.add(satellites.points);
  aim(czml);
  applyLayerToggles();
  $("layers").hidden = false;
  $("play").textContent = "Pause";
  viewer.scene.requestRender();
  gd.loaded = true;
}

// Each flight phase is its own entity, available from its first sample to its end (or its kill). Keep it to the end of
// the scenario, so that the path flown stays drawn in its phase's colours; past its last sample it has no position,
// so its point disappears while its path stays.
function keepFlownPaths(ds) {
  const stop = ds.clock.stopTime;
  for (const e of ds.entities.values) {
    if (!e.id.startsWith("object/") || !e.availability) continue;
    const start = e.availability.start;
    e.availability = new Cesium.TimeIntervalCollection([new Cesium.TimeInterval({ start, stop })]);
  }
}

// -- site labels, decluttered in screen space ------------------------------------------------------------------------
// Sites a few hundred km apart (Clear's radars and Fort Greely, Seattle's two batteries) are a few pixels apart at
// globe scale, and their labels would print over each other. After every change of view the labels are placed one by
// one in order of their sites' reach (properties.reach_km, io/czml.py: the farthest-acting first), each beside its
// point (right, left, above or below) in the first place inside the globe's canvas that overlaps no label placed
// before it nor another site's point (failing that, only points of sites ranked below it, whose labels then stay
// hidden); a label with no free place is hidden until the view leaves it room (zoom in).
// Labels are drawn without the depth test (which cuts a label at ground level in half), so those of sites beyond the
// horizon are hidden here. Sites sharing a base already share one label (io/czml.py).
const LABEL_GAP_PX = 3;      // kept free around every label
const SITE_RADIUS_PX = 4;    // the sites' points are 8 px (io/czml.py)
const LINE_SPACING = 1.2;    // Cesium's line spacing, in font sizes (LabelCollection.js defaultLineSpacingPercent)
const labels = gd.labels = { sites: [], view: null, settled: false, shown: 0, hidden: 0 };

// The sites of a run's scene ({entity, position, priority, label: {w, h} or null}), highest priority first.
function siteLabels(ds) {
  const now = viewer.clock.currentTime;
  const ctx = document.createElement("canvas").getContext("2d");
  const out = [];
  for (const e of ds.entities.values) {
    if (!(e.id.startsWith("radar/") || e.id.startsWith("battery/")) || !e.position) continue;
    const reach = e.properties && e.properties.reach_km ? e.properties.reach_km.getValue(now) : 0;
    const site = { entity: e, position: e.position.getValue(now), priority: reach, label: null };
    if (e.label) {
      const font = e.label.font ? e.label.font.getValue(now) : "30px sans-serif"; // Cesium's default font
      ctx.font = font;
      const lines = String(e.label.text.getValue(now)).split("\n");
      const size = Number((/([\d.]+)px/.exec(font) || [0, 30])[1]);
      const pad = e.label.showBackground && e.label.showBackground.getValue(now) && e.label.backgroundPadding
        ? e.label.backgroundPadding.getValue(now) : { x: 0, y: 0 };
      site.label = {
        w: Math.max(...lines.map((t) => ctx.measureText(t).width)) + 2 * pad.x,
        h: size * LINE_SPACING * lines.length + 2 * pad.y,
      };
      e.label.horizontalOrigin = Cesium.HorizontalOrigin.CENTER;
      e.label.verticalOrigin = Cesium.VerticalOrigin.CENTER;
      e.label.disableDepthTestDistance = Number.POSITIVE_INFINITY;
    }
    out.push(site);
  }
  return out.sort((a, b) => b.priority - a.priority || (a.entity.id < b.entity.id ? -1 : 1));
}

// A point on the ellipsoid is in sight of the camera when the camera is above its horizon plane: in coordinates
// scaled by the ellipsoid's radii (the ellipsoid a unit sphere), p . c > 1.
function aboveHorizon(p, camera) {
  const r = Cesium.Ellipsoid.WGS84.radii;
  return p.x * camera.x / (r.x * r.x) + p.y * camera.y / (r.y * r.y) + p.z * camera.z / (r.z * r.z) > 1;
}

const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function placeLabels() {
  const sc = viewer.scene, canvas = sc.canvas, camera = sc.camera.positionWC;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  const in3d = sc.mode === Cesium.SceneMode.SCENE3D;
  const points = [], placed = [], r = SITE_RADIUS_PX + LABEL_GAP_PX;
  labels.sites.forEach((s, rank) => {
    s.covered = false;
    s.window = (!in3d || aboveHorizon(s.position, camera)) ? Cesium.SceneTransforms.worldToWindowCoordinates(sc, s.position) : undefined;
    if (s.window) points.push({ site: s, rank, x: s.window.x - r, y: s.window.y - r, w: 2 * r, h: 2 * r });
  });
  // a point on (or half under) a site's own point is one of its base's, whose label names it (io/czml.py)
  const under = (q, s) => Math.hypot(q.site.window.x - s.window.x, q.site.window.y - s.window.y) <= SITE_RADIUS_PX;
  let shown = 0, hidden = 0;
  labels.sites.forEach((s, rank) => {
    if (!s.label) return;
    let box = null;
    if (s.window && !s.covered) {
      const w = s.label.w + 2 * LABEL_GAP_PX, h = s.label.h + 2 * LABEL_GAP_PX;
      const dx = SITE_RADIUS_PX + w / 2, dy = SITE_RADIUS_PX + h / 2;
      const boxes = [[dx, 0], [-dx, 0], [0, -dy], [0, dy]] // right, left, above, below
        .map(([ox, oy]) => ({ x: s.window.x + ox - w / 2, y: s.window.y + oy - h / 2, w, h, ox, oy }))
        .filter((b) => b.x >= 0 && b.y >= 0 && b.x + w <= width && b.y + h <= height && !placed.some((q) => overlaps(b, q)));
      const hits = (b) => points.filter((q) => !under(q, s) && overlaps(b, q));
      // a crowd of minor sites' points never hides a major site's name: it may cover them (their labels then hide)
      box = boxes.find((b) => hits(b).length === 0) || boxes.find((b) => hits(b).every((q) => q.rank > rank)) || null;
      if (box) for (const q of hits(box)) q.site.covered = true;
    }
    const label = s.entity.label;
    if (box) {
      placed.push(box);
      label.pixelOffset = new Cesium.Cartesian2(box.ox, box.oy);
      shown++;
    } else {
      hidden++;
    }
    label.show = box !== null;
  });
  labels.shown = shown;
  labels.hidden = hidden;
}

// Placed after a frame whose view differs from the last placement's (a camera move, a resize, a new scene), then one
// more frame drawn with the labels where they now are; `settled` tells the browser test that frame has been drawn.
// Views are compared within a tolerance: the camera's vectors differ by rounding (1e-16) from frame to frame.
function sameView(a, b) {
  const eq = Cesium.Cartesian3.equalsEpsilon;
  return a !== null && b !== null && a.mode === b.mode && a.width === b.width && a.height === b.height &&
    eq(a.position, b.position, 0, 1e-3) && eq(a.direction, b.direction, 0, 1e-9) && eq(a.up, b.up, 0, 1e-9);
}

viewer.scene.postRender.addEventListener((sc) => {
  if (!labels.sites.length) return;
  const c = sc.camera;
  const view = {
    position: Cesium.Cartesian3.clone(c.positionWC), direction: Cesium.Cartesian3.clone(c.directionWC),
    up: Cesium.Cartesian3.clone(c.upWC), width: sc.canvas.clientWidth, height: sc.canvas.clientHeight, mode: sc.mode,
  };
  if (sameView(view, labels.view)) { labels.settled = true; return; }
  labels.view = view;
  labels.settled = false;
  placeLabels();
  sc.requestRender();
});

// Every satellite is one point of a single PointPrimitiveCollection, moved each frame by linear interpolation between
// the server's samples (Earth-fixed, every 60 s): one draw call for 10,000 satellites, no entity per satellite.
const ROLE_COLOURS = { tracking: "#78beff", warning: "#c88cff", interceptor: "#2ad4d4" };

function satellitePoints(meta, positions) {
  const points = new Cesium.PointPrimitiveCollection();
  const [, count] = meta.shape;
  let k = 0;
  for (const c of meta.constellations) {
    const color = Cesium.Color.fromCssColorString(ROLE_COLOURS[c.role] || "#ffffff").withAlpha(c.role === "interceptor" ? 0.7 : 1.0);
    const size = c.role === "interceptor" ? 2 : 4;
    for (let j = 0; j < c.count; j++, k++) points.add({ position: new Cesium.Cartesian3(), color, pixelSize: size, id: `satellite/${c.name}/${j}` });
  }
  const sats = { points, positions, t_s: meta.t_s, count, epoch: Cesium.JulianDate.fromIso8601(meta.epoch), last: null };
  return sats;
}

const scratch = new Cesium.Cartesian3();
viewer.scene.preUpdate.addEventListener((_, time) => {
  if (!satellites || !satellites.points.show) return;
  const s = satellites;
  const t = Cesium.JulianDate.secondsDifference(time, s.epoch);
  if (t === s.last) return;
  s.last = t;
  const ts = s.t_s;
  let i = 0, hi = ts.length - 1; // the sample interval holding t (binary search; clamped at the ends)
  while (hi - i > 1) { const mid = (i + hi) >> 1; if (ts[mid] <= t) i = mid; else hi = mid; }
  const f = Math.min(1, Math.max(0, (t - ts[i]) / (ts[hi] - ts[i] || 1)));
  const a = i * s.count * 3, b = hi * s.count * 3, p = s.positions;
  for (let j = 0; j < s.count; j++) {
    const o = 3 * j;
    scratch.x = p[a + o] + f * (p[b + o] - p[a + o]);
    scratch.y = p[a + o + 1] + f * (p[b + o + 1] - p[a + o + 1]);
    scratch.z = p[a + o + 2] + f * (p[b + o + 2] - p[a + o + 2]);
    const point = s.points.get(j);
    // a decayed satellite is NaN from its decay on (sgp4's report): hidden, never given a NaN position
    point.show = Number.isFinite(scratch.x) && Number.isFinite(scratch.y) && Number.isFinite(scratch.z);
    if (point.show) point.position = scratch;
  }
});

// Look at the flights: the mean direction of the objects' samples (unit vectors, so a salvo over the date line works).
function aim(czml) {
  let x = 0, y = 0, z = 0;
  for (const p of czml) {
    const deg = p.position && p.position.cartographicDegrees;
    if (!deg || !(p.id.startsWith("object/") || p.id.startsWith("battery/") || p.id.startsWith("radar/"))) continue;
    const step = p.position.epoch ? 4 : 3; // time-tagged samples [t, lon, lat, h]*, or one [lon, lat, h]
    for (let i = 0; i + step - 1 < deg.length; i += step) {
      const lon = Cesium.Math.toRadians(deg[i + step - 3]), lat = Cesium.Math.toRadians(deg[i + step - 2]);
      x += Math.cos(lat) * Math.cos(lon); y += Math.cos(lat) * Math.sin(lon); z += Math.sin(lat);
    }
  }
  if (x === 0 && y === 0 && z === 0) return;
  const lon = Math.atan2(y, x), lat = Math.atan2(z, Math.hypot(x, y));
  viewer.camera.setView({ destination: Cesium.Cartesian3.fromRadians(lon, lat, 14.0e6) });
}

function applyLayerToggles() {
  const on = {};
  for (const box of document.querySelectorAll("#layers input[data-layer]")) on[box.dataset.layer] = box.checked;
  if (satellites) satellites.points.show = on.satellites;
  if (!scene) return;
  for (const e of scene.entities.values) {
    if (e.id.startsWith("footprint/")) e.show = on.footprint;
    else if (e.id.startsWith("coverage/")) e.show = on.coverage;
    else if (e.id.startsWith("interceptor/") || e.id.startsWith("sbi/")) e.show = on.interceptors;
  }
  viewer.scene.requestRender();
}

for (const box of document.querySelectorAll("#layers input[data-layer]")) box.addEventListener("change", applyLayerToggles);
$("play").addEventListener("click", () => {
  viewer.clock.shouldAnimate = !viewer.clock.shouldAnimate;
  $("play").textContent = viewer.clock.shouldAnimate ? "Pause" : "Play";
  viewer.scene.requestRender();
});

// -- the side panel -------------------------------------------------------------------------------------------------
function table(head, rows) {
  return "<table><tr>" + head.map((h) => `<th>${esc(h)}</th>`).join("") + "</tr>" +
    rows.map((r) => "<tr>" + r.map((c) => `<td>${esc(c)}</td>`).join("") + "</tr>").join("") + "</table>";
}

async function showSummary(id) {
  const s = await getJSON(`/api/runs/${id}/summary`);
  let html = `<h2>Run: ${esc(s.scenario)}</h2><div class="muted">seed ${esc(s.seed)}, epoch ${esc(s.epoch)}</div>`;
  const b = s.battle;
  if (b) {
    html += table(["battle", ""], [["lethal objects", b.lethal_objects], ["killed", b.killed], ["leakers", b.leakers],
      ["interceptor cost", `$${fmt(b.cost_musd, 0)}M`], ["people in struck metros", fmt(b.people_in_struck_metros, 0)]]);
    if (b.layers && b.layers.length) {
      html += table(["layer", "rounds", "kills", "misses"], b.layers.map((l) => [l.layer, l.rounds, l.kills, l.misses]));
    }
    const leaks = Object.entries(b.leakers_by_asset || {});
    if (leaks.length) html += table(["leakers at", "n"], leaks);
  }
  if (s.threats && s.threats.length) {
    html += table(["threat", "apogee km", "flight min", "first seen s"], s.threats.map((t) =>
      [t.name, fmt(t.apogee_km, 0), fmt(t.flight_time_min, 1), fmt(t.first_detection_s, 0)]));
  }
  if (s.constellations && s.constellations.length) {
    html += table(["constellation", "role", "satellites"], s.constellations.map((c) => [c.name, c.role || "", c.satellites]));
  }
  if (s.warnings && s.warnings.length) html += "<ul>" + s.warnings.map((w) => `<li>${esc(w)}</li>`).join("") + "</ul>";
  $("summary").innerHTML = html;
  $("summary").hidden = false;
}

function showDownloads(id, files, kind) {
  const links = files.map((f) => `<a href="${esc(withToken(`/api/runs/${id}/files/${encodeURIComponent(f)}`))}" ${f.endsWith(".html") ? 'target="_blank"' : "download"}>${esc(f)}</a>`);
  $("downloads").innerHTML = `<h2>Files of the ${kind}</h2>` + links.join(" ");
  $("downloads").hidden = false;
}

// -- Monte Carlo charts: small inline SVGs drawn here (no chart library) --------------------------------------------
const W = 330;

function svg(height, body) {
  return `<svg class="chart" viewBox="0 0 ${W} ${height}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`;
}

// P(no leaker) on a 0-1 axis: the estimate and its Wilson interval
function pZeroChart(st) {
  const x = (p) => 20 + p * (W - 40);
  const [lo, hi] = st.p_zero_ci;
  let g = `<line class="axis" x1="${x(0)}" y1="40" x2="${x(1)}" y2="40"/>`;
  for (const t of [0, 0.25, 0.5, 0.75, 1]) g += `<line class="axis" x1="${x(t)}" y1="40" x2="${x(t)}" y2="44"/><text x="${x(t)}" y="56" text-anchor="middle">${t}</text>`;
  g += `<rect x="${x(lo)}" y="22" width="${Math.max(1, x(hi) - x(lo))}" height="12" fill="#3cdc5a" opacity="0.35"/>`;
  g += `<line x1="${x(st.p_zero)}" y1="18" x2="${x(st.p_zero)}" y2="38" stroke="#3cdc5a" stroke-width="3"/>`;
  g += `<text x="20" y="12">P(no leaker) ${fmt(st.p_zero, 3)}, ${Math.round(st.confidence * 100)}% Wilson interval ${fmt(lo, 3)}–${fmt(hi, 3)}</text>`;
  return svg(62, g);
}

// trials by number of leakers
function histogramChart(st) {
  const bins = st.leakers_histogram;
  const most = Math.max(...bins.map((b) => b.leakers), 0);
  const counts = Array.from({ length: most + 1 }, (_, k) => (bins.find((b) => b.leakers === k) || { trials: 0 }).trials);
  const top = Math.max(...counts, 1), h = 110, base = h - 18, bw = (W - 40) / counts.length;
  let g = `<text x="20" y="12">trials by number of leakers (mean ${fmt(st.leakers_mean, 2)})</text>`;
  g += `<line class="axis" x1="20" y1="${base}" x2="${W - 20}" y2="${base}"/>`;
  counts.forEach((n, k) => {
    const bh = (base - 32) * n / top, x = 20 + k * bw;
    g += `<rect x="${x + 1}" y="${base - bh}" width="${Math.max(1, bw - 2)}" height="${bh}" fill="${k === 0 ? "#3cdc5a" : "#e61414"}"><title>${k} leaker(s): ${n} trials</title></rect>`;
    if (counts.length <= 20 || k % Math.ceil(counts.length / 20) === 0) g += `<text x="${x + bw / 2}" y="${base + 12}" text-anchor="middle">${k}</text>`;
    if (n) g += `<text x="${x + bw / 2}" y="${base - bh - 2}" text-anchor="middle">${n}</text>`;
  });
  return svg(h, g);
}

// interceptors fired per trial by layer, with the kills and misses they made
function layersChart(st) {
  const layers = st.layers;
  if (!layers.length) return "<div class=\"muted\">no interceptor fired</div>";
  const top = Math.max(...layers.map((l) => l.rounds), 1e-9), row = 22, h = 26 + row * layers.length, x0 = 80;
  const x = (v) => x0 + v / top * (W - x0 - 30);
  let g = `<text x="4" y="12">interceptors per trial by layer: <tspan fill="#50ffc8">fired</tspan>, <tspan fill="#3cdc5a">kills</tspan>, <tspan fill="#aaaaaa">misses</tspan></text>`;
  layers.forEach((l, i) => {
    const y = 22 + i * row;
    g += `<text x="${x0 - 4}" y="${y + 12}" text-anchor="end">${esc(l.layer)}</text>`;
    g += `<rect x="${x0}" y="${y}" width="${x(l.rounds) - x0}" height="7" fill="#50ffc8"/>`;
    g += `<rect x="${x0}" y="${y + 8}" width="${x(l.kills) - x0}" height="5" fill="#3cdc5a"/>`;
    g += `<rect x="${x(l.kills)}" y="${y + 8}" width="${x(l.kills + l.misses) - x(l.kills)}" height="5" fill="#aaaaaa"/>`;
    g += `<text x="${x(l.rounds) + 3}" y="${y + 8}">${fmt(l.rounds, 1)}</text>`;
  });
  return svg(h, g);
}

async function showStudy(id) {
  const st = await getJSON(`/api/runs/${id}/files/stats.json`);
  let html = `<h2>Monte Carlo: ${st.trials} trials</h2>`;
  html += table(["", ""], [
    ["P(no leaker)", `${fmt(st.p_zero, 3)} (${fmt(st.p_zero_ci[0], 3)}–${fmt(st.p_zero_ci[1], 3)})`],
    ["expected leakers", `${fmt(st.leakers_mean, 2)} (${fmt(st.leakers_ci[0], 2)}–${fmt(st.leakers_ci[1], 2)})`],
    ["lethal objects per trial", fmt(st.lethal_per_trial, 1)],
    ["interceptor cost per trial", `$${fmt(st.cost_mean_musd, 0)}M`]]);
  html += pZeroChart(st) + histogramChart(st) + layersChart(st);
  if (st.assets.length) html += table(["asset", "E[leakers]", "P(struck)"], st.assets.map((a) => [a.asset, fmt(a.expected_leakers, 2), fmt(a.p_struck, 3)]));
  html += `<a href="${esc(withToken(`/api/runs/${id}/report.html`))}" target="_blank">the full report</a>`;
  $("study").innerHTML = html;
  $("study").hidden = false;
  $("study").scrollIntoView();
}

viewer.scene.renderError.addEventListener((_, error) => status(`the globe failed to render: ${error}`, true));
loadScenarios().catch((e) => status(`cannot list the scenarios: ${e.message}`, true));
