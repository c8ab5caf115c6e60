// The sandbox Manage host: signs members in through Manage's login, shows company and
// agreement screens, and frames the Hosted API tabs and pods registered in the setup table,
// speaking Manage's postMessage protocol to them (every message a JSON string).

const $ = (sel) => document.querySelector(sel);
const esc = (s) =>
  String(s ?? '').replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]);
const state = {
  data: null,
  auth: JSON.parse(sessionStorage.getItem('sandbox-auth') || 'null'),
  frames: new Map(),
  nextFrame: 1,
  nextEvent: 1,
  pending: new Map(),
  dirty: false,
};
const logLines = [];

function log(direction, text) {
  logLines.push(`${new Date().toISOString().slice(11, 23)} ${direction} ${text}`);
  const pre = $('#protocol-log');
  if (pre) pre.textContent = logLines.slice(-200).join('\n');
}

async function load() {
  state.data = await (await fetch('/__host/data')).json();
  renderWho();
  window.addEventListener('hashchange', render);
  render();
}

function renderWho() {
  const who = $('#who');
  if (state.auth) {
    who.innerHTML = `<span data-testid="signed-in-as">Signed in as ${esc(state.auth.name)} (${esc(state.auth.memberid)})</span> <button id="sign-out">Sign out</button>`;
    $('#sign-out').onclick = () => {
      state.auth = null;
      sessionStorage.removeItem('sandbox-auth');
      renderWho();
      render();
    };
    return;
  }
  const options = state.data.members
    .map(
      (m) =>
        `<option value="${esc(m.identifier)}">${esc(m.name)} — ${esc(m.role)}${m.inactive ? ' (inactive)' : ''}</option>`,
    )
    .join('');
  who.innerHTML = `<label>Member <select id="member">${options}</select></label> <input id="password" type="password" value="sandbox" size="8" aria-label="Password"> <button id="sign-in">Sign in</button> <span id="sign-in-error" class="error"></span>`;
  $('#sign-in').onclick = signIn;
}

async function signIn() {
  const memberid = $('#member').value;
  const res = await fetch(`/${state.data.codebase}login/login.aspx?response=json`, {
    method: 'POST',
    body: new URLSearchParams({
      CompanyName: state.data.companyId,
      UserName: memberid,
      Password: $('#password').value,
    }),
  });
  const body = await res.json();
  if (!body.Success) {
    $('#sign-in-error').textContent = body.Message || 'Sign-in failed';
    return;
  }
  const member = state.data.members.find((m) => m.identifier === memberid);
  state.auth = {
    memberid,
    name: member.name,
    email: member.email,
    memberHash: body.Hash,
    memberContext: body.MemberContext,
  };
  sessionStorage.setItem('sandbox-auth', JSON.stringify(state.auth));
  renderWho();
  render();
}

function route() {
  const [, screen, id, , tab] = (location.hash || '#/').slice(1).split('/');
  return { screen: screen || null, id: id ? Number(id) : null, tab: tab ? decodeURIComponent(tab) : null };
}

function render() {
  for (const f of state.frames.values()) f.iframe.remove();
  state.frames.clear();
  const r = route();
  const nav = state.data.companies
    .map(
      (c) =>
        `<a href="#/company/${c.id}" class="${r.screen === 'company' && r.id === c.id ? 'active' : ''}">${esc(c.name)}</a>`,
    )
    .join('');
  $('#nav').innerHTML = `<h3>Companies</h3>${nav}`;
  const main = $('#main');
  if (!state.auth) {
    main.innerHTML = '<div class="notice">Sign in as a member (top right) to use ConnectWise.</div>';
    return;
  }
  if (r.screen === 'company' && r.id) return renderCompany(main, r);
  if (r.screen === 'agreement' && r.id) return renderAgreement(main, r);
  main.innerHTML = '<div class="notice">Choose a company on the left.</div>';
}

const hostedFor = (screenName, type) => {
  const screen = state.data.screens.find((s) => s.name.toLowerCase() === screenName);
  return screen ? state.data.hosted.filter((h) => h.screenId === screen.screenId && h.type === type) : [];
};

