// telemock dashboard: one page over the control plane; no build step, no dependencies.
// Live state comes from one Server-Sent Events stream per tenant (read with fetch, so the admin
// token can travel as a header); actions are the control plane's own routes.
'use strict';
(() => {
  const BASE = document.documentElement.dataset.base;
  const VIEWS = ['now', 'requests', 'webhooks', 'scenarios', 'tenants'];
  const KEEP = { requests: 500, rows: 100, deliveries: 300, ended: 200, events: 200, runs: 20 };
  const REQUESTS_EVERY_MS = 1000;  // under a flood the request table is redrawn once a second at most
  const TOKEN_KEY = 'telemock-admin-token';
  const RETRY_MS = 1000;

  // -- small helpers ---------------------------------------------------------------------
  const $ = (selector) => document.querySelector(selector);
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }
  const enc = encodeURIComponent;
  const tenantPath = (rest) => `/tenants/${enc(S.tenant)}${rest}`;

  class ApiError extends Error {
    constructor(status, message, data) { super(message); this.status = status; this.data = data; }
  }

  // -- state -------------------------------------------------------------------------------
  const S = {
    tenant: 'default', view: 'now', tz: 'UTC', clock: null, clockAt: 0, now: null,
    calls: new Map(), events: [], requests: [], deliveries: new Map(), runs: new Map(),
    operations: new Set(), missedRequests: 0, tenants: [], lastId: '', detail: null,
  };
  const dirty = new Set();
  // Requests: rows are added at the top as entries arrive (a flood never rebuilds the table).
  const requestRows = {
    fresh: [], key: null,
    reset() { this.key = null; this.fresh = []; },
  };

  function clearTenantState() {
    S.calls = new Map(); S.events = []; S.requests = []; S.deliveries = new Map(); S.now = null;
    S.operations = new Set(); S.missedRequests = 0; requestRows.reset();
    for (const part of ['now', 'events', 'requests', 'webhooks', 'runs']) dirty.add(part);
  }

  // -- time ----------------------------------------------------------------------------------
  let timeFmt, fullFmt;
  function setZone(tz) {
    if (tz === S.tz && timeFmt) return;
    const options = { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    try {
      timeFmt = new Intl.DateTimeFormat('en-GB', { timeZone: tz, ...options });
      fullFmt = new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: 'short', day: '2-digit',
        ...options, timeZoneName: 'short' });
      S.tz = tz;
    } catch (e) {
      timeFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', ...options });
      fullFmt = timeFmt; S.tz = 'UTC';
    }
    for (const part of ['now', 'events', 'requests', 'webhooks']) dirty.add(part);
    requestRows.reset();
  }
  setZone('UTC');
  const iso = (epoch) => new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
  function timeEl(epoch, full, note) {
    if (epoch === null || epoch === undefined) return h('span', { class: 'muted', text: '–' });
    const date = new Date(epoch * 1000);
    return h('time', { datetime: iso(epoch), title: `${iso(epoch)} (UTC)${note ? ' ' + note : ''}` },
      (full ? fullFmt : timeFmt).format(date));
  }
  function vnow() {
    const c = S.clock;
    if (!c) return 0;
    return c.now + (c.mode === 'realtime' ? (performance.now() - S.clockAt) / 1000 * c.speed : 0);
  }
  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
    const pad = (n) => String(n).padStart(2, '0');
    return hh ? `${hh}:${pad(mm)}:${pad(ss)}` : `${mm}:${pad(ss)}`;
  }
  const ticking = (since) => h('span', { class: 'num', dataset: { since: String(since) } }, duration(vnow() - since));

  // -- notices -------------------------------------------------------------------------------
  let noticeTimer = 0;
  function say(text, isError) {
    const el = $('#notice');
    el.textContent = text;
    el.className = isError ? 'alert' : 'notice';
    el.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { el.hidden = true; }, isError ? 12000 : 5000);
  }
  const failure = (what) => (err) => say(`${what}: ${err.message}`, true);

  // -- the control plane ---------------------------------------------------------------------
  const token = () => sessionStorage.getItem(TOKEN_KEY) || '';
  function authHeaders() {
    const t = token();
    return t ? { Authorization: `Bearer ${t}` } : {};
  }
  async function api(method, path, body, type) {
    const headers = authHeaders();
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = type || 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(BASE + path, init);
    if (res.status === 401) { askLogin(); throw new ApiError(401, 'the admin token is required'); }
    const text = await res.text();
    let data = text;
    if ((res.headers.get('content-type') || '').includes('json')) {
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
    }
    if (!res.ok) throw new ApiError(res.status, (data && data.error) || text || res.statusText, data);
    return data;
  }

  // -- login ---------------------------------------------------------------------------------
  function askLogin(message) {
    const dialog = $('#login');
    const error = $('#login-error');
    if (token()) { error.textContent = message || 'That token was refused.'; error.hidden = false; }
    if (!dialog.open) dialog.showModal();
    $('#login-token').focus();
  }
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('#login-token').value);
    $('#login').close();
    $('#login-error').hidden = true;
    start();
  });

  // -- the event stream ------------------------------------------------------------------------
  let streamCtl = null;
  function setLive(on, text) {
    const el = $('#live');
    el.classList.toggle('on', on);
    el.textContent = text || (on ? 'live' : 'reconnecting…');
  }
  async function connect() {
    if (streamCtl) streamCtl.abort();
    const ctl = new AbortController();
    streamCtl = ctl;
    const headers = authHeaders();
    if (S.lastId) headers['Last-Event-ID'] = S.lastId;
    let retry = RETRY_MS;
    try {
      const res = await fetch(`${BASE}${tenantPath('/stream')}`, { headers, signal: ctl.signal, cache: 'no-store' });
      if (res.status === 401) { setLive(false, 'signed out'); askLogin(); return; }
      if (res.status === 404) { setLive(false, 'no such tenant'); tenantGone(S.tenant); return; }
      if (!res.ok) throw new Error(`stream answered ${res.status}`);
      setLive(true);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const r = onBlock(block);
          if (r) retry = r;
        }
      }
    } catch (err) {
      if (ctl.signal.aborted) return;
    }
    if (streamCtl !== ctl) return;
    setLive(false);
    setTimeout(() => { if (streamCtl === ctl) connect(); }, retry);
  }
  function onBlock(block) {
    let id = null, kind = 'message', data = '', retry = 0;
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') kind = value;
      else if (field === 'data') data += (data ? '\n' : '') + value;
      else if (field === 'retry') retry = parseInt(value, 10) || 0;
    }
    if (data) {
      try { onMessage(kind, JSON.parse(data)); } catch (err) { console.error(kind, err); }
    }
    if (id !== null) S.lastId = id;
    scheduleRender();
    return retry;
  }

  function onMessage(kind, d) {
    switch (kind) {
      case 'hello': setZone(d.timezone); break;
      case 'reset': clearTenantState(); say(`Tenant ${S.tenant}: ${d.reason}; showing it afresh.`); break;
      case 'gone': tenantGone(d.tenant); break;
      case 'event':
        S.events.unshift(d);
        if (S.events.length > KEEP.events) S.events.length = KEEP.events;
        dirty.add('events');
        break;
      case 'call': putCall(d); break;
      case 'calls': S.calls = new Map(d.map((c) => [c.id, c])); dirty.add('now'); break;
      case 'requests':
        for (const e of d) {
          S.requests.unshift(e);
          if (!S.operations.has(e.operation)) { S.operations.add(e.operation); dirty.add('operations'); }
          requestRows.fresh.push(e);
        }
        if (S.requests.length > KEEP.requests) S.requests.length = KEEP.requests;
        if (requestRows.fresh.length > KEEP.requests) requestRows.fresh.splice(0, requestRows.fresh.length - KEEP.requests);
        dirty.add('requests');
        break;
      case 'delivery':
        S.deliveries.set(d.id, d);
        if (S.deliveries.size > KEEP.deliveries) S.deliveries.delete(S.deliveries.keys().next().value);
        dirty.add('webhooks');
        if (S.detail && S.detail.delivery === d.id) showDelivery(d.id);
        break;
      case 'now':
        S.now = d; S.clock = d.clock; S.clockAt = performance.now();
        setZone(d.timezone);
        dirty.add('now'); dirty.add('clock');
        break;
      case 'scenario':
        S.runs.set(`${S.tenant}/${d.run}`, d);
        if (S.runs.size > KEEP.runs) S.runs.delete(S.runs.keys().next().value);
        dirty.add('runs');
        break;
      case 'gap':
        if (d.what === 'requests' || d.what === 'anon') { S.missedRequests += d.missed; dirty.add('requests'); }
        else say(`${d.missed} ${d.what} were no longer kept by the server and are not shown.`);
        break;
      default: break;
    }
  }
  function putCall(call) {
    S.calls.set(call.id, call);
    const ended = [...S.calls.values()].filter((c) => c.state === 'ended');
    if (ended.length > KEEP.ended) {
      ended.sort((a, b) => a.created_at - b.created_at);
      for (const c of ended.slice(0, ended.length - KEEP.ended)) S.calls.delete(c.id);
    }
    dirty.add('now');
  }
  function tenantGone(tid) {
    say(`Tenant ${tid} is gone (deleted); showing the default tenant.`, true);
    if (S.tenant !== 'default') switchTenant('default');
  }

  // -- rendering ---------------------------------------------------------------------------------
  let renderQueued = false;
  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    setTimeout(() => { renderQueued = false; if (!document.hidden) render(); }, 60);
  }
  document.addEventListener('visibilitychange', () => { if (!document.hidden) render(); });

  // What each view draws; a hidden view keeps its marks and is drawn when it is shown.
  const PARTS = { now: ['now', 'events'], requests: ['operations', 'requests'], webhooks: ['webhooks'], scenarios: ['runs'] };
  const DRAW = { now: () => renderNow(), events: () => renderEvents(), operations: () => renderOperations(),
    requests: () => renderRequests(), webhooks: () => renderWebhooks(), runs: () => renderRuns() };
  let requestsDrawn = 0;
  function render() {
    if (dirty.delete('clock')) renderClock();
    renderCounts();
    for (const part of PARTS[S.view] || []) {
      if (!dirty.has(part)) continue;
      if (part === 'requests') {
        const wait = REQUESTS_EVERY_MS - (performance.now() - requestsDrawn);
        if (requestRows.fresh.length > 3 && wait > 0) { setTimeout(scheduleRender, wait); continue; }
        requestsDrawn = performance.now();
      }
      dirty.delete(part);
      DRAW[part]();
    }
  }
  function renderCounts() {
    const live = [...S.calls.values()].filter((c) => c.state !== 'ended').length;
    $('#count-requests').textContent = S.requests.length ? `(${S.requests.length})` : '';
    $('#count-webhooks').textContent = S.deliveries.size ? `(${S.deliveries.size})` : '';
    $('#count-live').textContent = live ? `(${live})` : '';
  }

  function renderClock() {
    const c = S.clock;
    if (!c) return;
    const now = $('#clock-now');
    now.replaceChildren(fullFmt.format(new Date(vnow() * 1000)));
    now.setAttribute('datetime', iso(vnow()));
    now.title = `${iso(vnow())} (UTC); vendor zone ${S.tz}`;
    const mode = $('#clock-mode');
    mode.textContent = c.mode === 'realtime' ? `realtime ×${c.speed}` : c.mode;
    $('#clock-mode-select').value = c.mode;
    const speed = $('#clock-speed-select');
    if (![...speed.options].some((o) => Number(o.value) === c.speed)) speed.append(h('option', { value: c.speed, text: `${c.speed}×` }));
    speed.value = String(c.speed);
    const next = $('#next-timer');
    next.disabled = c.next_timer === null;
    next.title = c.next_timer === null ? 'No timer is pending' : `Advance to the next pending timer (${iso(c.next_timer)} UTC)`;
    const failed = $('#failed');
    failed.hidden = !(S.now && S.now.failed);
    if (S.now && S.now.failed) failed.textContent = `This tenant failed: ${S.now.failed}. Reset or restore it (Tenants).`;
  }

  function party(number, name) {
    return name ? `${number} (${name})` : number;
  }
  function renderNow() {
    renderClock();
    const calls = [...S.calls.values()];
    const live = calls.filter((c) => c.state !== 'ended').sort((a, b) => a.created_at - b.created_at);
    const ended = calls.filter((c) => c.state === 'ended').sort((a, b) => b.ended_at - a.ended_at || b.created_at - a.created_at);
    $('#live-calls tbody').replaceChildren(...live.map((c) => h('tr', { dataset: { call: c.id } },
      h('td', { class: 'num' }, timeEl(c.created_at)),
      h('td', { class: 'mono small' }, c.id),
      h('td', {}, `${party(c.caller, c.caller_name)} → ${party(c.callee, c.callee_name)}`),
      h('td', {}, h('span', { class: `badge ${c.state}`, text: c.state })),
      h('td', {}, h('ul', { class: 'legs' }, c.legs.map((l) => h('li', {},
        `${l.role} ${l.party}: `, h('span', { class: `badge ${l.state}`, text: l.state }))))),
      h('td', { class: 'num' }, ticking(c.created_at)))));
    $('#live-empty').hidden = live.length > 0;
    $('#cdr tbody').replaceChildren(...ended.map((c) => h('tr', { dataset: { call: c.id } },
      h('td', { class: 'num' }, timeEl(c.created_at)),
      h('td', { class: 'mono small' }, c.id),
      h('td', {}, c.direction),
      h('td', {}, `${party(c.caller, c.caller_name)} → ${party(c.callee, c.callee_name)}`),
      h('td', {}, h('span', { class: `badge ${c.disposition === 'answered' ? 'ok' : 'bad'}`, text: c.disposition || '–' })),
      h('td', { class: 'num' }, duration(c.ended_at - c.created_at)),
      h('td', { class: 'num' }, c.answered_at === null ? '–' : duration(c.ended_at - c.answered_at)),
      h('td', {}, c.ended_by || '–'))));
    $('#cdr-empty').hidden = ended.length > 0;
    $('#count-cdr').textContent = ended.length ? `(${ended.length})` : '';
    const now = S.now;
    if (!now) return;
    $('#queues').replaceChildren(...now.queues.map((q) => h('article', { class: 'card', 'aria-label': `Queue ${q.name}` },
      h('h3', {}, `${q.name} `, h('span', { class: 'meta', text: `${q.number} · ${q.kind} · ${q.strategy}` })),
      h('div', { class: 'meta' }, q.waiting.length ? `${q.waiting.length} waiting` : 'nobody waiting'),
      q.waiting.length ? h('ul', {}, q.waiting.map((w) => h('li', {}, `${party(w.caller, w.name)} waiting `, ticking(w.since)))) : null,
      h('ul', { 'aria-label': 'Members' }, q.members.map((m) => h('li', {}, `${m.name} `,
        h('span', { class: `badge ${m.paused ? 'paused' : m.state}`, text: !m.logged_in ? 'logged out' : m.paused ? 'paused' : m.state })))))));
    $('#agents tbody').replaceChildren(...now.agents.map((a) => h('tr', {},
      h('td', {}, a.name),
      h('td', { class: 'num' }, a.extension),
      h('td', {}, h('span', { class: `badge ${a.state}`, text: a.state })),
      h('td', {}, a.logged_in ? 'yes' : 'no'),
      h('td', {}, a.paused ? [a.pause_reason || 'paused', a.paused_since !== null ? [' since ', timeEl(a.paused_since)] : ''] : '–'),
      h('td', { class: 'mono small' }, a.call || '–'))));
  }

  function renderEvents() {
    $('#count-events').textContent = S.events.length ? `(${S.events.length} newest)` : '';
    $('#events').replaceChildren(...S.events.map((e) => h('li', {}, timeEl(e.at), ` ${e.type}`,
      e.call_id ? ` call=${e.call_id}` : '', e.agent_id ? ` agent=${e.agent_id}` : '',
      Object.keys(e.data || {}).length ? ` ${JSON.stringify(e.data)}` : '')));
  }

  function requestFilter() {
    const op = $('#filter-operation').value, status = $('#filter-status').value, anon = $('#filter-anon').checked;
    return {
      key: `${op}|${status}|${anon}|${S.tz}`,
      test: (e) => (!op || e.operation === op) && (anon || !e.anon) && (
        !status || (status === 'ok' ? e.status < 400 : status === 'refused' ? e.status >= 400 : String(e.status)[0] === status)),
    };
  }
  function requestRow(e, fresh) {
    const reason = e.reason ? `${e.reason.title}: ${e.reason.detail}` : '';
    const label = `${e.method} ${e.path} answered ${e.status}${reason ? ', ' + reason : ''}`;
    return h('tr', { tabindex: 0, class: fresh ? 'fresh' : '', 'aria-label': label,
      dataset: { seq: e.seq, anon: e.anon ? '1' : '' } },
      h('td', { class: 'num' }, e.at !== null ? timeEl(e.at) : timeEl(e.wall, false, '— wall clock: no tenant was found')),
      h('td', {}, e.method),
      h('td', { class: 'path' }, e.path + (e.query ? `?${e.query.length > 160 ? e.query.slice(0, 160) + '…' : e.query}` : '')),
      h('td', {}, e.operation, e.anon ? h('span', { class: 'badge', text: 'no tenant' }) : ''),
      h('td', { class: `num status-${String(e.status)[0]}` }, e.status),
      h('td', { class: 'reason-short' }, reason));
  }
  function renderRequests() {
    const body = $('#requests tbody');
    const filter = requestFilter();
    if (filter.key !== requestRows.key) {
      requestRows.key = filter.key;
      body.replaceChildren(...S.requests.filter(filter.test).slice(0, KEEP.rows).map((e) => requestRow(e, false)));
    } else if (requestRows.fresh.length) {
      const fresh = requestRows.fresh.slice(-KEEP.rows).filter(filter.test);
      const highlight = fresh.length <= 3;  // a flood is not highlighted row by row
      body.prepend(...fresh.reverse().map((e) => requestRow(e, highlight)));
      while (body.rows.length > KEEP.rows) body.lastElementChild.remove();
    }
    requestRows.fresh = [];
    $('#requests-empty').hidden = body.rows.length > 0;
    const gap = $('#requests-gap');
    gap.hidden = !S.missedRequests;
    gap.textContent = `${S.missedRequests} requests came faster than the page shows them and are not listed here; ` +
      'the journal (GET …/journal/requests?since=) has the newest 5,000.';
  }
  function renderOperations() {
    const select = $('#filter-operation');
    const chosen = select.value;
    select.replaceChildren(h('option', { value: '', text: 'any' }),
      ...[...S.operations].sort().map((op) => h('option', { value: op, text: op })));
    select.value = chosen;
  }
  ['#filter-operation', '#filter-status', '#filter-anon'].forEach((sel) =>
    $(sel).addEventListener('change', () => { dirty.add('requests'); render(); }));
  $('#request-filters').addEventListener('submit', (ev) => ev.preventDefault());
  function rowActivate(table, fn) {
    const open = (ev) => {
      const row = ev.target.closest('tbody tr');
      if (!row || ev.target.closest('button')) return;
      fn(row);
    };
    $(table).addEventListener('click', open);
    $(table).addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); open(ev); }
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        const row = ev.target.closest('tbody tr');
        const next = row && (ev.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling);
        if (next) { ev.preventDefault(); next.focus(); }
      }
    });
  }
  rowActivate('#requests', (row) => showRequest(Number(row.dataset.seq), row.dataset.anon === '1'));

  function openDetail(title, ...content) {
    $('#detail-title').textContent = title;
    $('#detail-body').replaceChildren(...content.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
    const dialog = $('#detail');
    if (!dialog.open) dialog.showModal();
  }
  $('#detail').addEventListener('close', () => { S.detail = null; });

  async function showRequest(seq, anon) {
    S.detail = { request: seq };
    let d;
    try {
      d = await api('GET', anon ? `/journal/unauthenticated/${seq}` : tenantPath(`/journal/requests/${seq}`));
    } catch (err) { return failure('Request detail')(err); }
    const e = d.entry, x = d.exchange;
    const parts = [];
    if (e.reason) {
      const r = e.reason;
      parts.push(h('section', { class: 'reason', 'aria-label': 'Why it was refused' },
        h('h3', { text: r.title }), h('p', { class: 'why', text: r.detail }),
        r.hint ? h('p', { text: r.hint }) : null,
        r.retry_at !== undefined ? h('p', {}, 'The budget is back at ', timeEl(r.retry_at, true),
          ` (${Math.max(0, Math.round(r.retry_at - e.at))} s after the request, on the tenant clock).`) : null,
        r.nearest && r.nearest.length ? h('p', {}, 'Paths that exist: ', r.nearest.map((p, i) => [i ? ', ' : '', h('code', { text: p })])) : null));
    }
    parts.push(h('dl', { class: 'kv' },
      h('dt', { text: 'Operation' }), h('dd', { text: e.operation }),
      h('dt', { text: 'Tenant' }), h('dd', { text: e.tenant || '(none found)' }),
      h('dt', { text: 'Caller' }), h('dd', { text: e.client }),
      h('dt', { text: 'Tenant time' }), h('dd', {}, e.at !== null ? timeEl(e.at, true) : '–'),
      h('dt', { text: 'Wall time' }), h('dd', {}, timeEl(e.wall, true)),
      h('dt', { text: 'Journal seq' }), h('dd', { text: e.seq })));
    if (x) {
      parts.push(h('div', { class: 'bytes' },
        h('section', {}, h('h3', { text: 'Request' }), h('pre', { class: 'raw', id: 'raw-request', tabindex: 0 }, x.request)),
        h('section', {}, h('h3', { text: 'Response' }), h('pre', { class: 'raw', id: 'raw-response', tabindex: 0 },
          x.streamed ? x.response + '(streamed: the body was not kept)' : x.response))));
      const cut = x.truncated || {};
      const notes = ['Header names are shown as the server read them (lower case); the HTTP server adds its own Date and Server headers.'];
      if (cut.request_body) notes.push(`The request body was ${cut.request_body} bytes; the first 65,536 are shown.`);
      if (cut.response_body) notes.push(`The response body was ${cut.response_body} bytes; the first 65,536 are shown.`);
      parts.push(h('p', { class: 'small muted', text: notes.join(' ') }));
    } else {
      parts.push(h('p', { class: 'empty', text: 'The bytes of this request are no longer kept (the server keeps those of the newest 200 per journal, in memory).' }));
    }
    openDetail(`${e.method} ${e.path} → ${e.status}`, ...parts);
  }

  // -- webhooks ---------------------------------------------------------------------------------
  function lastAttempt(d) { return d.attempts.length ? d.attempts[d.attempts.length - 1] : null; }
  function renderWebhooks() {
    const list = [...S.deliveries.values()].sort((a, b) => (a.id < b.id ? 1 : -1));
    $('#deliveries tbody').replaceChildren(...list.map((d) => {
      const last = lastAttempt(d);
      return h('tr', { tabindex: 0, dataset: { delivery: d.id }, 'aria-label': `${d.id} ${d.event} ${d.state}` },
        h('td', { class: 'num' }, timeEl(d.created_at)),
        h('td', { class: 'mono small' }, d.id),
        h('td', {}, d.event),
        h('td', {}, h('span', { class: `badge ${d.state}`, text: d.state.replace('_', ' ') })),
        h('td', { class: 'num' }, d.attempts.length ? `${d.attempts.length} (last: ${last.status ?? last.error})` : '0'),
        h('td', { class: 'path' }, d.url || '(no target: journal only)'),
        h('td', {}, h('button', { type: 'button', class: 'redeliver', disabled: !d.url,
          title: d.url ? 'Send it again' : 'Set a target URL first', 'aria-label': `Redeliver ${d.id}`,
          onclick: () => redeliver(d.id) }, 'Redeliver')));
    }));
    $('#deliveries-empty').hidden = list.length > 0;
  }
  rowActivate('#deliveries', (row) => showDelivery(row.dataset.delivery));
  async function redeliver(id) {
    try {
      const d = await api('POST', tenantPath(`/journal/webhooks/${enc(id)}/redeliver`));
      const shown = S.deliveries.get(d.id);
      // the stream may have brought this send's outcome before the answer: never roll it back
      if (!shown || shown.attempts.length <= d.attempts.length) {
        S.deliveries.set(d.id, d); dirty.add('webhooks'); scheduleRender();
      }
      say(`${id} is being sent again.`);
    } catch (err) { failure(`Redeliver ${id}`)(err); }
  }
  function showDelivery(id) {
    const d = S.deliveries.get(id);
    if (!d) return;
    S.detail = { delivery: id };
    const fields = Object.entries(d.fields || {});
    openDetail(`${d.id} · ${d.event} · ${d.state.replace('_', ' ')}`,
      h('dl', { class: 'kv' },
        h('dt', { text: 'Target' }), h('dd', { text: d.url ? `${d.method} ${d.url}` : '(none: journal only)' }),
        h('dt', { text: 'Content type' }), h('dd', { text: d.content_type || '–' }),
        h('dt', { text: 'Made' }), h('dd', {}, timeEl(d.created_at, true)),
        h('dt', { text: 'Next attempt' }), h('dd', {}, d.next_attempt_at !== null ? timeEl(d.next_attempt_at, true) : '–'),
        h('dt', { text: 'Call' }), h('dd', { text: d.call_id || '–' })),
      h('p', {}, h('button', { type: 'button', class: 'primary', disabled: !d.url, onclick: () => redeliver(d.id) }, 'Redeliver')),
      h('h3', { text: `Attempts (${d.attempts.length})` }),
      d.attempts.length ? h('div', { class: 'scroll' }, h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, ['#', 'Tenant time', 'Wall time', 'Status', 'Error', 'Duration'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, d.attempts.map((a) => h('tr', {},
          h('td', { text: a.n }), h('td', {}, timeEl(a.at, true)), h('td', {}, timeEl(Date.parse(a.wall) / 1000, true, '(wall clock)')),
          h('td', { class: `status-${String(a.status)[0]}`, text: a.status ?? '–' }), h('td', { text: a.error || '–' }),
          h('td', { class: 'num', text: `${a.duration_ms} ms` })))))) : h('p', { class: 'empty', text: 'Not attempted yet.' }),
      h('h3', { text: 'Payload (decoded)' }),
      fields.length ? h('dl', { class: 'kv payload' }, fields.map(([k, v]) => [h('dt', { text: k }),
        h('dd', { text: typeof v === 'string' ? v : JSON.stringify(v) })])) : h('p', { class: 'empty', text: 'No fields.' }),
      h('h3', { text: 'Body as sent' }), h('pre', { class: 'raw', tabindex: 0 }, d.body || '(empty)'),
      Object.keys(d.headers || {}).length ? [h('h3', { text: 'Headers' }), h('pre', { class: 'raw' },
        Object.entries(d.headers).map(([k, v]) => `${k}: ${v}`).join('\n'))] : null);
  }
  async function loadTarget() {
    try {
      const settings = await api('GET', tenantPath('/settings'));
      $('#target-url').value = (settings.webhooks && settings.webhooks.url) || '';
    } catch (err) { if (err.status !== 401) failure('Settings')(err); }
  }
  $('#target-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const url = $('#target-url').value.trim();
    try {
      await api('PATCH', tenantPath('/settings'), { webhooks: { url } });
      say(url ? `Webhooks of ${S.tenant} now go to ${url}.` : `Webhooks of ${S.tenant} are journalled only.`);
    } catch (err) { failure('Webhook target')(err); }
  });

  // -- scenarios -----------------------------------------------------------------------------------
  let libraryLoaded = false;
  async function loadLibrary() {
    if (libraryLoaded) return;
    try {
      const files = await api('GET', '/ui/scenarios');
      const vendor = document.documentElement.dataset.vendor;
      $('#library').replaceChildren(h('option', { value: '', text: files.length ? '(choose one)' : '(no scenarios/ directory found)' }),
        ...files.map((f) => h('option', { value: f.file,
          text: `${f.name} — ${f.file}${f.vendors.length && !f.vendors.includes(vendor) ? ` (for ${f.vendors.join(', ')})` : ''}` })));
      libraryLoaded = true;
    } catch (err) { if (err.status !== 401) failure('Scenario library')(err); }
  }
  $('#library-load').addEventListener('click', async () => {
    const file = $('#library').value;
    if (!file) return say('Choose a library scenario first.', true);
    try {
      $('#scenario-yaml').value = await api('GET', `/ui/scenarios/${enc(file)}`);
      say(`${file} loaded; run it as it is or edit it first.`);
    } catch (err) { failure(`Loading ${file}`)(err); }
  });
  $('#scenario-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = $('#scenario-yaml').value;
    const problems = $('#scenario-problems');
    problems.hidden = true;
    if (!text.trim()) return say('Paste a scenario or load one from the library first.', true);
    try {
      let tenant = S.tenant;
      if ($('#scenario-target').value === 'new') tenant = (await api('POST', '/tenants', {})).id;
      const speed = $('#scenario-speed').value;
      const query = new URLSearchParams({ name: $('#library').value || 'pasted.yaml' });
      if (speed) query.set('speed', speed);
      const run = await api('POST', `/tenants/${enc(tenant)}/scenarios?${query}`, text, 'application/yaml');
      say(`Scenario run ${run.run} started on tenant ${tenant}.`);
      if (tenant !== S.tenant) { await loadTenants(); switchTenant(tenant, 'scenarios'); }
    } catch (err) {
      const list = (err.data && err.data.problems) || [];
      problems.replaceChildren(...list.map((p) => h('li', { text: p })));
      problems.hidden = !list.length;
      failure('Scenario')(err);
    }
  });
  function renderRuns() {
    const runs = [...S.runs.entries()].filter(([key]) => key.startsWith(`${S.tenant}/`)).map(([, r]) => r).reverse();
    $('#runs').replaceChildren(...runs.map((r) => {
      const failedSteps = new Set(r.checks.filter((c) => c.kind === 'step' && c.ok === false)
        .map((c) => Number((/^timeline\[(\d+)\]/.exec(c.name) || [])[1])));
      const p = r.progress || {};
      return h('article', { class: 'run', 'aria-label': `Scenario run ${r.run}`, dataset: { run: r.run, status: r.status } },
        h('h3', {}, r.scenario, h('span', { class: `badge ${r.status}`, text: r.status }), h('span', { class: 'mono small', text: r.run })),
        h('p', { class: 'progress' }, `${duration(p.simulated || 0)} simulated of ${duration(p.planned || 0)} planned · `
          + `${p.calls || 0} calls · ${p.webhooks || 0} webhooks · checks: ${r.counts.held} held, ${r.counts.failed} failed, ${r.counts.skipped} skipped`),
        r.summary ? h('p', { class: 'summary', text: r.summary }) : null,
        r.reason ? h('p', { class: 'alert', text: r.reason }) : null,
        h('div', { class: 'run-cols' },
          h('section', {}, h('h4', { text: 'Timeline' }), h('ol', { class: 'checklist steps' }, r.steps.map((s) =>
            h('li', { class: failedSteps.has(s.index) ? 'bad' : s.done ? 'ok' : 'todo' },
              `${s.name}`, h('span', { class: 'detail', text: `line ${s.line}${s.at !== null ? ` · at ${s.at}s` : ''}` }))))),
          h('section', {}, h('h4', { text: 'Expectations' }), r.checks.length ? h('ul', { class: 'checklist checks' }, r.checks.map((c) =>
            h('li', { class: c.ok === true ? 'ok' : c.ok === false ? 'bad' : 'skip' }, c.name,
              c.ok === true ? null : h('span', { class: 'detail',
                text: [c.expected && `expected: ${c.expected}`, c.actual && `actual:   ${c.actual}`, c.reason].filter(Boolean).join('\n') }))))
            : h('p', { class: 'empty', text: r.status === 'running' ? 'Checks appear as they are made.' : 'No check.' }))),
        r.notes.length ? h('ul', { class: 'small' }, r.notes.map((n) => h('li', { text: n }))) : null);
    }));
  }

  // -- tenants ---------------------------------------------------------------------------------------
  async function loadTenants() {
    try {
      S.tenants = await api('GET', '/tenants?limit=5000');
    } catch (err) { if (err.status !== 401) failure('Tenants')(err); return; }
    const select = $('#tenant');
    const ids = S.tenants.map((t) => t.id);
    if (!ids.includes(S.tenant)) ids.push(S.tenant);
    select.replaceChildren(...ids.map((id) => h('option', { value: id, text: id })));
    select.value = S.tenant;
    renderTenants();
  }
  function renderTenants() {
    $('#tenants tbody').replaceChildren(...S.tenants.map((t) => h('tr', { dataset: { tenant: t.id } },
      h('th', { scope: 'row' }, t.id, t.id === S.tenant ? h('span', { class: 'badge', text: 'shown' }) : '',
        t.failed ? h('span', { class: 'badge bad', text: 'failed' }) : ''),
      h('td', { class: 'num', text: t.seed }), h('td', { class: 'num', text: t.calls }),
      h('td', { class: 'num', text: t.agents }), h('td', { class: 'num', text: t.queues }),
      h('td', { class: 'mono small' }, Object.entries(t.credentials).map(([k, v]) => h('div', { text: `${k}=${v}` }))),
      h('td', { class: 'actions' },
        h('button', { type: 'button', onclick: () => switchTenant(t.id, 'now'), 'aria-label': `Show ${t.id}` }, 'Show'), ' ',
        h('button', { type: 'button', onclick: () => resetTenant(t.id), 'aria-label': `Reset ${t.id}` }, 'Reset'), ' ',
        h('button', { type: 'button', onclick: () => downloadSnapshot(t.id), 'aria-label': `Download a snapshot of ${t.id}` }, 'Snapshot'), ' ',
        h('button', { type: 'button', onclick: () => pickRestore(t.id), 'aria-label': `Restore ${t.id} from a snapshot file` }, 'Restore…'), ' ',
        t.id === 'default' ? null : h('button', { type: 'button', class: 'danger', onclick: () => deleteTenant(t.id), 'aria-label': `Delete ${t.id}` }, 'Delete')))));
  }
  $('#create-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    const id = $('#create-id').value.trim(), seed = $('#create-seed').value.trim();
    if (id) body.id = id;
    if (seed) body.seed = Number(seed);
    try {
      const t = await api('POST', '/tenants', body);
      $('#create-id').value = ''; $('#create-seed').value = '';
      say(`Tenant ${t.id} created.`);
      await loadTenants();
    } catch (err) { failure('Create tenant')(err); }
  });
  async function resetTenant(id) {
    if (!window.confirm(`Reset tenant ${id}? Its calls, journals and webhooks are cleared; credentials stay.`)) return;
    try { await api('POST', `/tenants/${enc(id)}/reset`); say(`Tenant ${id} reset.`); await loadTenants(); }
    catch (err) { failure(`Reset ${id}`)(err); }
  }
  async function deleteTenant(id) {
    if (!window.confirm(`Delete tenant ${id}? Its credentials stop working.`)) return;
    try {
      await api('DELETE', `/tenants/${enc(id)}`);
      say(`Tenant ${id} deleted.`);
      if (id === S.tenant) switchTenant('default');
      await loadTenants();
    } catch (err) { failure(`Delete ${id}`)(err); }
  }
  async function downloadSnapshot(id) {
    try {
      const res = await fetch(`${BASE}/tenants/${enc(id)}/snapshot`, { headers: authHeaders(), cache: 'no-store' });
      if (res.status === 401) return askLogin();
      if (!res.ok) throw new ApiError(res.status, (await res.text()) || res.statusText);
      const url = URL.createObjectURL(await res.blob());
      const link = h('a', { href: url, download: `telemock-${document.documentElement.dataset.vendor}-${id}.json` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (err) { failure(`Snapshot of ${id}`)(err); }
  }
  let restoreTarget = null;
  function pickRestore(id) { restoreTarget = id; $('#restore-file').value = ''; $('#restore-file').click(); }
  $('#restore-file').addEventListener('change', async () => {
    const file = $('#restore-file').files[0];
    if (!file || !restoreTarget) return;
    try {
      await api('POST', `/tenants/${enc(restoreTarget)}/restore`, await file.text());
      say(`Tenant ${restoreTarget} restored from ${file.name}.`);
      await loadTenants();
    } catch (err) { failure(`Restore ${restoreTarget}`)(err); }
  });

  // -- the clock --------------------------------------------------------------------------------------
  function applyClock(info) {
    if (info && typeof info.now === 'number') {
      S.clock = { now: info.now, mode: info.mode, speed: info.speed, next_timer: info.next_timer };
      S.clockAt = performance.now();
      dirty.add('clock'); scheduleRender();
    }
  }
  document.querySelectorAll('[data-advance]').forEach((button) => button.addEventListener('click', async () => {
    try { applyClock(await api('POST', tenantPath('/clock/advance'), { seconds: Number(button.dataset.advance) })); }
    catch (err) { failure('Advance')(err); }
  }));
  $('#next-timer').addEventListener('click', async () => {
    if (!S.clock || S.clock.next_timer === null) return;
    try { applyClock(await api('POST', tenantPath('/clock/advance'), { to: iso(S.clock.next_timer) })); }
    catch (err) { failure('Advance')(err); }
  });
  $('#clock-mode-select').addEventListener('change', async (ev) => {
    try { applyClock(await api('PATCH', tenantPath('/clock'), { mode: ev.target.value })); }
    catch (err) { failure('Clock mode')(err); }
  });
  $('#clock-speed-select').addEventListener('change', async (ev) => {
    try { applyClock(await api('PATCH', tenantPath('/clock'), { speed: Number(ev.target.value) })); }
    catch (err) { failure('Clock speed')(err); }
  });
  setInterval(() => {  // a realtime clock ticks between messages (no request is made)
    if (document.hidden || !S.clock || S.clock.mode !== 'realtime') return;
    renderClock();
    const now = vnow();
    document.querySelectorAll('[data-since]').forEach((el) => { el.textContent = duration(now - Number(el.dataset.since)); });
  }, 1000);

  // -- views, tenants and the address bar ---------------------------------------------------------------
  const tabs = [...document.querySelectorAll('[role=tab]')];
  function showView(view, focus) {
    if (!VIEWS.includes(view)) view = 'now';
    S.view = view;
    for (const tab of tabs) {
      const on = tab.dataset.view === view;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      $(`#view-${tab.dataset.view}`).hidden = !on;
      if (on && focus) tab.focus();
    }
    render();
    if (view === 'tenants') loadTenants();
    if (view === 'webhooks') loadTarget();
    if (view === 'scenarios') loadLibrary();
    writeHash();
  }
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => showView(tab.dataset.view));
    tab.addEventListener('keydown', (ev) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[ev.key];
      let next = null;
      if (step) next = tabs[(i + step + tabs.length) % tabs.length];
      if (ev.key === 'Home') next = tabs[0];
      if (ev.key === 'End') next = tabs[tabs.length - 1];
      if (next) { ev.preventDefault(); showView(next.dataset.view, true); }
    });
  });
  function writeHash() {
    const hash = `#view=${S.view}&tenant=${enc(S.tenant)}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }
  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    return { view: params.get('view') || 'now', tenant: params.get('tenant') || 'default' };
  }
  function switchTenant(tid, view) {
    S.tenant = tid;
    S.lastId = '';
    clearTenantState();
    $('#tenant').value = tid;
    if (![...$('#tenant').options].some((o) => o.value === tid)) $('#tenant').append(h('option', { value: tid, text: tid }));
    setLive(false, 'connecting…');
    connect();
    showView(view || S.view);
    render();
  }
  $('#tenant').addEventListener('change', (ev) => switchTenant(ev.target.value));
  window.addEventListener('hashchange', () => {
    const want = readHash();
    if (want.tenant !== S.tenant) switchTenant(want.tenant, want.view);
    else if (want.view !== S.view) showView(want.view);
  });

  function start() {
    const want = readHash();
    S.tenant = want.tenant;
    loadTenants();
    switchTenant(want.tenant, want.view);
  }
  start();
})();
