// The review page: a team's batches with live progress, their drafts and finals, and review decisions.
// It uses only the REST API: with the API key kept in this tab's session storage, or, where the deployment has an
// OpenID provider, with the session of a person signed in through it (the session cookie goes with every call).
(() => {
  'use strict';

  const state = { key: sessionStorage.getItem('reelflow-key'), batchId: null, stream: null, refresh: null, cards: new Map() };
  const $ = (selector, root = document) => root.querySelector(selector);

  function element(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function show(text, kind = 'error') {
    const box = $('#message');
    box.textContent = text;
    box.className = 'message' + (kind === 'info' ? ' info' : '');
    box.hidden = !text;
  }

  function describe(problem) {
    if (!problem) return 'request failed';
    const reasons = (problem.violations || []).map(v => `${v.field}: ${v.reason}`);
    return [problem.detail || problem.title, ...reasons].join(' — ');
  }

  // The API key when one is in use; a signed-in person's calls carry their session cookie instead.
  function credentials() {
    return state.key ? { 'Authorization': 'Bearer ' + state.key } : {};
  }

  async function api(path, options = {}) {
    const response = await fetch(path, {
      ...options,
      headers: { ...credentials(), 'Content-Type': 'application/json', ...(options.headers || {}) }
    });
    const text = await response.text();
    const body = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = new Error(describe(body));
      error.status = response.status;
      throw error;
    }
    return body;
  }

  // Batches -------------------------------------------------------------------------------------------------

  function bar(done, total, label) {
    const pct = total ? Math.round(100 * done / total) : 0;
    return element('div', { class: 'progress-line' },
      element('div', { class: 'bar' + (done === total && total ? ' done' : ''), role: 'progressbar', 'aria-label': label,
        'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': done }, element('span', { style: `width:${pct}%` })),
      element('small', { class: 'muted' }, `${label}: ${done} of ${total}`));
  }

  async function loadBatches() {
    const batches = await api('/api/v1/batches');
    const list = $('#batches');
    list.replaceChildren(...batches.map(b => element('li', {
      class: b.batchId === state.batchId ? 'selected' : '', 'data-batch': b.batchId, onclick: () => select(b.batchId)
    }, element('div', { class: 'name' }, b.batchId), element('div', { class: 'muted' }, `${b.campaign} · ${b.state.toLowerCase()}`),
      bar(b.draftsDone, b.shots, 'drafts'), bar(b.shotsClosed, b.shots, 'shots closed'))));
    if (!batches.length) list.replaceChildren(element('li', { class: 'muted' }, 'No batches yet.'));
  }

  async function select(batchId) {
    state.batchId = batchId;
    state.cards.clear();
    $('#batch').replaceChildren(element('p', { class: 'muted' }, 'Loading ' + batchId + '…'));
    await Promise.all([loadBatches(), loadBatch()]);
    follow(batchId);
  }

  // One batch ------------------------------------------------------------------------------------------------

  async function loadBatch() {
    const batchId = state.batchId;
    if (!batchId) return;
    let detail;
    try {
      detail = await api('/api/v1/batches/' + encodeURIComponent(batchId));
    } catch (e) {
      if (e.status === 404) {
        $('#batch').replaceChildren(element('p', { class: 'muted' }, `Batch ${batchId} is being taken in…`));
        return;
      }
      throw e;
    }
    if (batchId !== state.batchId) return;
    const root = $('#batch');
    let grid = $('.grid', root);
    if (!grid || root.dataset.batch !== batchId) {
      root.dataset.batch = batchId;
      grid = element('div', { class: 'grid' });
      root.replaceChildren(element('div', { class: 'batch-head' }), grid);
    }
    const b = detail.batch;
    // replaceChildren would write a null as the text "null": only present parts are passed.
    $('.batch-head', root).replaceChildren(...[
      element('h2', {}, b.batchId), element('span', { class: 'muted' }, `${b.campaign} · ${route(b.draftModel, b.draftFallbacks)} → ${route(b.finalModel, b.finalFallbacks)}`),
      element('div', { class: 'progress' }, bar(b.draftsDone, b.shots, 'drafts'), bar(b.shotsClosed, b.shots, 'shots closed')),
      detail.shots.some(s => (s.deliverables || []).some(d => d.state === 'DELIVERED'))
        ? element('button', { type: 'button', class: 'secondary', 'data-action': 'zip', onclick: () => downloadZip(b.batchId) }, 'Download deliverables (ZIP)') : null
    ].filter(Boolean));
    for (const shot of detail.shots) {
      const signature = JSON.stringify([shot.state, shot.revision, shot.drafts.map(d => [d.revision, d.state]), shot.finalCut && shot.finalCut.state,
        shot.secondMaster && shot.secondMaster.state, (shot.deliverables || []).map(d => d.state)]);
      const known = state.cards.get(shot.shotId);
      if (known && known.signature === signature) continue;
      const card = renderShot(shot);
      if (known) known.card.replaceWith(card); else grid.append(card);
      state.cards.set(shot.shotId, { signature, card });
    }
  }

  // A route's first model, and the fallbacks tried after it.
  function route(model, fallbacks) {
    return fallbacks && fallbacks.length ? `${model} (then ${fallbacks.join(', ')})` : model;
  }

  function clip(job, kind, label) {
    if (!job) return null;
    if (job.links) {
      return element('figure', { class: kind },
        element('video', { class: kind, src: job.links.video, poster: job.links.poster, controls: true, muted: true,
          playsinline: true, preload: 'metadata', 'data-revision': job.revision }),
        element('figcaption', { class: kind + '-revision', title: (job.fallbacks || []).join('\n') },
          `${label} r${job.revision} · ${job.seconds} s · ${job.size} · ${job.model}${job.fallbacks ? ' (fallback)' : ''}`),
        credentialsBadge(job.contentCredentials),
        look(job));
    }
    const refused = { prompt: 'the prompt was refused', image: 'the image was refused', output: 'the video made was refused' };
    const what = job.failureKind === 'moderation' && refused[job.refusedInput] ? ` (${refused[job.refusedInput]})` : '';
    const text = job.state === 'FAILED' ? `${label} r${job.revision} failed${what}: ${job.reason || job.failureKind}`
      : job.state === 'HELD' ? `${label} r${job.revision} held: ${job.reason}` : `${label} r${job.revision}: ${job.state.toLowerCase()}…`;
    return element('figure', { class: kind }, element('div', { class: 'placeholder' }, text));
  }

  // How alike a final came out to its approved draft, and the contact sheet (draft above, final below).
  function look(job) {
    if (job.stage !== 'final') return null;
    const carried = job.look === 'carried' ? `from the approved frame at ${job.fromSecond || 0} s` : 're-rolled (the model takes no image)';
    const score = job.startFrameSsim == null ? '' : ` · start-frame SSIM ${job.startFrameSsim.toFixed(2)} · draft similarity ${job.draftSimilarity.toFixed(2)}`;
    return element('div', { class: 'look' },
      element('span', { class: 'muted', 'data-ssim': job.startFrameSsim == null ? '' : job.startFrameSsim }, `Take ${job.take}, ${carried}${score}`),
      job.links && job.links.contactSheet ? element('img', { class: 'contact-sheet', src: job.links.contactSheet, alt: 'Contact sheet: draft above, final below' }) : null);
  }

  function renderShot(shot) {
    const latest = shot.drafts.filter(d => d.revision === shot.revision)[0] || shot.drafts[shot.drafts.length - 1];
    const clips = [clip(latest, 'draft', 'Draft'), clip(shot.finalCut, 'final', 'Final'), clip(shot.secondMaster, 'final', shot.finalCut ? 'Second master' : 'Final')].filter(Boolean);
    const card = element('article', { class: 'shot' + (shot.aspectRatio === 'portrait' ? ' portrait' : ''), 'data-shot': shot.shotId, 'data-state': shot.state },
      element('header', {}, element('span', {}, shot.shotId), element('span', { class: 'state ' + shot.state }, shot.state.replace('_', ' ').toLowerCase())),
      element('div', { class: 'clips' + (clips.length === 1 ? ' single' : '') }, clips),
      element('p', { class: 'prompt' }, shot.prompt),
      shot.advice && shot.advice.length ? element('ul', { class: 'advice' }, shot.advice.map(a => element('li', { 'data-code': a.code }, a.message))) : null,
      deliverables(shot));
    if (shot.state === 'AWAITING_REVIEW') card.append(actions(shot));
    if (shot.state === 'AWAITING_FINAL_REVIEW') card.append(signOff(shot));
    return card;
  }

  // The content credentials (C2PA) a stored video carries: a badge, with what they say on hover and for readers.
  function credentialsBadge(credentials) {
    if (!credentials) return element('span', { class: 'credentials missing', title: 'This file carries no content credentials' }, 'No content credentials');
    return element('span', { class: 'credentials', title: `${credentials.summary}\nmanifest ${credentials.manifest}`,
      'data-manifest': credentials.manifest, 'aria-label': `Content credentials: ${credentials.summary}` }, 'Content credentials');
  }

  // The shot's placement files: frame, length, measured loudness and true peak, and links to download them.
  function deliverables(shot) {
    if (!shot.deliverables || !shot.deliverables.length) return null;
    const number = (v, digits, unit) => v == null ? '' : `${v.toFixed(digits)} ${unit}`;
    const rows = shot.deliverables.map(d => element('tr', { 'data-placement': d.placement, 'data-state': d.state },
      element('td', {}, d.placement),
      element('td', {}, d.links
        ? [element('a', { href: d.links.video, download: `${shot.shotId}-${d.placement}.mp4` }, 'MP4'),
           d.links.vtt ? element('a', { href: d.links.vtt, download: `${shot.shotId}-${d.placement}.vtt` }, 'VTT') : null,
           d.links.srt ? element('a', { href: d.links.srt, download: `${shot.shotId}-${d.placement}.srt` }, 'SRT') : null].filter(Boolean)
        : d.state === 'FAILED' ? `failed: ${d.error || ''}` : 'making…'),
      element('td', {}, d.size || ''),
      element('td', {}, number(d.seconds, 1, 's')),
      element('td', {}, d.integratedLufs == null ? '' : `${number(d.integratedLufs, 1, 'LUFS')}, ${number(d.truePeakDbtp, 1, 'dBTP')}`),
      element('td', {}, d.state === 'DELIVERED' ? credentialsBadge(d.contentCredentials) : '')));
    return element('table', { class: 'deliverables' },
      element('thead', {}, element('tr', {}, ['Placement', 'Files', 'Size', 'Length', 'Loudness, peak', 'Provenance'].map(h => element('th', {}, h)))),
      element('tbody', {}, rows));
  }

  // The batch's ZIP needs the key in a header, so it is fetched here and handed to the browser as a file.
  async function downloadZip(batchId) {
    try {
      const response = await fetch(`/api/v1/batches/${encodeURIComponent(batchId)}/deliverables.zip`, { headers: credentials() });
      if (!response.ok) throw new Error(`the ZIP could not be fetched (${response.status})`);
      const url = URL.createObjectURL(await response.blob());
      const link = element('a', { href: url, download: `${batchId}-deliverables.zip` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (e) {
      show(e.message);
    }
  }

  function actions(shot) {
    const revise = element('form', { class: 'revise-form', hidden: true },
      element('label', {}, 'Revised prompt', element('textarea', { name: 'revisedPrompt', rows: 3, required: true }, shot.prompt)),
      element('div', { class: 'actions' }, element('button', { type: 'submit' }, 'Send revision')));
    revise.addEventListener('submit', event => {
      event.preventDefault();
      decide(shot, 'revise', { revisedPrompt: revise.revisedPrompt.value });
    });
    return element('div', { class: 'review' },
      element('div', { class: 'actions' },
        // The final starts from the frame the draft shows now: pause the draft where it looks best, then approve.
        element('button', { type: 'button', 'data-action': 'approve', onclick: () => decide(shot, 'approve', { fromSecond: draftTime(shot) }) }, 'Approve'),
        element('button', { type: 'button', class: 'danger', 'data-action': 'reject', onclick: () => decide(shot, 'reject') }, 'Reject'),
        element('button', { type: 'button', class: 'secondary', 'data-action': 'revise', onclick: () => { revise.hidden = !revise.hidden; } }, 'Revise…')),
      revise);
  }

  function draftTime(shot) {
    const video = state.cards.get(shot.shotId).card.querySelector('video.draft');
    const draft = shot.drafts.find(d => d.revision === shot.revision);
    const last = (draft ? draft.seconds : 4) - 0.05;
    return video && Number.isFinite(video.currentTime) ? Math.min(last, Math.round(video.currentTime * 100) / 100) : 0;
  }

  function signOff(shot) {
    return element('div', { class: 'review' },
      element('div', { class: 'actions' },
        element('button', { type: 'button', 'data-action': 'sign-off', onclick: () => decide(shot, 'approve', { stage: 'final' }) }, 'Sign off final'),
        element('button', { type: 'button', class: 'danger', 'data-action': 'retake', onclick: () => decide(shot, 'reject', { stage: 'final' }) }, 'Reject final')));
  }

  async function decide(shot, decision, extra = {}) {
    const card = state.cards.get(shot.shotId).card;
    card.querySelectorAll('button').forEach(b => { b.disabled = true; });
    try {
      await api(`/api/v1/batches/${encodeURIComponent(state.batchId)}/shots/${encodeURIComponent(shot.shotId)}/decisions`, {
        method: 'POST', body: JSON.stringify({ decision, revision: shot.revision, ...extra })
      });
      show(`${decision} sent for ${shot.shotId}`, 'info');
    } catch (e) {
      show(e.message);
      card.querySelectorAll('button').forEach(b => { b.disabled = false; });
    }
  }

  // Live progress: the batch's server-sent events, read with fetch so the key travels in a header -----------------

  function follow(batchId) {
    if (state.stream) state.stream.abort();
    const controller = new AbortController();
    state.stream = controller;
    let lastId = null;
    const run = async () => {
      while (!controller.signal.aborted) {
        try {
          const headers = credentials();
          if (lastId) headers['Last-Event-ID'] = lastId;
          const response = await fetch(`/api/v1/batches/${encodeURIComponent(batchId)}/events`, { headers, signal: controller.signal });
          if (!response.ok) throw new Error('event stream answered ' + response.status);
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true });
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const id = block.split('\n').find(l => l.startsWith('id:'));
              if (id) { lastId = id.slice(3).trim(); scheduleRefresh(); }
            }
          }
        } catch (e) {
          if (controller.signal.aborted) return;
        }
        await new Promise(resolve => setTimeout(resolve, 2000));
      }
    };
    run();
  }

  function scheduleRefresh() {
    clearTimeout(state.refresh);
    state.refresh = setTimeout(() => Promise.all([loadBatch(), loadBatches()]).catch(e => show(e.message)), 250);
  }

  // Submitting a batch -----------------------------------------------------------------------------------------

  async function submit(event) {
    event.preventDefault();
    const form = event.target;
    const prompts = form.prompts.value.split('\n').map(p => p.trim()).filter(Boolean);
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const batch = {
      batchId: `${form.campaign.value}-${stamp}`,
      campaign: form.campaign.value,
      defaults: { aspectRatio: form.aspectRatio.value },
      shots: prompts.map((prompt, i) => ({ shotId: 's' + String(i + 1).padStart(2, '0'), prompt }))
    };
    try {
      const answer = await api('/api/v1/batches', { method: 'POST', body: JSON.stringify(batch) });
      const box = $('#submit-advice');
      box.replaceChildren(element('p', {}, `Submitted ${answer.batchId}.`),
        ...answer.advice.map(a => element('div', {}, element('strong', {}, a.shotId + ': '), a.advice.map(x => x.message).join(' '))));
      box.hidden = false;
      show('');
      await select(answer.batchId);
    } catch (e) {
      show(e.message);
    }
  }

  // Start ------------------------------------------------------------------------------------------------------

  async function start() {
    try {
      const me = await api('/api/v1/me');
      $('#team').textContent = (me.person ? `${me.person}, ` : '') + `team ${me.team} (${me.roles.join(', ')})`;
      if (me.person) {
        // Signed in through the OpenID provider: no key to enter, no sign-in to offer.
        for (const part of ['label[for=api-key]', '#api-key', '#key-form button', '#sign-in']) $(part).hidden = true;
      }
      await loadBatches();
      $('#app').hidden = false;
      show('');
      setInterval(() => loadBatches().catch(() => {}), 10000);
    } catch (e) {
      show(e.status === 401 ? 'That API key is not valid.' : e.message);
      $('#app').hidden = true;
    }
  }

  $('#key-form').addEventListener('submit', event => {
    event.preventDefault();
    state.key = $('#api-key').value.trim();
    sessionStorage.setItem('reelflow-key', state.key);
    start();
  });
  $('#new-batch').addEventListener('submit', submit);
  if (state.key) {
    start();
  } else {
    // Signed in already (a session with the deployment's OpenID provider)? Otherwise offer the sign-in, if any.
    fetch('/review/session').then(r => r.json()).then(session => {
      $('#sign-in').hidden = !session.signIn;
      if (session.signedIn) start();
    }).catch(() => {});
  }
})();