function renderCompany(main, r) {
  const company = state.data.companies.find((c) => c.id === r.id);
  if (!company) {
    main.innerHTML = '<div class="notice error">No such company.</div>';
    return;
  }
  const tabs = hostedFor('company', 'Tab');
  const agreements = state.data.agreements.filter((a) => a.companyId === company.id);
  main.innerHTML = `
    <h1 class="screen-title" data-testid="screen-title">${esc(company.name)}</h1>
    <div class="crumb">Company · ${esc(company.identifier)} · #${company.id}</div>
    ${toolbar()}
    <div class="tabs">
      <button data-tab="" class="${r.tab ? '' : 'active'}">Company</button>
      ${tabs.map((t) => `<button data-tab="${esc(t.description)}" class="${r.tab === t.description ? 'active' : ''}">${esc(t.description)}</button>`).join('')}
      <button data-tab="Agreements" class="${r.tab === 'Agreements' ? 'active' : ''}">Agreements</button>
    </div>
    <div class="panel" id="tab-panel"></div>
    ${logPanel()}`;
  for (const b of main.querySelectorAll('.tabs button')) {
    b.onclick = () =>
      (location.hash = `#/company/${company.id}${b.dataset.tab ? `/tab/${encodeURIComponent(b.dataset.tab)}` : ''}`);
  }
  const panel = $('#tab-panel');
  const hosted = tabs.find((t) => t.description === r.tab);
  if (hosted) {
    // Like Manage, a hosted tab gets the rest of the window: the pod scrolls inside it, once.
    const frame = mountFrame(panel, hosted, { screen: 'company', id: company.id, hostedAs: 'tab' }, tabHeight(panel));
    window.onresize = () => (frame.style.height = `${tabHeight(panel)}px`);
  } else if (r.tab === 'Agreements') {
    panel.innerHTML = `<table><tr><th>Agreement</th><th>Status</th><th>Cycle</th><th>Prorates</th><th>Next invoice</th></tr>${agreements
      .map(
        (a) =>
          `<tr><td><a href="#/agreement/${a.id}">${esc(a.name)}</a></td><td>${esc(a.status)}</td><td>${esc(a.billingCycle)}</td><td>${a.prorateFlag ? 'Yes' : 'No'}</td><td>${esc((a.nextInvoiceDate || '').slice(0, 10))}</td></tr>`,
      )
      .join('')}</table>`;
  } else {
    panel.innerHTML = `<table><tr><th>Name</th><td>${esc(company.name)}</td></tr><tr><th>Identifier</th><td>${esc(company.identifier)}</td></tr><tr><th>Agreements</th><td>${agreements.map((a) => `<a href="#/agreement/${a.id}">${esc(a.name)}</a>`).join('<br>') || 'None'}</td></tr></table>`;
  }
  wireToolbar();
}

async function renderAgreement(main, r) {
  const agreement = state.data.agreements.find((a) => a.id === r.id);
  if (!agreement) {
    main.innerHTML = '<div class="notice error">No such agreement.</div>';
    return;
  }
  const company = state.data.companies.find((c) => c.id === agreement.companyId);
  const pods = hostedFor('agreement', 'Pod');
  main.innerHTML = `
    <h1 class="screen-title" data-testid="screen-title">${esc(agreement.name)}</h1>
    <div class="crumb"><a href="#/company/${company.id}">${esc(company.name)}</a> · Agreement #${agreement.id} · ${esc(agreement.status)} · ${agreement.prorateFlag ? 'prorates' : 'does not prorate'} · next invoice ${esc((agreement.nextInvoiceDate || '').slice(0, 10))}</div>
    <h3>Additions</h3>
    <div id="additions"></div>
    ${toolbar()}
    <div class="pods">${pods.map((p, i) => `<div class="pod"><h4>${esc(p.description)}</h4><div id="pod-${i}"></div></div>`).join('')}</div>
    ${logPanel()}`;
  await renderAdditions(agreement.id);
  pods.forEach((p, i) => {
    mountFrame($(`#pod-${i}`), p, { screen: 'agreement', id: agreement.id, hostedAs: 'pod' }, p.podHeight || 280);
  });
  wireToolbar();
}

async function renderAdditions(agreementId) {
  const rows = await (await fetch(`/__host/agreements/${agreementId}/additions`)).json();
  const cell = (v) => `<td>${esc(v)}</td>`;
  $('#additions').innerHTML = rows.length
    ? `<table data-testid="additions-grid"><tr><th>Product</th><th>Description</th><th>Qty</th><th>Unit price</th><th>Unit cost</th><th>Effective</th><th>Cancelled</th></tr>${rows
        .map(
          (a) =>
            `<tr>${cell(a.product.identifier)}${cell(a.invoiceDescription || a.description)}${cell(a.quantity)}${cell(a.unitPrice)}${cell(a.unitCost)}${cell((a.effectiveDate || '').slice(0, 10))}${cell((a.cancelledDate || '').slice(0, 10))}</tr>`,
        )
        .join('')}</table>`
    : '<div class="notice" data-testid="additions-grid">No additions.</div>';
}

