/*
 * agent-slo status page (served by `agent-slo serve`; read-only). Views, by URL hash:
 *   #/                  overview: every objective of every profile, alerts firing now
 *   #/objective/<key>   one objective: SLI over time, error budget burn-down, burn rates, its alerts
 *   #/gate/<profile>    the release gate: what it would say now (dry run) and the decision history
 * Every value is put in the page as text (textContent), never as HTML. Nothing stale is shown as current: when a
 * refresh fails, the values are removed and the reason is shown instead. Charts: uPlot (canvas); the data each chart
 * draws is also in the page as JSON (<script type="application/json" class="chart-data">) and data-* attributes.
 */
(function () {
  'use strict';

  const STATE_LABEL = {
    ok: 'OK', below_target: 'Below target', warning: 'Warning', critical: 'Critical', no_data: 'No data', not_active: 'Not active',
    pass: 'Pass', blocked: 'Blocked', approval_required: 'Approval required', cannot_evaluate: 'Cannot evaluate',
    firing: 'Firing', pending: 'Pending', verified: 'Verified', failed: 'Fails verification', unverified: 'Unverified', none: 'No audit log',
  };
  const STATE_MARK = { ok: '✓', pass: '✓', verified: '✓', below_target: '▽', warning: '▲', approval_required: '▲', critical: '✕', blocked: '✕', cannot_evaluate: '?', failed: '✕', no_data: '∅', not_active: '○', firing: '●', pending: '◐', unverified: '?', none: '–' };
  const COLORS = { sli: '#0b57b0', target: '#1a7f37', warning: '#b35900', critical: '#c62828', budget: '#6f42c1', burn: ['#0b57b0', '#6f42c1', '#00838f', '#8d6e63', '#ad1457', '#455a64'] };
  const MIN_REFRESH = 5;
  const MAX_REFRESH = 60;

  const app = {
    status: null, // last good /api/slo/status document, null when the last refresh failed
    statusError: null, // reason of the last failed refresh
    profiles: null, // served profile names (from the last good status)
    alerts: null,
    alertsError: null,
    fetchedAt: 0,
    refreshSeconds: 30,
    timer: 0,
    charts: [],
  };

  // ---- DOM helpers: text only ----
  function h(tag, attrs) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = String(v);
        else el.setAttribute(k, String(v));
      }
    }
    for (let i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) c.forEach((x) => append(el, x));
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  function badge(state, text) {
    return h('span', { class: `badge s-${state}`, 'data-state': state }, h('span', { 'aria-hidden': 'true', text: STATE_MARK[state] || '•' }), text || STATE_LABEL[state] || state);
  }
  function safeHref(url) {
    return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
  }
  function runbookLink(url) {
    if (!url) return h('span', { class: 'muted', text: '—' });
    const href = safeHref(url);
    return href ? h('a', { href, rel: 'noopener noreferrer', text: url }) : h('code', { text: url });
  }

  // ---- numbers with units ----
  function num(v) {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') return v;
    return v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : NaN;
  }
  function fmtValue(unit, v) {
    const n = num(v);
    if (n === null) return 'no data';
    if (!Number.isFinite(n)) return String(v);
    switch (unit) {
      case 'ratio': return `${(n * 100).toFixed(n > 0.999 || n < 0.001 ? 3 : 2)}%`;
      case 'ms': return `${Math.round(n)} ms`;
      case 's': return `${n.toFixed(n < 10 ? 2 : 1)} s`;
      case 'MB': case 'GB': return `${n.toFixed(1)} ${unit}`;
      case 'By': return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n)} B`;
      case 'USD': return `$${n.toFixed(n < 1 ? 4 : 2)}`;
      case 'events': return Number.isInteger(n) ? `${n} events` : `${n.toFixed(2)} events`;
      default: return Number.isInteger(n) ? String(n) : n.toFixed(3);
    }
  }
  function fmtShare(v) {
    const n = num(v);
    if (n === null) return 'no data';
    if (!Number.isFinite(n)) return n > 0 ? '∞ (exhausted)' : String(v);
    return `${(n * 100).toFixed(Math.abs(n) < 0.1 ? 1 : 0)}%`;
  }
  function fmtBurn(v) {
    const n = num(v);
    if (n === null) return 'no data';
    if (!Number.isFinite(n)) return String(v);
    return `${n < 10 ? n.toFixed(2) : n.toFixed(1)}×`;
  }
  function fmtCount(n) {
    return n === null || n === undefined ? 'no data' : Math.round(n).toLocaleString('en-US');
  }
  function fmtTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? String(iso) : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  }
  function fmtAge(s) {
    if (s < 90) return `${Math.round(s)} s`;
    if (s < 5400) return `${Math.round(s / 60)} min`;
    return `${(s / 3600).toFixed(1)} h`;
  }
  function cmp(o) {
    return o.direction === 'higher_is_better' ? '≥' : '≤';
  }

  // ---- data ----
  async function getJson(path) {
    let res;
    try {
      res = await fetch(path, { cache: 'no-store', headers: { accept: 'application/json' } });
    } catch (err) {
      return { ok: false, body: { error: 'serve_unreachable', reason: `agent-slo serve did not answer (${err && err.message ? err.message : String(err)})` } };
    }
    let body = null;
    try { body = await res.json(); } catch { body = { error: 'bad_answer', reason: `HTTP ${res.status} without JSON` }; }
    return { ok: res.ok, status: res.status, body };
  }
  function objectives() {
    if (!app.status) return [];
    return Object.entries(app.status).filter(([k]) => k !== '_meta');
  }

  async function refresh() {
    clearTimeout(app.timer);
    const [st, al] = await Promise.all([getJson('api/slo/status'), getJson('api/ui/alerts')]);
    app.fetchedAt = Date.now();
    if (st.ok) {
      app.status = st.body;
      app.profiles = st.body._meta.profiles; // configuration, not data: the gate views stay reachable while data is down
      app.statusError = null;
      const c = Number(st.body._meta && st.body._meta.cacheSeconds);
      app.refreshSeconds = Math.min(MAX_REFRESH, Math.max(MIN_REFRESH, Number.isFinite(c) && c > 0 ? c : 30));
    } else {
      app.status = null; // never keep showing the previous numbers
      app.statusError = st.body || { reason: 'unknown error' };
    }
    app.alerts = al.ok ? al.body : null;
    app.alertsError = al.ok ? null : al.body;
    render();
    app.timer = setTimeout(refresh, app.refreshSeconds * 1000);
  }

  function renderProblem() {
    const box = document.getElementById('problem');
    box.textContent = '';
    const e = app.statusError;
    if (!e) { box.hidden = true; return; }
    box.hidden = false;
    const title = e.error === 'serve_unreachable' ? 'agent-slo serve cannot be reached' : e.error === 'prometheus_unavailable' ? 'Prometheus cannot answer: no current SLO data' : 'No current SLO data';
    box.append(h('strong', { text: title }), h('span', { text: e.reason || 'unknown reason' }));
    const dl = h('dl');
    const add = (k, v) => { if (v) dl.append(h('dt', { text: k }), h('dd', { text: v })); };
    add('Prometheus', e.prometheus);
    add('Failed request', e.endpoint);
    add('Error kind', e.kind || e.error);
    add('At', e.at ? fmtTime(e.at) : fmtTime(new Date().toISOString()));
    add('Last good evaluation', e.lastSuccessfulEvaluation ? fmtTime(e.lastSuccessfulEvaluation) : 'none since serve started');
    box.append(dl, h('p', { class: 'small', text: 'Values are not shown while the data cannot be refreshed; the page retries automatically.' }));
  }

  function renderFreshness() {
    const el = document.getElementById('freshness');
    el.classList.toggle('stale', !app.status);
    if (!app.status) { el.textContent = `no current data · retrying every ${app.refreshSeconds} s`; return; }
    const m = app.status._meta;
    const age = (m.ageSeconds || 0) + (Date.now() - app.fetchedAt) / 1000;
    el.textContent = `evaluated ${fmtTime(m.evaluatedAt)} (${fmtAge(age)} ago) · refresh every ${app.refreshSeconds} s`;
    el.setAttribute('data-evaluated-at', m.evaluatedAt);
  }

  function renderNav(route) {
    const nav = document.getElementById('nav');
    nav.textContent = '';
    const here = (href) => (location.hash || '#/') === href ? 'page' : null;
    nav.append(h('a', { href: '#/', 'aria-current': here('#/'), text: 'Overview' }));
    const profiles = app.profiles || [];
    for (const p of profiles) nav.append(h('a', { href: `#/gate/${encodeURIComponent(p)}`, 'aria-current': route.view === 'gate' && route.arg === p ? 'page' : null, text: `Gate: ${p}` }));
  }

  function parseRoute() {
    const hash = location.hash.replace(/^#/, '');
    const m = /^\/(objective|gate)\/(.+)$/.exec(hash);
    if (!m) return { view: 'overview' };
    let arg;
    try { arg = decodeURIComponent(m[2]); } catch { return { view: 'overview' }; }
    return { view: m[1], arg };
  }

  function destroyCharts() {
    for (const c of app.charts) c.destroy();
    app.charts = [];
  }

  function render() {
    const route = parseRoute();
    renderProblem();
    renderFreshness();
    renderNav(route);
    const main = document.getElementById('main');
    const keepFocus = document.activeElement && main.contains(document.activeElement) ? document.activeElement.getAttribute('data-focus-id') : null;
    destroyCharts();
    main.textContent = '';
    main.setAttribute('data-view', route.view);
    if (route.view === 'gate') renderGate(main, route.arg);
    else if (!app.status) main.append(h('p', { class: 'muted', text: 'No SLO values are shown: the last refresh failed (see above).' }));
    else if (route.view === 'objective') renderObjective(main, route.arg);
    else renderOverview(main);
    if (app.status && !app.firstRender) {
      app.firstRender = true;
      performance.mark('agent-slo:first-render'); // time to first render with data (read by the browser tests)
    }
    if (keepFocus) {
      const el = main.querySelector(`[data-focus-id="${CSS.escape(keepFocus)}"]`);
      if (el) el.focus();
    }
  }

  // ---- overview ----
  function budgetBar(remaining) {
    const n = num(remaining);
    if (n === null || Number.isNaN(n)) return null;
    const pct = Math.max(0, Math.min(100, n * 100));
    return h('div', { class: `bar${n <= 0 ? ' out' : n < 0.5 ? ' low' : ''}`, role: 'img', 'aria-label': `error budget remaining ${fmtShare(remaining)}` }, (() => { const s = h('span'); s.style.width = `${pct}%`; return s; })());
  }

  /** "36% left of 30d", or "exhausted: 159% spent over 30d" (a negative remainder reads badly). */
  function budgetText(b) {
    if (b.remaining === null) return 'no data';
    const zero = b.allowed === 0 ? ' (zero tolerance)' : '';
    if (b.exhausted) return `exhausted: ${fmtShare(b.consumed)} spent over ${b.window}${zero}`;
    return `${fmtShare(b.remaining)} left of ${b.window}${zero}`;
  }

  function card(key, o) {
    const w = o.windows || {};
    const alert = w.alert;
    const b = o.errorBudget;
    const inactive = o.state === 'not_active';
    const a = h('a', {
      class: `card st-${o.state}`, href: `#/objective/${encodeURIComponent(key)}`, 'data-key': key, 'data-focus-id': `card:${key}`,
      'data-state': o.state, 'data-value': JSON.stringify(o.value), 'data-events': alert ? JSON.stringify(alert.events) : 'null',
      'data-budget-remaining': b ? JSON.stringify(b.remaining) : 'null',
    });
    a.append(h('div', { class: 'head' }, h('div', null, h('div', { class: 'title', text: o.title }), h('div', { class: 'key', text: key })), badge(o.state)));
    if (inactive) {
      a.append(h('p', { class: 'small', text: 'Not active: shadow-mode objective with no input series (not paged, not gated).' }));
      return a;
    }
    a.append(h('div', { class: 'value v-value' }, fmtValue(o.unit, o.value), ' ', h('small', { text: `over ${alert ? alert.window : '?'}` })));
    const dl = h('dl');
    const row = (k, v, cls) => dl.append(h('dt', { text: k }), h('dd', { class: cls, text: v }));
    row('Target', `${cmp(o)} ${fmtValue(o.unit, o.target)} over ${w.target ? w.target.window : '?'}`, 'v-target');
    row('Warning', o.warning === null ? '—' : `${o.direction === 'higher_is_better' ? '<' : '>'} ${fmtValue(o.unit, o.warning)}`, 'v-warning');
    row('Critical', `${o.direction === 'higher_is_better' ? '<' : '>'} ${fmtValue(o.unit, o.critical)}`, 'v-critical');
    row('Events', alert ? `${fmtCount(alert.events)} in ${alert.window}` : 'no data', 'v-events');
    if (b) {
      const br = Object.entries(b.burnRates || {});
      dl.append(h('dt', { text: 'Error budget' }), h('dd', { class: 'v-budget' }, budgetText(b), budgetBar(b.remaining)));
      if (br.length > 0) row('Burn rate', br.map(([k, v]) => `${k} ${fmtBurn(v)}`).join(' · '), 'v-burn');
    } else row('Error budget', 'none defined', 'v-budget');
    if (o.state !== 'ok') a.append(h('p', { class: 'small muted v-reason', text: o.stateReason }));
    a.append(dl);
    return a;
  }

  function alertsTable(list, withObjective) {
    const wrap = h('div', { class: 'table-wrap' });
    const t = h('table', { class: 'stack alerts' });
    const cols = ['State', 'Alert', withObjective ? 'Objective' : null, 'Severity', 'Active since', 'Runbook'].filter(Boolean);
    t.append(h('thead', null, h('tr', null, cols.map((c) => h('th', { text: c })))));
    const tb = h('tbody');
    for (const x of list) {
      const objKey = x.objective ? keyOf(x.profile, x.objective) : null;
      tb.append(h('tr', { 'data-alertname': x.alertname, 'data-alertstate': x.state },
        h('td', { 'data-label': 'State' }, badge(x.state)),
        h('td', { 'data-label': 'Alert' }, h('strong', { text: x.alertname }), Object.keys(x.labels).length ? h('div', { class: 'small muted mono', text: Object.entries(x.labels).map(([k, v]) => `${k}=${v}`).join(' ') }) : null),
        withObjective ? h('td', { 'data-label': 'Objective' }, objKey ? h('a', { href: `#/objective/${encodeURIComponent(objKey)}`, text: `${x.profile}/${x.objective}` }) : `${x.profile}/—`) : null,
        h('td', { 'data-label': 'Severity', text: x.severity || '—' }),
        h('td', { 'data-label': 'Active since', class: 'num', text: fmtTime(x.activeAt) }),
        h('td', { 'data-label': 'Runbook' }, runbookLink(x.runbook))));
    }
    t.append(tb);
    wrap.append(t);
    return wrap;
  }

  function alertsPanel(filter, withObjective) {
    const p = h('section', { class: 'panel', id: 'alerts', 'aria-labelledby': 'alerts-h' });
    p.append(h('h2', { id: 'alerts-h', text: 'Alerts firing and pending now' }));
    if (!app.alerts) {
      p.append(h('p', { class: 'err', text: `Alerts cannot be read: ${(app.alertsError && app.alertsError.reason) || 'unknown reason'}` }));
      return p;
    }
    const list = app.alerts.alerts.filter(filter);
    p.setAttribute('data-count', String(list.length));
    chartData(p, 'alerts', app.alerts);
    if (list.length === 0) p.append(h('p', { class: 'alerts-empty', text: 'None: Prometheus has no firing or pending alert here.' }));
    else p.append(alertsTable(list, withObjective));
    return p;
  }

  function keyOf(profile, objective) {
    const keys = app.status ? app.status._meta.keys : {};
    for (const [k, v] of Object.entries(keys)) if (v.profile === profile && v.objective === objective) return k;
    return null;
  }

  const ORDER = { critical: 0, warning: 1, no_data: 2, below_target: 3, ok: 4, not_active: 5 };
  function renderOverview(main) {
    const m = app.status._meta;
    main.append(h('h1', null, 'SLO status ', badge(m.overall, `overall: ${STATE_LABEL[m.overall] || m.overall}`)));
    main.append(alertsPanel(() => true, true));
    for (const p of m.profiles) {
      const sec = h('section', { 'data-profile': p, 'aria-labelledby': `p-${p}` });
      const list = objectives().filter(([, o]) => o.profile === p);
      list.sort((x, y) => (ORDER[x[1].state] - ORDER[y[1].state]) || ((num(x[1].errorBudget && x[1].errorBudget.remaining) ?? 2) - (num(y[1].errorBudget && y[1].errorBudget.remaining) ?? 2)));
      sec.append(h('h2', { id: `p-${p}` }, `Profile ${p}`, h('a', { class: 'small', href: `#/gate/${encodeURIComponent(p)}`, text: 'release gate →' })));
      const g = list.find(([, o]) => o.lastGateVerdict);
      if (g) sec.append(h('p', { class: 'small' }, 'Last gate run: ', badge(g[1].lastGateVerdict.verdict), ` ${fmtTime(g[1].lastGateVerdict.at)}`));
      const cards = h('div', { class: 'cards' });
      for (const [k, o] of list) cards.append(card(k, o));
      sec.append(cards);
      main.append(sec);
    }
  }

  // ---- charts ----
  function chartData(el, name, data) {
    const island = h('script', { type: 'application/json', class: 'chart-data', 'data-chart': name });
    island.textContent = JSON.stringify(data).replace(/</g, '\\u003c');
    el.append(island);
  }
  function two(n) { return String(n).padStart(2, '0'); }
  /** UTC tick labels: "HH:MM" within a day (the date under the first tick of each day), "MM-DD" over longer ranges. */
  function timeAxis(rangeSeconds) {
    const long = rangeSeconds > 3 * 86400;
    return {
      stroke: '#5c6670', grid: { stroke: '#eef0f2' }, space: long ? 60 : 70,
      values: (u, ticks) => {
        let lastDay = '';
        return ticks.map((t) => {
          const d = new Date(t * 1000);
          const day = `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
          if (long) return day;
          const hm = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
          const label = day !== lastDay ? `${hm}\n${day}` : hm;
          lastDay = day;
          return label;
        });
      },
    };
  }
  /** Draws one chart: x = seconds, lines = [{label, color, values, dash}]. */
  function lineChart(host, name, title, xs, lines, yFmt, tickFmt) {
    const box = h('figure', { class: 'chart', 'data-chart': name, 'data-points': String(xs.length), 'data-nonnull': String(lines.length ? lines[0].values.filter((v) => v !== null).length : 0) });
    box.append(h('figcaption', { class: 'small muted', text: title }));
    host.append(box);
    if (typeof uPlot !== 'function') { box.append(h('p', { class: 'err', text: 'chart library failed to load' })); return; }
    const width = Math.max(260, Math.floor(box.clientWidth || host.clientWidth || 600));
    const opts = {
      width, height: width < 500 ? 200 : 240,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [timeAxis(xs.length > 1 ? xs[xs.length - 1] - xs[0] : 0), { stroke: '#5c6670', grid: { stroke: '#eef0f2' }, size: 70, values: (u, ticks) => ticks.map(tickFmt || yFmt) }],
      series: [{ label: 'time (UTC)', value: (u, v) => (v === null || v === undefined ? '—' : fmtTime(new Date(v * 1000).toISOString())) }].concat(lines.map((l) => ({ label: l.label, stroke: l.color, width: l.width || 2, dash: l.dash, spanGaps: false, points: { show: false }, value: (u, v) => (v === null || v === undefined ? '—' : yFmt(v)) }))),
    };
    const chart = new uPlot(opts, [xs].concat(lines.map((l) => l.values)), box);
    box.setAttribute('data-rendered', 'true');
    app.charts.push(chart);
  }
  function flat(n, v) { return new Array(n).fill(v); }

  async function drawCharts(host, key, o) {
    host.append(h('p', { class: 'muted small', text: 'Loading charts…' }));
    const r = await getJson(`api/ui/series?key=${encodeURIComponent(key)}`);
    if (parseRoute().arg !== key || !app.status) return; // navigated away or data went away meanwhile
    host.textContent = '';
    if (!r.ok) {
      host.append(h('p', { class: 'err', text: `Charts cannot be drawn: ${(r.body && r.body.reason) || 'unknown reason'}` }));
      return;
    }
    const s = r.body;
    chartData(host, 'series', s);
    const unit = s.unit;
    const scale = unit === 'ratio' ? 100 : 1;
    const sliFmt = unit === 'ratio' ? (v) => `${v.toFixed(3)}%` : (v) => fmtValue(unit, v);
    const xs = s.sli.points.map((p) => p[0]);
    const lines = [{ label: `${o.title} over ${s.sli.window}`, color: COLORS.sli, values: s.sli.points.map((p) => (p[1] === null ? null : p[1] * scale)) }];
    lines.push({ label: `target ${fmtValue(unit, s.target)}`, color: COLORS.target, dash: [6, 4], width: 1.5, values: flat(xs.length, s.target * scale) });
    if (s.warning !== null) lines.push({ label: `warning ${fmtValue(unit, s.warning)}`, color: COLORS.warning, dash: [6, 4], width: 1.5, values: flat(xs.length, s.warning * scale) });
    lines.push({ label: `critical ${fmtValue(unit, s.critical)}`, color: COLORS.critical, dash: [2, 3], width: 1.5, values: flat(xs.length, s.critical * scale) });
    const grid = h('div', { class: 'charts two' });
    host.append(grid);
    const tick = unit === 'ratio' ? (v) => `${v.toFixed(Math.abs(v) >= 99.9 && Math.abs(v) < 100 ? 2 : 1)}%` : (v) => fmtValue(unit, v);
    lineChart(grid, 'sli', `SLI over the ${s.sli.window} window, every ${Math.round(s.sli.step / 60)} min (UTC), with its thresholds`, xs, lines, sliFmt, tick);
    if (s.budget) {
      const b = s.budget;
      if (b.allowed > 0) {
        const bx = b.points.map((p) => p[0]);
        lineChart(grid, 'budget', `Error budget remaining over the ${b.window} budget window (100% = untouched, 0% = exhausted)`, bx,
          [{ label: 'budget remaining', color: COLORS.budget, values: b.points.map((p) => (p[1] === null ? null : p[1] * 100)) }, { label: 'exhausted', color: COLORS.critical, dash: [2, 3], width: 1.5, values: flat(bx.length, 0) }],
          (v) => `${v.toFixed(0)}%`);
      } else {
        const bx = b.badSoFar.map((p) => p[0]);
        lineChart(grid, 'budget', `Zero-tolerance budget over ${b.window}: bad events so far (any bad event exhausts it)`, bx, [{ label: 'bad events so far', color: COLORS.critical, values: b.badSoFar.map((p) => p[1]) }], (v) => String(Math.round(v)));
      }
    }
    if (s.burn) {
      const names = Object.keys(s.burn.windows);
      const bx = (s.burn.windows[names[0]] || []).map((p) => p[0]);
      const bl = names.map((n, i) => ({ label: `burn rate ${n}`, color: COLORS.burn[i % COLORS.burn.length], values: s.burn.windows[n].map((p) => p[1]) }));
      const factors = [...new Set(s.burn.alerts.map((a) => a.burnRate))];
      for (const f of factors) bl.push({ label: `alert at ${fmtBurn(f)}`, color: COLORS.critical, dash: [2, 3], width: 1, values: flat(bx.length, f) });
      lineChart(grid, 'burn', 'Burn rates (1× = spending exactly the budget over its window); dashed: burn-rate alert thresholds', bx, bl, (v) => `${v.toFixed(v < 10 ? 1 : 0)}×`);
      host.append(burnAlertTable(s.burn.alerts, o));
    }
  }

  function burnAlertTable(alerts, o) {
    const wrap = h('div', { class: 'table-wrap' });
    const t = h('table', { class: 'stack' });
    t.append(h('thead', null, h('tr', null, ['Burn-rate alert', 'Windows', 'Fires above', 'Now (long / short)', 'Severity', 'State'].map((c) => h('th', { text: c })))));
    const tb = h('tbody');
    const now = (o.errorBudget && o.errorBudget.burnRates) || {};
    const firing = app.alerts ? app.alerts.alerts : [];
    for (const a of alerts) {
      const f = firing.find((x) => x.profile === o.profile && x.objective === o.objective && x.labels.slo_burn === a.name);
      tb.append(h('tr', null,
        h('td', { 'data-label': 'Burn-rate alert', text: a.name }),
        h('td', { 'data-label': 'Windows', text: `${a.long} and ${a.short}` }),
        h('td', { 'data-label': 'Fires above', class: 'num', text: fmtBurn(a.burnRate) }),
        h('td', { 'data-label': 'Now (long / short)', class: 'num', text: `${fmtBurn(now[a.long])} / ${fmtBurn(now[a.short])}` }),
        h('td', { 'data-label': 'Severity', text: a.severity }),
        h('td', { 'data-label': 'State' }, f ? badge(f.state) : h('span', { class: 'muted', text: 'inactive' }))));
    }
    t.append(tb);
    wrap.append(h('h3', { text: 'Burn-rate alerts' }), t);
    return wrap;
  }

  // ---- objective detail ----
  function renderObjective(main, key) {
    const o = app.status[key];
    if (!o || key === '_meta') {
      main.append(h('h1', { text: 'Unknown objective' }), h('p', null, 'No objective with this key. ', h('a', { href: '#/', text: 'Back to the overview' })));
      return;
    }
    main.setAttribute('data-key', key);
    main.append(h('p', { class: 'small' }, h('a', { href: '#/', text: '← all objectives' }), ` · profile ${o.profile}`));
    main.append(h('h1', { class: 'obj-title' }, o.title, ' ', badge(o.state)));
    main.append(h('p', { class: 'muted v-reason', text: o.stateReason }));
    const w = o.windows || {};
    const b = o.errorBudget;
    const tiles = h('div', { class: 'tiles' });
    const tile = (label, big, sub, cls) => tiles.append(h('div', { class: `tile ${cls || ''}` }, h('div', { class: 'label', text: label }), h('div', { class: 'big', text: big }), h('div', { class: 'small muted', text: sub })));
    tile('Objective', `${cmp(o)} ${fmtValue(o.unit, o.target)}`, `over ${w.target ? w.target.window : '?'}; warning ${o.warning === null ? '—' : fmtValue(o.unit, o.warning)}, critical ${fmtValue(o.unit, o.critical)}`, 'v-target');
    tile('Observed now', o.state === 'not_active' ? 'not active' : fmtValue(o.unit, o.value), `over ${w.alert ? w.alert.window : '?'}, ${w.alert ? fmtCount(w.alert.events) : 'no'} events`, 'v-value');
    tile('Error budget remaining', b ? (b.exhausted ? `exhausted (${fmtShare(b.remaining)})` : fmtShare(b.remaining)) : 'none', b ? `of ${b.window}; ${fmtCount(b.badEvents)} bad of ${fmtCount(b.totalEvents)} events, ${fmtShare(b.consumed)} of the budget spent${b.exhausted ? ` — ${b.onExhausted === 'freeze' ? 'deployments frozen: hotfixes only' : 'alerting'}` : ''}` : 'no error budget in the spec', 'v-budget');
    main.append(tiles);

    const wt = h('table', { class: 'stack windows' });
    wt.append(h('thead', null, h('tr', null, ['Window', 'Length', 'Value', 'Events', 'State'].map((c) => h('th', { text: c })))));
    const tb = h('tbody');
    for (const role of ['alert', 'gate', 'target', 'budget']) {
      const x = w[role];
      if (!x) continue;
      tb.append(h('tr', { 'data-window': role, 'data-value': JSON.stringify(x.value), 'data-state': x.state },
        h('td', { 'data-label': 'Window', text: role }), h('td', { 'data-label': 'Length', text: x.window }),
        h('td', { 'data-label': 'Value', class: 'num', text: fmtValue(o.unit, x.value) }), h('td', { 'data-label': 'Events', class: 'num', text: fmtCount(x.events) }),
        h('td', { 'data-label': 'State' }, badge(x.state), x.noDataReason ? h('div', { class: 'small muted', text: x.noDataReason }) : null)));
    }
    wt.append(tb);
    main.append(h('section', { class: 'panel' }, h('h2', { text: 'Windows' }), h('div', { class: 'table-wrap' }, wt)));

    const charts = h('section', { class: 'panel', id: 'charts' }, h('h2', { text: 'Over time' }));
    const host = h('div');
    charts.append(host);
    main.append(charts);
    main.append(alertsPanel((x) => x.profile === o.profile && x.objective === o.objective, false));
    const facts = h('dl', { class: 'facts' });
    const fact = (k, v) => facts.append(h('dt', { text: k }), h('dd', null, v));
    fact('Owner', o.owner);
    fact('Channel', o.channel);
    fact('Runbook', runbookLink(o.runbook));
    fact('Status metric', o.statusMetric ? h('code', { text: o.statusMetric }) : '—');
    if (o.lastGateVerdict) fact('Last gate run', [badge(o.lastGateVerdict.objectiveVerdict || o.lastGateVerdict.verdict), ` ${fmtTime(o.lastGateVerdict.at)} `, h('a', { href: `#/gate/${encodeURIComponent(o.profile)}`, text: 'gate history →' })]);
    main.append(h('section', { class: 'panel' }, h('h2', { text: 'Ownership' }), facts));
    if (o.state !== 'not_active') void drawCharts(host, key, o);
    else host.append(h('p', { class: 'muted', text: 'Not active: no input series, nothing to chart.' }));
  }

  // ---- gate ----
  async function renderGate(main, profile) {
    main.append(h('h1', { text: `Release gate: ${profile}` }));
    const box = h('div', null, h('p', { class: 'muted', text: 'Asking the gate (dry run)…' }));
    main.append(box);
    const r = await getJson(`api/ui/gate?profile=${encodeURIComponent(profile)}`);
    if (parseRoute().arg !== profile) return;
    box.textContent = '';
    if (!r.ok) { box.append(h('p', { class: 'err', text: `The gate view cannot be shown: ${(r.body && r.body.reason) || 'unknown reason'}` })); return; }
    const g = r.body;
    chartData(box, 'gate', g);
    const now = h('section', { class: 'panel', id: 'gate-now' }, h('h2', { text: 'What the gate would say now' }));
    if (g.dryRun.ok) {
      const d = g.dryRun.report;
      now.setAttribute('data-verdict', d.verdict);
      now.append(h('p', null, badge(d.verdict), ` at ${fmtTime(d.at)} — dry run, not recorded in the audit log${d.underlyingVerdict !== d.verdict ? ` (from the data alone: ${STATE_LABEL[d.underlyingVerdict] || d.underlyingVerdict})` : ''}`));
      if (d.note && d.note !== 'dry run: not recorded') now.append(h('p', { class: 'small muted', text: d.note }));
      if (d.reasons.length) now.append(h('ul', { class: 'reasons' }, d.reasons.map((x) => h('li', { text: x }))));
      const t = h('table', { class: 'stack' });
      t.append(h('thead', null, h('tr', null, ['Objective', 'Status', 'Value', 'Decisions applied'].map((c) => h('th', { text: c })))));
      const tb = h('tbody');
      for (const o of d.objectives) tb.append(h('tr', { 'data-objective': o.name, 'data-status': o.status },
        h('td', { 'data-label': 'Objective', text: o.title }), h('td', { 'data-label': 'Status' }, badge(o.status)),
        h('td', { 'data-label': 'Value', class: 'num', text: o.status === 'not_active' ? '—' : fmtValue(o.unit, o.value) }),
        h('td', { 'data-label': 'Decisions applied', text: o.decisions.join('; ') || '—' })));
      t.append(tb);
      now.append(h('div', { class: 'table-wrap' }, t), h('p', { class: 'small muted', text: `${d.queries} queries, ${d.durationMs} ms; cached up to ${g._meta.cacheSeconds} s (age ${fmtAge(g._meta.ageSeconds)})` }));
    } else {
      now.append(h('p', { class: 'err', text: `The gate cannot evaluate now: ${g.dryRun.error.reason || g.dryRun.error.error}` }));
    }
    box.append(now);

    const hist = g.history;
    const trust = h('section', { class: 'panel', id: 'audit' }, h('h2', null, 'Decision history ', badge(hist.trust)));
    if (hist.trust === 'none') trust.append(h('p', { class: 'muted', text: 'serve was started without --audit-log: no history, and the dry run applies no approval or override.' }));
    else {
      trust.append(h('p', { class: 'small muted' }, 'Audit log ', h('code', { text: hist.file })));
      if (hist.trust === 'failed') trust.append(h('p', { class: 'err', text: `The audit log fails verification: ${hist.problem}. Records after that point are not shown.` }));
      if (hist.trust === 'unverified') trust.append(h('p', { class: 'err', text: `Unverified: the log is keyed and serve has no key to check it with${hist.problem ? ` (${hist.problem})` : ''}.` }));
      trust.append(h('h3', { text: `Approvals and overrides (${hist.decisions.length})` }));
      if (hist.decisions.length === 0) trust.append(h('p', { class: 'muted', text: 'None recorded for this profile.' }));
      else {
        const t = h('table', { class: 'stack decisions' });
        t.append(h('thead', null, h('tr', null, ['Kind', 'Actor', 'Ticket', 'Objectives', 'Effective', 'Expires', 'Reason'].map((c) => h('th', { text: c })))));
        const tb = h('tbody');
        for (const d of hist.decisions) tb.append(h('tr', { 'data-id': d.id, 'data-kind': d.kind, 'data-active': String(d.active) },
          h('td', { 'data-label': 'Kind' }, h('strong', { text: d.kind }), d.active ? ' (in effect)' : ' (not in effect)'),
          h('td', { 'data-label': 'Actor', text: d.actor }), h('td', { 'data-label': 'Ticket', text: d.ticket || '—' }),
          h('td', { 'data-label': 'Objectives', text: `${d.objectives.join(', ')}${d.model ? ` · model ${d.model}` : ''}` }),
          h('td', { 'data-label': 'Effective', class: 'num', text: fmtTime(d.effectiveFrom) }), h('td', { 'data-label': 'Expires', class: 'num', text: fmtTime(d.expiresAt) }),
          h('td', { 'data-label': 'Reason', text: d.reason })));
        t.append(tb);
        trust.append(h('div', { class: 'table-wrap' }, t));
      }
      trust.append(h('h3', { text: `Gate runs (${hist.runs.length}${hist.runsTotal > hist.runs.length ? ` newest of ${hist.runsTotal}` : ''})` }));
      if (hist.runs.length === 0) trust.append(h('p', { class: 'muted', text: 'No gate run recorded for this profile.' }));
      else {
        const t = h('table', { class: 'stack runs' });
        t.append(h('thead', null, h('tr', null, ['Recorded', 'Verdict', 'Evaluated at', 'Model', 'Hotfix', 'Decisions', 'Reasons'].map((c) => h('th', { text: c })))));
        const tb = h('tbody');
        for (const x of hist.runs) tb.append(h('tr', { 'data-id': x.id, 'data-verdict': x.verdict },
          h('td', { 'data-label': 'Recorded', class: 'num', text: fmtTime(x.recordedAt) }),
          h('td', { 'data-label': 'Verdict' }, badge(x.verdict), x.underlyingVerdict && x.underlyingVerdict !== x.verdict ? h('div', { class: 'small muted', text: `data alone: ${STATE_LABEL[x.underlyingVerdict] || x.underlyingVerdict}` }) : null),
          h('td', { 'data-label': 'Evaluated at', class: 'num', text: fmtTime(x.at) }), h('td', { 'data-label': 'Model', text: x.model || '—' }),
          h('td', { 'data-label': 'Hotfix', text: x.hotfixUsed ? 'hotfix used' : x.hotfix ? 'requested, not needed' : '—' }),
          h('td', { 'data-label': 'Decisions', text: x.decisionsApplied.join(', ') || '—' }),
          h('td', { 'data-label': 'Reasons' }, x.reasons.length ? h('ul', { class: 'reasons' }, x.reasons.slice(0, 4).map((y) => h('li', { text: y })), x.reasons.length > 4 ? h('li', { class: 'muted', text: `… ${x.reasons.length - 4} more` }) : null) : '—')));
        t.append(tb);
        trust.append(h('div', { class: 'table-wrap' }, t));
      }
    }
    box.append(trust);
  }

  // ---- start ----
  window.addEventListener('hashchange', () => { render(); document.getElementById('main').focus({ preventScroll: true }); window.scrollTo(0, 0); });
  // Charts are drawn for the width they get: redraw when the width changes (not on height-only changes).
  let resizeTimer = 0;
  let lastWidth = window.innerWidth;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (window.innerWidth !== lastWidth && app.charts.length) { lastWidth = window.innerWidth; render(); } }, 250);
  });
  setInterval(renderFreshness, 5000);
  void refresh();
})();
