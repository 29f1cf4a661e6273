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

  // 1. Numbers and formulas that do not fit their box.
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
  // Any other text cut with an ellipsis (test_matrix fails on it, but for OWN_ELLIPSES).
  for (const el of document.querySelectorAll('body *')) {
    if (el.children.length > 3 || !visible(el)) continue;
    const cs = getComputedStyle(el);
    if (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1 && clipsX(el)) {
      const where = el.closest('[data-testid]');
      ellipses.push({text: text(el).slice(0, 60), where: where ? where.getAttribute('data-testid') : ''});
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
      '.xtick text, .ytick text, .legendtext, text.gtitle, text[class$="title"]')]
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
    cut, ellipses, charts,
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
