// xent's page script (ui/widgets/style.py), installed once per browser tab. After each change
// of the page it
// 1. fits formulas and metric values into their column: a formula shrinks a little, or
//    breaks after a relation or an operator and shrinks what is left; metric values shrink
//    (those side by side alike) down to 3/4, else their columns stack, then shrink again and
//    wrap (style.css). Nothing is cut or scrolls sideways;
// 2. gives every plotly chart a text alternative: role="figure" and an aria-label made of
//    the figure's layout.meta.alt, or its title, axis titles and trace names;
// 3. fits the values printed in heatmap cells into their cells: a heatmap's values shrink
//    (all alike), and if they would be smaller than HEATMAP_FLOOR_PX they are hidden; the
//    chart's hover still gives every value (the Backpropagation page's at 1024 px overlapped);
// 4. in a tablet-sized window (769-999 px) folds the sidebar away once per tab, so the page
//    gets the width (Streamlit folds it by itself at 768 px and below).
// 5. makes Enter in a table cell's editor send the edit at once. st.data_editor sends an edit
//    150 ms after the editor closes (a debounce in Streamlit's bundle), or at once when a
//    click outside the table closed it: Enter -> new sum drawn p95 ~300 ms, a click outside
//    ~156 ms (bench/README.md, "The lone edit"). So Enter closes the editor as such a click
//    does, then moves the selection one row down, as Enter does.
(() => {
  if (window.__xentPage) return;
  window.__xentPage = true;

  const KATEX_EM = 1.21; // KaTeX's own font size for .katex, in em of its parent
  const FORMULA_SHRINK = 0.7; // shrink a formula to this much before breaking its lines
  const FORMULA_FLOOR = 0.5; // a broken formula's widest piece shrinks to at most this
  const STRUT_PX = 4; // room kept for KaTeX's 2 px struts, and rounding
  const METRIC_FLOOR = 0.5; // a metric value shrinks to at most this, then wraps
  const METRIC_STACK = 0.75; // metrics side by side that would shrink more stack instead
  const STACKED = "xent-stack"; // the class of such a row (style.css)
  const HEATMAP_FLOOR_PX = 9; // a heatmap value never drawn smaller: hidden instead
  const CELL_PAD_PX = 2; // room kept either side of a heatmap value inside its cell
  const FOLD_BELOW = 1000; // px: a narrower window starts with the sidebar folded
  const STREAMLIT_FOLDS = 768; // px: Streamlit folds the sidebar itself at this and below
  const FOLDED = "xent-sidebar-folded"; // sessionStorage: folded once in this tab
  const fitted = new WeakMap(); // element -> the width and text it was fitted for
  const drawnSize = new WeakMap(); // a heatmap value (svg text) -> the font size plotly gave it
  const hooked = new WeakSet(); // plotly charts whose redraws call the script again

  let fonts = 0; // bumped when web fonts arrive: KaTeX's change a formula's width in place
  const stamp = (el) => `${fonts}|${el.clientWidth}|${el.textContent}`;
  const overflows = (el) => el.scrollWidth > el.clientWidth + 0.5;

  const fitFormula = (box) => {
    const katex = box.querySelector(":scope > .katex");
    if (!katex || !box.clientWidth || fitted.get(box) === stamp(box)) return;
    katex.style.fontSize = "";
    box.classList.remove("xent-wrap");
    if (overflows(box)) {
      // KaTeX lets a sub- or superscript's 2 px strut stick out past the formula's end
      // (a negative margin): leave room for it, or the box still scrolls by 2 px.
      const room = () => box.clientWidth - STRUT_PX;
      const scale = room() / box.scrollWidth;
      if (scale >= FORMULA_SHRINK) {
        katex.style.fontSize = `${(KATEX_EM * scale).toFixed(3)}em`;
      } else {
        box.classList.add("xent-wrap");
        let size = 1;
        for (let i = 0; i < 4 && overflows(box) && size > FORMULA_FLOOR; i++) {
          size = Math.max(FORMULA_FLOOR, (size * room()) / box.scrollWidth);
          katex.style.fontSize = `${(KATEX_EM * size).toFixed(3)}em`;
        }
      }
    }
    fitted.set(box, stamp(box));
  };

  // Metric values side by side (one row of columns) share one size: the smallest any of
  // them needs to fit on one line. A row of metrics (and words) that would shrink below
  // METRIC_STACK stacks its columns instead, one under the other (style.css, .xent-stack):
  // the binary and versus pages' 2x2 grids had their numbers at ~60 % at 1024 px.
  const onOneLine = (texts) => {
    let scale = 1;
    for (const text of texts) {
      text.style.fontSize = "";
      text.style.setProperty("white-space", "nowrap", "important"); // measure on one line
    }
    for (const text of texts) {
      if (overflows(text)) scale = Math.min(scale, (text.clientWidth / text.scrollWidth) * 0.98);
    }
    return scale;
  };
  const stackable = (row) =>
    row.matches('[data-testid="stHorizontalBlock"]') &&
    [...row.querySelectorAll('[data-testid="stElementContainer"]')].every((c) =>
      c.querySelector(
        '[data-testid="stMetric"], [data-testid="stCaptionContainer"], [data-testid="stMarkdown"]',
      ),
    );
  const fitMetrics = () => {
    const rows = new Map();
    for (const value of document.querySelectorAll('[data-testid="stMetricValue"]')) {
      const text = value.firstElementChild;
      if (!text || !text.clientWidth) continue;
      const row = value.closest('[data-testid="stHorizontalBlock"]') || value;
      if (!rows.has(row)) rows.set(row, []);
      rows.get(row).push(text);
    }
    for (const [row, texts] of rows) {
      const key = () => [row.clientWidth, ...texts.map(stamp)].join("\n");
      if (fitted.get(row) === key()) continue;
      row.classList.remove(STACKED);
      let scale = onOneLine(texts);
      if (scale < METRIC_STACK && stackable(row)) {
        row.classList.add(STACKED);
        scale = onOneLine(texts);
      }
      scale = Math.max(METRIC_FLOOR, scale);
      for (const text of texts) {
        if (scale < 1) {
          const size = parseFloat(getComputedStyle(text).fontSize);
          text.style.fontSize = `${(size * scale).toFixed(1)}px`;
        }
        text.style.removeProperty("white-space"); // style.css lets what is still too long wrap
      }
      fitted.set(row, key());
    }
  };

  // A heatmap's values (plotly draws each trace as one image in a g.hm, its values as text
  // elements beside it): the largest size, up to plotly's own, at which every value fits its
  // cell; below HEATMAP_FLOOR_PX none of that trace's values is shown.
  const heatmapStamp = (image, texts) =>
    [image.getAttribute("width"), image.getAttribute("height"), texts.length]
      .concat(texts.map((t) => `${t.textContent}:${t.style.fontSize}:${t.style.display}`))
      .join("|");
  const fitHeatmaps = (plot) => {
    for (const layer of plot.querySelectorAll("g.hm")) {
      const image = layer.querySelector("image");
      const texts = [...layer.querySelectorAll("text")];
      if (!image || !texts.length || fitted.get(layer) === heatmapStamp(image, texts)) continue;
      const columns = new Set(texts.map((t) => t.getAttribute("x"))).size;
      const rows = new Set(texts.map((t) => t.getAttribute("y"))).size;
      const box = image.getBBox();
      const cellWidth = box.width / columns - 2 * CELL_PAD_PX;
      const cellHeight = box.height / rows;
      let scale = 1;
      let size = Infinity;
      for (const t of texts) {
        if (!drawnSize.has(t)) drawnSize.set(t, parseFloat(getComputedStyle(t).fontSize));
        t.style.fontSize = `${drawnSize.get(t)}px`;
        t.style.display = "";
      }
      for (const t of texts) {
        const drawn = drawnSize.get(t);
        size = Math.min(size, drawn);
        scale = Math.min(scale, cellWidth / t.getComputedTextLength(), cellHeight / (drawn * 1.2));
      }
      if (size * scale < HEATMAP_FLOOR_PX) {
        for (const t of texts) t.style.display = "none";
      } else if (scale < 1) {
        for (const t of texts) t.style.fontSize = `${(drawnSize.get(t) * scale).toFixed(1)}px`;
      }
      fitted.set(layer, heatmapStamp(image, texts));
    }
  };

  const watchChart = (box) => {
    const plot = box.querySelector(".js-plotly-plot");
    if (!plot || !plot._fullLayout) return;
    if (!hooked.has(plot) && typeof plot.on === "function") {
      plot.on("plotly_afterplot", later); // a resize redraws the chart without a new element
      hooked.add(plot);
    }
    nameChart(box);
    fitHeatmaps(plot);
  };

  // Words of plotly's HTML-ish labels, parsed in an inert document (nothing loads or runs).
  const words = (html) =>
    html ? new DOMParser().parseFromString(String(html), "text/html").body.textContent.trim() : "";

  const chartName = (plot) => {
    const meta = plot.layout && plot.layout.meta;
    if (meta && typeof meta.alt === "string") return meta.alt;
    const layout = plot._fullLayout;
    const title = words(layout.title && layout.title.text);
    const x = words(layout.xaxis && layout.xaxis.title && layout.xaxis.title.text);
    const y = words(layout.yaxis && layout.yaxis.title && layout.yaxis.title.text);
    const names = [];
    for (const trace of plot._fullData || []) {
      const name = words(trace.name);
      if (trace.visible === true && name && !/^trace \d+$/.test(name) && !names.includes(name)) {
        names.push(name);
      }
    }
    let said = "Chart" + (title ? `: ${title}` : "");
    if (x && y) said += `. ${y} against ${x}`;
    else if (x || y) said += `. ${x || y}`;
    if (names.length) said += `. Shows ${names.join("; ")}`;
    return said + ".";
  };

  const nameChart = (box) => {
    const plot = box.querySelector(".js-plotly-plot");
    if (!plot || !plot._fullLayout) return;
    const name = chartName(plot);
    if (box.getAttribute("aria-label") !== name) box.setAttribute("aria-label", name);
    if (box.getAttribute("role") !== "figure") box.setAttribute("role", "figure");
  };

  const foldSidebar = () => {
    if (sessionStorage.getItem(FOLDED)) return;
    const width = window.innerWidth;
    const chosen = Object.keys(localStorage).some((k) => k.startsWith("stSidebarCollapsed-"));
    if (chosen || width <= STREAMLIT_FOLDS || width >= FOLD_BELOW) {
      sessionStorage.setItem(FOLDED, "1"); // the student's own choice, or nothing to do
      return;
    }
    const bar = document.querySelector('[data-testid="stSidebar"]');
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (!bar || !button) return; // not drawn yet: the next pass tries again
    if (bar.getAttribute("data-collapsed") === "false") button.click();
    sessionStorage.setItem(FOLDED, "1");
  };

  let queued = false;
  const pass = () => {
    queued = false;
    try {
      foldSidebar();
    } catch (err) {
      sessionStorage.setItem(FOLDED, "1"); // storage refused (privacy mode): leave it
    }
    document.querySelectorAll(".katex-display").forEach(fitFormula);
    fitMetrics();
    document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach(watchChart);
  };
  const later = () => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(pass);
    }
  };
  // Changes no pass has anything to fit in: inside the Live training page's live block (its
  // frames, ~60 a second while playing) or Streamlit's running icon, and a script swapped for
  // another (each playing message). A pass after each cost the playing tab ~40 ms of main
  // thread a second, and a forced layout every frame (CDP profile, 2026-12-07).
  const INERT = '[data-testid="tr-live"], [data-testid="stStatusWidget"]';
  const inert = (record) => {
    const target = record.target;
    const el = target.nodeType === Node.ELEMENT_NODE ? target : target.parentElement;
    if (el && el.closest(INERT)) return true;
    const nodes = [...record.addedNodes, ...record.removedNodes];
    return nodes.length > 0 && nodes.every((node) => node.nodeName === "SCRIPT");
  };
  // Attributes are not watched: the script's own changes do not call it again.
  new MutationObserver((records) => {
    if (!records.every(inert)) later();
  }).observe(document.body, {
    childList: true,
    subtree: true,
    characterData: true,
  });
  const columns = new ResizeObserver(later); // a column changes width without a new element
  const watchMain = () => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (main) columns.observe(main);
    else setTimeout(watchMain, 200);
  };
  watchMain();
  window.addEventListener("resize", later);
  if (document.fonts) {
    document.fonts.addEventListener("loadingdone", () => {
      fonts += 1;
      later();
    });
  }
  later();

  // 5. Enter in a cell editor (glide-data-grid's text and number editors: plain Enter commits
  // in both, Shift+Enter is a new line in a text cell). Streamlit flushes its debounced edit
  // only when the editor closed with no move after a pointerdown outside the table
  // (`isOutsideClick` + `onFinishedEditing`, movement [0, 0]); glide closes it on a
  // pointerdown outside (a capture listener on document). So: keep the Enter from glide, send
  // that pointerdown (beside the table, inside whatever holds it, not bubbling: no other
  // listener takes it for a click), then, once React has closed the editor, ArrowDown on the
  // grid, which glide focused again. Listened on document, not window, so listeners on
  // window and document (the bench's probe) still see the Enter.
  const GRID = 'canvas[data-testid="data-grid-canvas"]';
  const CELL_EDITOR = ".gdg-clip-region input.gdg-input, .gdg-clip-region textarea.gdg-input";
  let grid = null; // the table canvas focused last: the one whose cell is being edited
  const inside = (inner, outer) => {
    const a = inner.getBoundingClientRect();
    const b = outer.getBoundingClientRect();
    const x = a.left + a.width / 2;
    const y = a.top + a.height / 2;
    return x >= b.left && x <= b.right && y >= b.top && y <= b.bottom;
  };
  document.addEventListener(
    "focusin",
    (e) => {
      const canvas = e.target instanceof Element && e.target.closest(GRID);
      if (canvas) grid = canvas; // the canvas, or its screen-reader table's cell inside it
    },
    true,
  );
  document.addEventListener(
    "keydown",
    (e) => {
      if (e.key !== "Enter" || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.isComposing || e.keyCode === 229) return; // an input method's Enter picks a word
      const cell = e.target;
      if (!(cell instanceof Element) || !cell.matches(CELL_EDITOR)) return;
      const canvas = grid;
      const table = canvas && canvas.isConnected && canvas.closest('[data-testid="stDataFrame"]');
      // Not sure which table (the editor is not over the canvas): glide's own Enter.
      if (!table || !table.parentElement || !inside(cell, canvas)) return;
      e.stopPropagation();
      e.preventDefault();
      table.parentElement.dispatchEvent(
        new PointerEvent("pointerdown", { bubbles: false, button: 0, pointerType: "mouse" }),
      );
      setTimeout(() => {
        if (!canvas.isConnected) return;
        // glide focuses the canvas, or the cell of its screen-reader table inside it
        if (!canvas.contains(document.activeElement)) canvas.focus();
        const down = { key: "ArrowDown", code: "ArrowDown", keyCode: 40, bubbles: true };
        const key = new KeyboardEvent("keydown", { ...down, cancelable: true });
        document.activeElement.dispatchEvent(key);
      }, 0);
    },
    true,
  );
})();