const toolbar = () =>
  `<div class="toolbar"><button id="refresh">Refresh</button><button id="save">Save</button><span id="dirty" class="dirty"></span><span id="save-result"></span></div>`;
const logPanel = () =>
  `<details class="log"><summary>Hosted API messages</summary><pre id="protocol-log">${esc(logLines.slice(-200).join('\n'))}</pre></details>`;

function wireToolbar() {
  $('#refresh').onclick = () => refreshScreen();
  $('#save').onclick = async () => {
    const results = await Promise.all([...state.frames.values()].map((f) => sendEvent(f, 'beforeSave', {})));
    const failed = results.filter((r) => r.result !== 'success');
    $('#save-result').textContent = failed.length
      ? ` Save blocked: ${failed.flatMap((f) => f.errors || []).join('; ')}`
      : ' Saved.';
    if (!failed.length) setDirty(false);
  };
  setDirty(state.dirty);
}

function setDirty(dirty) {
  state.dirty = dirty;
  const el = $('#dirty');
  if (el) el.textContent = dirty ? 'Unsaved changes' : '';
}

/** Re-sends onLoad to every frame, as Manage does when a screen is refreshed. */
async function refreshScreen() {
  const r = route();
  if (r.screen === 'agreement') await renderAdditions(r.id);
  for (const f of state.frames.values()) if (f.ready) sendEvent(f, 'onLoad', { screenObject: f.screenObject });
}

const tabHeight = (panel) => Math.max(360, Math.floor(window.innerHeight - panel.getBoundingClientRect().top - 22));

function mountFrame(container, hosted, screenObject, height) {
  const id = `frame-${state.nextFrame++}`;
  const url = hosted.url.replaceAll('[cw_id]', String(screenObject.id)).replaceAll('[cw_screen]', screenObject.screen);
  const iframe = document.createElement('iframe');
  iframe.className = 'hosted';
  iframe.name = hosted.description;
  iframe.title = hosted.description;
  iframe.style.height = `${height}px`;
  iframe.dataset.frameId = id;
  iframe.src = url;
  container.appendChild(iframe);
  state.frames.set(id, { id, iframe, origin: new URL(url).origin, screenObject, ready: false });
  return iframe;
}

function post(frame, message) {
  const text = JSON.stringify(message);
  log('→', text);
  frame.iframe.contentWindow.postMessage(text, frame.origin);
}

function sendEvent(frame, event, data) {
  const _id = String(state.nextEvent++);
  post(frame, { event, _id, data });
  return new Promise((resolve) => {
    state.pending.set(_id, resolve);
    setTimeout(() => {
      if (state.pending.delete(_id))
        resolve({ result: 'failure', errors: [`${frame.iframe.title} did not answer ${event}`] });
    }, 5000);
  });
}

window.addEventListener('message', (e) => {
  const frame = [...state.frames.values()].find((f) => f.iframe.contentWindow === e.source);
  if (!frame || e.origin !== frame.origin) return;
  let msg;
  try {
    msg = typeof e.data === 'string' ? JSON.parse(e.data) : null;
  } catch {
    msg = null;
  }
  if (!msg || typeof msg !== 'object') {
    log('✗', 'ignored a message that is not a JSON string');
    return;
  }
  log('←', e.data);
  if (msg.message === 'ready') {
    frame.ready = true;
    post(frame, { MessageFrameID: frame.id });
    sendEvent(frame, 'onLoad', { screenObject: frame.screenObject });
    return;
  }
  if (msg.event && msg._id !== undefined && msg.result) {
    const resolve = state.pending.get(String(msg._id));
    state.pending.delete(String(msg._id));
    resolve?.(msg);
    return;
  }
  // Manage ignores requests under any key but `hosted_request`, and from the wrong frame id.
  if (!msg.hosted_request || msg.frameID !== frame.id) return;
  const name = msg.hosted_request;
  const respond = (data) => post(frame, { response: name.toLowerCase(), data });
  if (name === 'getMemberAuthentication') {
    respond({
      site: location.host,
      companyid: state.data.companyId,
      memberid: state.auth.memberid,
      memberHash: state.auth.memberHash,
      memberContext: state.auth.memberContext,
      memberEmail: state.auth.email,
    });
  } else if (name === 'refreshScreen') {
    respond({});
    refreshScreen();
  } else if (name === 'openScreen') {
    respond({});
    const args = msg.args || {};
    location.hash = `#/${args.screen}/${args.id}`;
  } else if (name === 'setDirty') {
    respond({});
    setDirty(Boolean(msg.args?.dirty));
  }
});

load();
