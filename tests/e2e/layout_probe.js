// One pass over a rendered page for tests/e2e/layout_checks.probe(): plain data back.
// Called with [pictureSelector, controlSelector] (layout_checks.Focus).
([pictureSel, controlSel]) => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const text = (el) => {
    const shown = el.querySelector('.katex-html') || el;  // not the screen reader's MathML copy
    return (shown.innerText || shown.textContent || '').trim().replace(/\s+/g, ' ');
  };
  const clipsX = (el) => ['hidden', 'clip', 'auto', 'scroll'].includes(getComputedStyle(el).overflowX);

  // 1. Numbers and formulas that do not fit their box (and heatmap values, below).
  const cut = [];
  const ellipses = [];
  const kinds = [
    ['metric value', '[data-testid="stMetricValue"]'],
    ['metric label', '[data-testid="stMetricLabel"]'],
    ['metric delta', '[data-testid="stMetricDelta"]'],
    ['formula', '.katex-display'],
    ['inline formula', '[data-testid="stMarkdownContainer"] .katex:not(.katex-display .katex)'],
  ];
  for (const [kind, sel] of kinds) {
    for (const root of main.querySelectorAll(sel)) {
      if (!visible(root)) continue;
      const box = root.closest('[data-testid="stElementContainer"]') || root.parentElement;
      const boxRect = box.getBoundingClientRect();
      const rootRect = root.getBoundingClientRect();
      let why = null;
      for (const el of [root, ...root.querySelectorAll('*')]) {
        if (!visible(el) || el.closest('.katex-mathml')) continue;  // MathML: hidden on purpose
        const cs = getComputedStyle(el);
        if (el.scrollWidth > el.clientWidth + 1 && clipsX(el)) {
          why = cs.textOverflow === 'ellipsis' ? 'ellipsis' : `overflow-x ${cs.overflowX}`;
          why += ` (${el.scrollWidth} px in ${el.clientWidth} px)`;
          break;
        }
      }
      if (!why && (rootRect.right > boxRect.right + 1 || rootRect.left < boxRect.left - 1)) {
        why = `sticks out of its box (${Math.round(rootRect.width)} px in ${Math.round(boxRect.width)} px)`;
      }
      if (!why && rootRect.right > window.innerWidth + 1) {
        why = `runs past the window's right edge (${Math.round(rootRect.right)} px)`;
      }
      if (why) cut.push({kind, text: text(root).slice(0, 80), why});
    }
  }
  // A select box's chosen option wider than its box: Streamlit clips it without an ellipsis
  // (at 1024 px the gradient check's loss read "Softmax cross-entropy on logit").
  for (const input of main.querySelectorAll('[data-testid="stSelectbox"] input')) {
    if (visible(input) && input.scrollWidth > input.clientWidth + 1) {
      cut.push({kind: 'selected option', text: input.value.slice(0, 80),
                why: `clipped (${input.scrollWidth} px in ${input.clientWidth} px)`});
    }
  }
  // A metric's number drawn under 3/4 of Streamlit's size for it: tiny (page.js stacks a row
  // of metrics rather than shrink them further; the 2x2 grids were at ~60 % at 1024 px).
  for (const value of main.querySelectorAll('[data-testid="stMetricValue"] > div')) {
    if (!visible(value)) continue;
    const size = parseFloat(getComputedStyle(value).fontSize);
    const normal = parseFloat(getComputedStyle(value.parentElement).fontSize);
    if (size < 0.75 * normal - 0.5) {
      cut.push({kind: 'metric value', text: text(value).slice(0, 80),
                why: `drawn at ${size} px, under 3/4 of its ${normal} px`});
    }
  }
  // A formula too wide for one line that breaks right after a binary operator (KaTeX's
  // breaks come after a .base box; ending in .mbin): "w ← w −" / "η ∂L/∂z x, b ← b −".
  // Breaking after a relation (=, ←) is fine; a formula that needs more is written in pieces.
  for (const html of main.querySelectorAll('.katex-display .katex-html')) {
    if (!visible(html)) continue;
    const bases = [...html.querySelectorAll(':scope > .base')];
    for (let i = 0; i + 1 < bases.length; i++) {
      const here = bases[i].getBoundingClientRect();
      const next = bases[i + 1].getBoundingClientRect();
      if (next.left >= here.right - 1 && next.top < here.bottom) continue;  // same line
      const atoms = [...bases[i].children].filter((a) => !a.matches('.mspace, .strut'));
      const last = atoms[atoms.length - 1];
      if (last && last.classList.contains('mbin')) {
        cut.push({kind: 'formula', text: text(html).slice(0, 80),
                  why: `breaks after the operator ${last.textContent} ("${text(bases[i]).slice(-30)}")`});
      }
    }
  }
  // Tables (st.dataframe, st.data_editor: glide-data-grid, drawn on a canvas): a column
  // header too long for its column ("t (targe…"). The columns, their titles and widths are
  // the grid component's props (React's fiber on the canvas); the header is drawn from x +
  // padding, after an icon 1.3 × its size wide when it has one, in the theme's header font.
  const measure = document.createElement('canvas').getContext('2d');
  for (const grid of main.querySelectorAll('[data-testid="stDataFrame"]')) {
    const canvas = grid.querySelector('canvas[data-testid="data-grid-canvas"]');
    if (!canvas || !visible(canvas)) continue;
    const fiber = Object.keys(canvas).find((k) => k.startsWith('__reactFiber'));
    let props = null;
    for (let f = fiber && canvas[fiber], i = 0; f && i < 20 && !props; f = f.return, i++) {
      const p = f.memoizedProps;
      if (p && Array.isArray(p.columns) && p.theme && p.theme.headerFontStyle) props = p;
    }
    if (!props) {
      cut.push({kind: 'table header', text: '', why: 'the grid\'s columns were not found'});
      continue;
    }
    const {theme} = props;
    measure.font = `${theme.headerFontStyle} ${theme.fontFamily}`;
    for (const column of props.columns) {
      if (!column.title) continue;
      const icon = column.icon ? Math.ceil(theme.headerIconSize * 1.3) : 0;
      const need = 2 * theme.cellHorizontalPadding + icon + measure.measureText(column.title).width;
      if (need > column.width + 0.5) {
        cut.push({kind: 'table header', text: column.title,
                  why: `needs ${Math.ceil(need)} px in its ${column.width} px column`});
      }
    }
  }
  // Any other text cut with an ellipsis (test_matrix fails on it, but for OWN_ELLIPSES).
  for (const el of document.querySelectorAll('body *')) {
    if (el.children.length > 3 || !visible(el)) continue;
    const cs = getComputedStyle(el);
    if (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1 && clipsX(el)) {
      const where = el.closest('[data-testid]');
      ellipses.push({text: text(el).slice(0, 60), where: where ? where.getAttribute('data-testid') : ''});
    }
  }

  // Words broken across two lines ("rando / m seed") in a widget's label or a metric: the
  // rects of each word's text range lie on more than one line. Hyphens and slashes may break.
  const broken = [];
  const wordLines = (node, start, end) => {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0)
      .map((r) => Math.round(r.bottom)));
    return tops.size;
  };
  const labelled = '[data-testid="stWidgetLabel"], [data-testid="stMetricLabel"], '
    + '[data-testid="stMetricValue"], [data-testid="stRadio"] [role="radiogroup"] label, '
    + '[data-testid="stCheckbox"] label, [data-testid^="stBaseButton"], '
    + '[data-testid="stPageLink-NavLink"]';
  for (const root of main.querySelectorAll(labelled)) {
    if (!visible(root) || root.closest('details:not([open])')) continue;  // a closed expander
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.katex-mathml')) continue;
      for (const m of node.textContent.matchAll(/[^\s\-\u2010-\u2014\/]+/g)) {
        if (wordLines(node, m.index, m.index + m[0].length) > 1) {
          broken.push({where: root.getAttribute('data-testid'), word: m[0],
                       text: text(root).slice(0, 60)});
        }
      }
    }
  }

  // Values printed in heatmap cells (plotly: text beside each trace's image in a g.hm) that
  // overlap one another, do not fit their cell or are drawn too small to read.
  const crowded = [];
  const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
    && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  for (const layer of main.querySelectorAll('[data-testid="stPlotlyChart"] g.hm')) {
    const image = layer.querySelector('image');
    const texts = [...layer.querySelectorAll('text')].filter(visible);
    if (!image || !texts.length) continue;
    const chartBox = layer.closest('[class*="st-key-"]');
    const key = chartBox ? [...chartBox.classList].find((c) => c.startsWith('st-key-')).slice(7) : '';
    const all = layer.querySelectorAll('text');
    const columns = new Set([...all].map((t) => t.getAttribute('x'))).size;
    const cell = image.getBoundingClientRect().width / columns;
    const boxes = texts.map((t) => t.getBoundingClientRect());
    const problem = (why) => crowded.push({chart: key, why});
    const tiny = texts.find((t) => parseFloat(getComputedStyle(t).fontSize) < 9);
    if (tiny) problem(`value ${tiny.textContent} drawn at ${getComputedStyle(tiny).fontSize}`);
    const wide = boxes.findIndex((b) => b.width > cell + 0.5);
    if (wide >= 0) {
      problem(`value ${texts[wide].textContent} is ${boxes[wide].width.toFixed(1)} px wide in a ${cell.toFixed(1)} px cell`);
    }
    let pairs = 0, first = null;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (overlap(boxes[i], boxes[j])) {
          pairs += 1;
          first = first || `${texts[i].textContent} and ${texts[j].textContent}`;
        }
      }
    }
    if (pairs) problem(`${pairs} pairs of values overlap, e.g. ${first}`);
  }

  // Values printed on bars drawn under 9 px: plotly shrinks a bar's text to its bar with a
  // transform (scale), not its font size, so the size is the font size times drawn / natural
  // height (the binary page's losses, backprop's fading bars and the information page's
  // class-by-class bars were 5-8 px on a phone).
  const tiny = [];
  for (const t of main.querySelectorAll('[data-testid="stPlotlyChart"] g.trace.bars text.bartext')) {
    if (!visible(t) || !(t.textContent || '').trim() || !t.getBBox().height) continue;
    const px = parseFloat(getComputedStyle(t).fontSize) * t.getBoundingClientRect().height
      / t.getBBox().height;
    if (px < 9 - 0.05) {
      const holder = t.closest('[class*="st-key-"]');
      const key = holder ? [...holder.classList].find((c) => c.startsWith('st-key-')).slice(7) : '';
      tiny.push({chart: key, text: t.textContent, px: Math.round(px * 10) / 10});
    }
  }

  // A chart's own words (annotations, subplot titles, the chart's title) over one another or
  // over a bar: at 1024 px the gradient check's "← rounding" ran into "truncation →"; on a
  // phone the race's two subplot titles overlapped, and the binary bars hid the red
  // "confident-mistake threshold" label (red text on a red bar).
  const covered = [];
  for (const box of main.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!visible(box)) continue;
    const holder = box.closest('[class*="st-key-"]');
    const key = holder ? [...holder.classList].find((c) => c.startsWith('st-key-')).slice(7) : '';
    const labels = [...box.querySelectorAll('g.annotation text, text.gtitle')]
      .filter((t) => visible(t) && (t.textContent || '').trim())
      .map((t) => ({what: t.textContent.trim(), box: t.getBoundingClientRect()}));
    // ... a chart's buttons (plotly's updatemenus: the race's "▶ Race", "❚❚ Pause") over its
    // slider or the slider's current value ("step 300" sat under Pause at 1024 px)
    const buttons = [...box.querySelectorAll('g.updatemenu-button')].filter(visible);
    const slider = [...box.querySelectorAll('rect.slider-rail, .slider-group > text.slider-label')]
      .filter(visible);
    for (const b of buttons) {
      for (const part of slider) {
        if (overlap(b.getBoundingClientRect(), part.getBoundingClientRect())) {
          const what = part.tagName === 'text' ? `"${part.textContent}"` : 'its slider';
          covered.push({chart: key, why: `the button "${b.textContent.trim()}" covers ${what}`});
        }
      }
    }
    // ... and any of them, or an axis title, running past the chart's edge, where it is cut
    // (at 1024 px: "predicted probability of the target class, p_targ").
    const svg = box.querySelector('.main-svg');
    const edge = svg && svg.getBoundingClientRect();
    for (const t of box.querySelectorAll('g.annotation text, text.gtitle, text.xtitle, text.ytitle')) {
      if (!edge || !visible(t) || !(t.textContent || '').trim()) continue;
      const r = t.getBoundingClientRect();
      if (r.left < edge.left - 1 || r.right > edge.right + 1 || r.top < edge.top - 1
          || r.bottom > edge.bottom + 1) {
        covered.push({chart: key, why: `"${t.textContent.trim()}" runs past the chart's edge`});
      }
    }
    const bars = [...box.querySelectorAll('g.trace.bars g.point path')]
      .map((b) => b.getBoundingClientRect()).filter((r) => r.width > 0.5 && r.height > 0.5);
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        if (overlap(labels[i].box, labels[j].box)) {
          covered.push({chart: key, why: `"${labels[i].what}" and "${labels[j].what}" overlap`});
        }
      }
      if (bars.some((b) => overlap(labels[i].box, b))) {
        covered.push({chart: key, why: `"${labels[i].what}" runs over a bar`});
      }
    }
  }

  // Columns stacked one above the other (Streamlit stacks them below 640 px) further apart
  // than the page's 1rem between elements: gap="large" (64 px) between side-by-side columns
  // became 64 px of blank page between stacked ones on a phone.
  const stacked = [];
  for (const row of main.querySelectorAll('[data-testid="stHorizontalBlock"]')) {
    if (!visible(row)) continue;
    const columns = [...row.children].filter(visible).map((c) => c.getBoundingClientRect());
    for (let i = 0; i + 1 < columns.length && window.innerWidth <= 640; i++) {
      const gap = columns[i + 1].top - columns[i].bottom;
      if (columns[i + 1].top >= columns[i].bottom - 1 && gap > 17) {
        stacked.push({gap: Math.round(gap), after: text(row.children[i]).slice(-40)});
      }
    }
  }

  // 2. The charts: their backgrounds and text colour as plotly drew them, and their names.
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(visible).map((box) => {
    const gd = box.querySelector('.js-plotly-plot');
    const full = gd && gd._fullLayout;
    const svg = box.querySelector('.main-svg');
    const named = box.closest('[aria-label], [aria-labelledby]');
    // The chart's own words (ticks, axis and chart titles, legend) in the colour shown: the
    // faintest of them, against the paper. Annotations and bar labels pick their own colours.
    const words = [...box.querySelectorAll(
      '.xtick text, .ytick text, .legendtext, text.gtitle, text[class$="title"], '
      + '.slider-group > text.slider-label')]  // a slider's current value ("step 300")
      .filter((t) => (t.textContent || '').trim())
      .map((t) => getComputedStyle(t).fill);
    const key = [...(box.closest('[class*="st-key-"]') || box).classList].find((c) => c.startsWith('st-key-'));
    return {
      key: key ? key.slice(7) : '',
      drawn: !!full,
      paper: full ? full.paper_bgcolor : null,
      plot: full ? full.plot_bgcolor : null,
      font: full ? full.font.color : null,
      words: [...new Set(words)],
      svgBackground: svg ? getComputedStyle(svg).backgroundColor : null,
      name: named && main.contains(named) ? (named.getAttribute('aria-label') || named.getAttribute('aria-labelledby')) : null,
      role: named ? named.getAttribute('role') : null,
    };
  });

  // 3. The main picture and its control, where they are in the window.
  const place = (sel) => {
    const el = [...main.querySelectorAll(sel)].find(visible);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left),
            right: Math.round(r.right), height: Math.round(r.height)};
  };
  const app = document.querySelector('[data-testid="stApp"]');
  return {
    cut, ellipses, broken, crowded, covered, charts, stacked, tiny,
    picture: place(pictureSel), control: place(controlSel),
    window: {width: window.innerWidth, height: window.innerHeight},
    sideways: Math.max(document.documentElement.scrollWidth, main.scrollWidth) - window.innerWidth,
    background: getComputedStyle(app).backgroundColor,
    sidebarOpen: (() => {
      const bar = document.querySelector('[data-testid="stSidebar"]');
      if (!bar || !visible(bar)) return false;
      const r = bar.getBoundingClientRect();
      return r.right > 8 && r.left < window.innerWidth;
    })(),
    mainWidth: Math.round((document.querySelector('[data-testid="stMainBlockContainer"]') || main).getBoundingClientRect().width),
  };
}
