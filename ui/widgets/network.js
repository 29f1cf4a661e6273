// The network diagram of the Live training page, drawn on a canvas from a scene built in
// Python (ui/figures/network.py: network_scene, network_html). Installed once per browser
// tab; each frame's st.html calls xentNet.draw(script, scene). The canvas of a diagram (by
// scene.uid) is kept from frame to frame and moved into the frame's holder, so a hovered
// connection stays hovered and its tip shows the weight *now* while training plays.
//
// Hover (or tap) a connection: "x₁ → h₄: w = 0.823". Hover a unit: its picture large and its
// formula. Click a connection: type a new weight. "+"/"−" by a hidden layer: one unit more or
// less. Edits reach the page as a command typed into its hidden text input (scene.bridge):
// "set k.i.j value", "add k", "remove k", each with a "#nonce" so a repeat still changes it.
(() => {
  if (window.xentNet) return;
  const diagrams = {};
  const MINUS = "\u2212";
  const fmt = (w) => (w === 0 ? "0" : (w < 0 ? MINUS : "") + Math.abs(w).toFixed(3));
  const FONT = '"Source Sans Pro", system-ui, sans-serif';
  // Words on the canvas are never drawn smaller than this (CSS px): scaled with a phone's
  // drawing (760 px wide in the scene, 358 px on the screen) they were 5.6 px.
  const MIN_TEXT = 11;

  // Connection n of the scene: layer k, from unit i to unit j (weights[k] row-major).
  const edges = (scene) => {
    const out = [];
    for (let k = 0; k + 1 < scene.sizes.length; k++) {
      for (let i = 0; i < scene.sizes[k]; i++) {
        for (let j = 0; j < scene.sizes[k + 1]; j++) out.push([k, i, j]);
      }
    }
    return out;
  };

  const geometry = (s) => {
    const sc = s.scene;
    const key = `${sc.sizes.join("-")}|${sc.width}|${sc.height}`;
    if (s.geoKey === key) return s.geo;
    const t = sc.tile;
    const list = edges(sc).map(([k, i, j]) => ({
      k, i, j,
      x1: sc.columns[k] + t, y1: sc.rows[k][i] + t / 2,
      x2: sc.columns[k + 1], y2: sc.rows[k + 1][j] + t / 2,
    }));
    s.geoKey = key;
    s.geo = list;
    return list;
  };

  const send = (s, command) => {
    const input = document.querySelector(`.st-key-${s.scene.bridge} input`);
    if (!input) { console.warn("xentNet: no bridge input for", command); return false; }
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(input, `${command} #${Date.now()}`);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", code: "Enter", keyCode: 13, which: 13, bubbles: true }));
    return true;
  };

  const styleBox = (el, s) => {
    const c = s.scene.colors;
    el.style.background = c.panel;
    el.style.color = c.ink;
    el.style.border = `1px solid ${c.frame}`;
  };

  const make = (uid) => {
    const node = document.createElement("div");
    node.className = "xent-net-box";
    node.style.cssText = "position:absolute;inset:0;";
    const canvas = document.createElement("canvas");
    canvas.style.cssText = "width:100%;height:100%;display:block;border-radius:8px;touch-action:manipulation;";
    canvas.dataset.testid = "tr-network-canvas";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "the network: its units' pictures and its weights");
    const tip = document.createElement("div");
    tip.dataset.testid = "tr-network-tip";
    tip.setAttribute("role", "status");
    tip.style.cssText = "display:none;position:absolute;z-index:20;pointer-events:none;padding:6px 8px;border-radius:6px;" +
      "font:600 13px/1.35 " + FONT + ";white-space:pre-line;max-width:340px;box-shadow:0 2px 8px rgba(0,0,0,.18);";
    const zoom = document.createElement("canvas");
    zoom.style.cssText = "display:none;margin-bottom:4px;border-radius:3px;";
    const tipText = document.createElement("div");
    tipText.dataset.testid = "tr-network-tip-text";
    tip.append(zoom, tipText);
    const editor = document.createElement("form");
    editor.dataset.testid = "tr-network-editor";
    editor.style.cssText = "display:none;position:absolute;z-index:30;padding:6px 8px;border-radius:6px;gap:6px;" +
      "align-items:center;font:13px " + FONT + ";box-shadow:0 2px 10px rgba(0,0,0,.25);";
    const editLabel = document.createElement("label");
    const editText = document.createElement("span");
    const editInput = document.createElement("input");
    editInput.type = "text";
    editInput.inputMode = "decimal";
    editInput.size = 8;
    editInput.dataset.testid = "tr-network-edit-input";
    editInput.style.cssText = "font:13px " + FONT + ";padding:2px 4px;width:6em;";
    const editOk = document.createElement("button");
    editOk.type = "submit";
    editOk.textContent = "Set";
    const editClose = document.createElement("button");
    editClose.type = "button";
    editClose.textContent = "\u2715";
    editClose.setAttribute("aria-label", "Close");
    editLabel.append(editText, editInput);
    editor.append(editLabel, editOk, editClose);
    const layerButtons = document.createElement("div");
    node.append(canvas, tip, editor, layerButtons);
    const s = { uid, node, canvas, tip, zoom, tipText, editor, editText, editInput, layerButtons,
                scene: null, img: null, spriteUri: "", pointer: null, hit: null, editing: null };

    const toScene = (event) => {
      const box = canvas.getBoundingClientRect();
      const px = event.clientX - box.left, py = event.clientY - box.top;
      const v = s.view || { k: 1, ox: 0, oy: 0 };
      return { x: (px - v.ox) / v.k, y: (py - v.oy) / v.k, px, py };
    };
    canvas.addEventListener("pointermove", (event) => { s.pointer = toScene(event); refresh(s); });
    canvas.addEventListener("pointerdown", (event) => { s.pointer = toScene(event); refresh(s); });
    canvas.addEventListener("pointerleave", (event) => {
      if (event.pointerType === "mouse") { s.pointer = null; refresh(s); }
    });
    canvas.addEventListener("click", (event) => {
      s.pointer = toScene(event);
      refresh(s);
      if (s.hit && s.hit.kind === "edge" && s.scene.editable) openEditor(s, s.hit.n);
    });
    editor.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = parseFloat(editInput.value.trim().replace(MINUS, "-").replace(",", "."));
      if (!Number.isFinite(value) || s.editing === null) { editInput.setCustomValidity("a number"); editInput.reportValidity(); return; }
      const e = geometry(s)[s.editing];
      send(s, `set ${e.k}.${e.i}.${e.j} ${value}`);
      closeEditor(s);
    });
    editInput.addEventListener("input", () => editInput.setCustomValidity(""));
    editInput.addEventListener("keydown", (event) => { if (event.key === "Escape") closeEditor(s); });
    editClose.addEventListener("click", () => closeEditor(s));
    // Redraw when the column's width changes (not when a frame moves the canvas into its new
    // holder: same width, and draw() renders it anyway).
    if (window.ResizeObserver) {
      new ResizeObserver(() => {
        const width = node.clientWidth;
        if (s.scene && width && width !== s.width) render(s);
      }).observe(node);
    }
    return s;
  };

  const openEditor = (s, n) => {
    const e = geometry(s)[n];
    const sc = s.scene;
    s.editing = n;
    styleBox(s.editor, s);
    s.editText.textContent = `${sc.names[e.k][e.i]} \u2192 ${sc.names[e.k + 1][e.j]}: w = `;
    s.editInput.value = String(sc.w[n]);
    s.editor.style.display = "flex";
    const box = s.node.getBoundingClientRect();
    const left = Math.min(Math.max(0, (s.pointer ? s.pointer.px : 0) - 60), Math.max(0, box.width - 260));
    s.editor.style.left = `${left}px`;
    s.editor.style.top = `${(s.pointer ? s.pointer.py : 0) + 14}px`;
    s.editInput.focus();
    s.editInput.select();
  };

  const closeEditor = (s) => { s.editing = null; s.editor.style.display = "none"; };

  // What is under the pointer: a unit (its tile), else the nearest connection within reach
  // (the strongest wins a tie: it is drawn on top).
  const hitTest = (s) => {
    const sc = s.scene;
    const p = s.pointer;
    if (!p) return null;
    const t = sc.tile;
    for (let k = 0; k < sc.sizes.length; k++) {
      const x = sc.columns[k];
      if (p.x < x - 2 || p.x > x + t + 2) continue;
      for (let j = 0; j < sc.sizes[k]; j++) {
        const y = sc.rows[k][j];
        if (p.y >= y - 2 && p.y <= y + t + 2) return { kind: "unit", k, j };
      }
    }
    let best = null;
    let bestD = Infinity;
    geometry(s).forEach((e, n) => {
      if (p.x < e.x1 - 3 || p.x > e.x2 + 3) return;
      const dx = e.x2 - e.x1, dy = e.y2 - e.y1;
      const u = Math.max(0, Math.min(1, ((p.x - e.x1) * dx + (p.y - e.y1) * dy) / (dx * dx + dy * dy)));
      const d = Math.hypot(p.x - (e.x1 + u * dx), p.y - (e.y1 + u * dy));
      const reach = Math.max(4, sc.lw[n] / 2 + 2);
      if (d <= reach && (d < bestD - 0.5 || (Math.abs(d - bestD) <= 0.5 && Math.abs(sc.w[n]) > Math.abs(sc.w[best])))) {
        best = n;
        bestD = d;
      }
    });
    return best === null ? null : { kind: "edge", n: best };
  };

  // The tip: what is under the pointer, with this frame's numbers.
  const refresh = (s) => {
    if (!s.scene) return;
    const sc = s.scene;
    const hit = hitTest(s);
    const changed = JSON.stringify(hit) !== JSON.stringify(s.hit);
    s.hit = hit;
    if (!hit) {
      s.tip.style.display = "none";
      if (changed) render(s);
      return;
    }
    styleBox(s.tip, s);
    const grow = Math.max(1, s.view.k);
    s.tip.style.fontSize = `${Math.round(13 * grow)}px`;
    s.tip.style.maxWidth = `${Math.round(340 * grow)}px`;
    if (hit.kind === "edge") {
      const e = geometry(s)[hit.n];
      s.zoom.style.display = "none";
      s.tipText.textContent = `${sc.names[e.k][e.i]} \u2192 ${sc.names[e.k + 1][e.j]}: w = ${fmt(sc.w[hit.n])}` +
        (sc.editable ? "\n(click to type a new weight)" : "");
      s.tip.dataset.edge = `${e.k}.${e.i}.${e.j}`;
      delete s.tip.dataset.unit;
    } else {
      s.tipText.textContent = sc.formulas[hit.k][hit.j];
      s.tip.dataset.unit = `${hit.k}.${hit.j}`;
      delete s.tip.dataset.edge;
      const pictured = Boolean(s.img && sc.r);
      s.zoom.style.display = pictured ? "block" : "none";
      if (pictured) {
        const z = Math.round(sc.zoom * grow);
        const dpr = window.devicePixelRatio || 1;
        s.zoom.width = z * dpr;
        s.zoom.height = z * dpr;
        s.zoom.style.width = `${z}px`;
        s.zoom.style.height = `${z}px`;
        const ctx = s.zoom.getContext("2d");
        const [cx, cy] = cell(sc, hit.k, hit.j);
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(s.img, cx, cy, sc.r, sc.r, 0, 0, z * dpr, z * dpr);
      }
    }
    s.tip.style.display = "block";
    const box = s.node.getBoundingClientRect();
    const w = s.tip.offsetWidth;
    const p = s.pointer;
    let left = p.px + 16;
    if (left + w > box.width) left = Math.max(0, p.px - 16 - w);
    s.tip.style.left = `${left}px`;
    s.tip.style.top = `${Math.max(0, p.py + 14)}px`;
    if (changed) render(s);
  };

  const cell = (sc, k, j) => {
    let n = j;
    for (let m = 0; m < k; m++) n += sc.sizes[m];
    return [(n % sc.cols) * sc.r, Math.floor(n / sc.cols) * sc.r];
  };

  const layerButtons = (s) => {
    const sc = s.scene;
    const v = s.view;
    const grow = Math.max(1, v.k);  // a projector's wide drawing: larger buttons too
    const size = v.button;
    const box = s.layerButtons;
    const want = sc.editable ? sc.sizes.length - 2 : 0;
    if (box.childElementCount !== want * 2) {
      box.replaceChildren();
      for (let k = 1; k <= want; k++) {
        for (const [text, what] of [[MINUS, "remove"], ["+", "add"]]) {
          const b = document.createElement("button");
          b.type = "button";
          b.textContent = text;
          b.dataset.testid = `tr-network-${what}-${k}`;
          b.setAttribute("aria-label", `${what === "add" ? "Add a unit to" : "Remove a unit from"} hidden layer ${k}`);
          b.style.cssText = "position:absolute;z-index:10;padding:0;cursor:pointer;";
          b.addEventListener("click", () => send(s, `${what} ${k}`));
          box.append(b);
        }
      }
    }
    Array.from(box.children).forEach((b, n) => {
      const k = Math.floor(n / 2) + 1;
      const add = n % 2 === 1;
      const cx = sc.columns[k] + sc.tile / 2;  // the pair [−][+] centred under the caption
      b.style.left = `${v.ox + cx * v.k + (add ? 2 : -size - 2)}px`;
      b.style.top = `${v.buttonTop}px`;
      b.style.width = b.style.height = `${size}px`;
      b.style.borderRadius = `${size / 2}px`;
      b.style.font = `700 ${Math.round(14 * grow)}px/${size - 2}px ${FONT}`;
      b.style.background = sc.colors.panel;
      b.style.color = sc.colors.ink;
      b.style.border = `1px solid ${sc.colors.frame}`;
      b.disabled = add ? sc.sizes[k] >= 32 : sc.sizes[k] <= 1;
      b.style.opacity = b.disabled ? "0.35" : "1";
    });
  };

  // Where the scene goes on the screen: the units and connections scaled by k and shifted by
  // (ox, oy); the words at their own size, never under MIN_TEXT, in margins wide enough for
  // them (on a phone the units move in and down to make room; on a laptop nothing moves: k is
  // the drawing's scale and the offsets 0). A caption too wide for its column breaks in two.
  const layoutView = (s, ctx, cssWidth) => {
    const sc = s.scene;
    const s0 = cssWidth / sc.width;
    const t = sc.tile;
    const last = sc.sizes.length - 1;
    const caption = Math.max(MIN_TEXT, 12 * s0), name = Math.max(MIN_TEXT, 13 * s0);
    const widest = (texts, px) => {
      ctx.font = `${px}px ${FONT}`;
      return Math.max(0, ...texts.map((text) => ctx.measureText(text).width));
    };
    const classes = sc.classes.map((c) => String(c).slice(0, 6));
    const left = Math.max(sc.columns[0] * s0, widest(sc.names[0], name) + 10);
    const right = Math.max((sc.width - sc.columns[last] - t) * s0, widest(classes, caption) + 10);
    const span = sc.columns[last] + t - sc.columns[0];
    const k = Math.min(s0, (cssWidth - left - right) / span);
    const ox = left - sc.columns[0] * k;
    const room = last > 0 ? (sc.columns[1] - sc.columns[0]) * k - 8 : cssWidth;
    ctx.font = `${caption}px ${FONT}`;
    const captions = sc.captions.map((text) => {
      if (ctx.measureText(text).width <= room || !text.includes(" ")) return [text];
      const spaces = [...text.matchAll(/ /g)].map((m) => m.index);
      const at = spaces.reduce((a, b) => (Math.abs(b - text.length / 2) < Math.abs(a - text.length / 2) ? b : a));
      return [text.slice(0, at), text.slice(at + 1)];
    });
    const lines = Math.max(...captions.map((c) => c.length));
    const line = Math.round(caption * 1.2);
    const buttonTop = 3 + lines * line + 3;
    const button = Math.round(20 * Math.max(1, s0));
    const hasButtons = sc.editable && sc.sizes.length > 2;
    const need = hasButtons ? buttonTop + button + 4 : 3 + lines * line + 6;
    const firstTile = Math.min(...sc.rows.map((r) => r[0]));
    const oy = Math.max(0, need - firstTile * k);
    return { k, ox, oy, width: cssWidth, height: oy + sc.height * k, caption, name, line,
             captions, classes, buttonTop, button };
  };

  // The words of the drawing, in CSS px at the canvas's own scale; each kept in s.labels
  // (text, px, box) for the tests.
  const words = (s, ctx, dpr) => {
    const sc = s.scene, v = s.view, t = sc.tile;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    ctx.textBaseline = "middle";
    s.labels = [];
    const put = (text, px, x, y, align, colour) => {
      ctx.font = `${px}px ${FONT}`;
      ctx.textAlign = align;
      ctx.fillStyle = colour;
      ctx.fillText(text, x, y);
      const w = ctx.measureText(text).width;
      const from = align === "center" ? x - w / 2 : align === "right" ? x - w : x;
      s.labels.push({ text, px, left: from, right: from + w, top: y - px * 0.6, bottom: y + px * 0.6 });
    };
    v.captions.forEach((lines, k) => {
      ctx.font = `${v.caption}px ${FONT}`;
      const half = Math.max(...lines.map((l) => ctx.measureText(l).width)) / 2;
      const x = Math.min(Math.max(v.ox + (sc.columns[k] + t / 2) * v.k, half + 1), v.width - half - 1);
      lines.forEach((text, n) => put(text, v.caption, x, 3 + (n + 0.5) * v.line, "center", sc.colors.muted));
    });
    sc.names[0].forEach((name, j) => put(name, v.name, v.ox + sc.columns[0] * v.k - 6,
      v.oy + (sc.rows[0][j] + t / 2) * v.k, "right", sc.colors.ink));
    const last = sc.sizes.length - 1;
    v.classes.forEach((name, j) => put(name, v.caption, v.ox + (sc.columns[last] + t) * v.k + 6,
      v.oy + (sc.rows[last][j] + t / 2) * v.k, "left", sc.colors.muted));
  };

  const render = (s) => {
    const sc = s.scene;
    const canvas = s.canvas;
    const cssWidth = s.node.clientWidth || sc.width;
    s.width = s.node.clientWidth;
    const dpr = window.devicePixelRatio || 1;
    const ctx = canvas.getContext("2d");
    const v = (s.view = layoutView(s, ctx, cssWidth));
    const holder = s.node.parentNode;
    const ratio = `${Math.round(v.width)} / ${Math.round(v.height)}`;
    if (holder && holder.style && holder.dataset.ratio !== ratio) {
      holder.dataset.ratio = ratio;  // the room the words need: taller on a phone
      holder.style.aspectRatio = ratio;
    }
    const W = Math.round(v.width * dpr), H = Math.round(v.height * dpr);
    if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, 0, v.width, v.height);  // transparent: the page's own background shows
    ctx.setTransform(v.k * dpr, 0, 0, v.k * dpr, v.ox * dpr, v.oy * dpr);
    // Connections, faintest first, so the strongest lie on top; the canvas state changes
    // only when the look (width to 0.25 px, opacity to 0.05, sign) does.
    const geo = geometry(s);
    const colorOf = (w) => (w > 0 ? sc.colors.pos : w < 0 ? sc.colors.neg : sc.colors.zero);
    const look = geo.map((_, n) => {
      const w = sc.w[n];
      return [Math.round(sc.lw[n] * 4) / 4, Math.round(sc.a[n] * 20) / 20, w > 0 ? 2 : w < 0 ? 1 : 0];
    });
    const order = geo.map((_, n) => n).sort((a, b) =>
      look[a][0] - look[b][0] || look[a][1] - look[b][1] || look[a][2] - look[b][2] || a - b);
    ctx.lineCap = "butt";
    let current = "";
    const dense = geo.length > 200;  // there a weight of exactly 0 is simply not drawn
    for (const n of order) {
      const [width, alpha, sign] = look[n];
      if (sign === 0 && dense) continue;
      const key = `${width}|${alpha}|${sign}`;
      if (key !== current) {
        current = key;
        ctx.globalAlpha = alpha;
        ctx.strokeStyle = colorOf(sc.w[n]);
        ctx.lineWidth = width;
        ctx.setLineDash(sign === 0 ? [2, 3] : []);
      }
      const e = geo[n];
      ctx.beginPath();
      ctx.moveTo(e.x1, e.y1);
      ctx.lineTo(e.x2, e.y2);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    if (s.hit && s.hit.kind === "edge" && s.hit.n < geo.length) {
      const e = geo[s.hit.n];
      ctx.globalAlpha = 1;
      ctx.strokeStyle = colorOf(sc.w[s.hit.n]);
      ctx.lineWidth = Math.max(4, sc.lw[s.hit.n] + 3);
      ctx.beginPath();
      ctx.moveTo(e.x1, e.y1);
      ctx.lineTo(e.x2, e.y2);
      ctx.stroke();
    }
    // Units: their pictures (cells of the sprite), frames, names.
    ctx.globalAlpha = 1;
    const t = sc.tile;
    for (let k = 0; k < sc.sizes.length; k++) {
      for (let j = 0; j < sc.sizes[k]; j++) {
        const x = sc.columns[k], y = sc.rows[k][j];
        if (s.img && sc.r) {
          const [cx, cy] = cell(sc, k, j);
          ctx.drawImage(s.img, cx, cy, sc.r, sc.r, x, y, t, t);
        } else {
          ctx.fillStyle = sc.colors.bg;
          ctx.fillRect(x, y, t, t);
        }
        const hot = s.hit && s.hit.kind === "unit" && s.hit.k === k && s.hit.j === j;
        ctx.lineWidth = hot ? 2.5 : 1;
        ctx.strokeStyle = hot ? sc.colors.ink : sc.colors.frame;
        ctx.strokeRect(x + 0.5, y + 0.5, t - 1, t - 1);
      }
    }
    words(s, ctx, dpr);
    layerButtons(s);
  };

  const draw = (script, scene) => {
    const holder = script && script.previousElementSibling;
    if (!holder) return;
    let s = diagrams[scene.uid];
    if (!s) s = diagrams[scene.uid] = make(scene.uid);
    if (s.node.parentNode !== holder) holder.appendChild(s.node);
    const sizesChanged = !s.scene || s.scene.sizes.join("-") !== scene.sizes.join("-");
    s.scene = scene;
    if (sizesChanged) { closeEditor(s); s.img = null; s.spriteUri = ""; }
    if (scene.sprite && scene.sprite !== s.spriteUri) {
      s.spriteUri = scene.sprite;
      const img = new Image();
      img.onload = () => { if (s.spriteUri === scene.sprite) { s.img = img; render(s); refresh(s); } };
      img.src = scene.sprite;
    } else if (!scene.sprite) {
      s.img = null;
      s.spriteUri = "";
    }
    render(s);
    refresh(s);
  };

  // A playing frame's live block carries the scene (one message per frame, not two): draw it
  // into the holder the page drew once for this diagram, found by its uid.
  const drawAt = (uid, scene) => {
    const holder = document.querySelector(`.xent-net[data-uid="${uid}"]`);
    if (!holder) return;
    const marker = { previousElementSibling: holder };
    draw(marker, scene);
  };

  window.xentNet = { draw, drawAt, diagrams };
  (window.xentNetPending || []).forEach(([where, scene]) =>
    typeof where === "string" ? drawAt(where, scene) : draw(where, scene));
  window.xentNetPending = [];
})();
