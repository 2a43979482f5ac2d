// The studio talks to the same Videos API as any client, with the key the user typed. Plain script, no build step.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const STORED_KEY = 'strom-key';
  const FIRST_RETRY_MS = 1000;
  const LAST_RETRY_MS = 8000;

  // ---- the API key: kept for this tab only (sessionStorage) unless "remember" is ticked (localStorage) ----

  const key = $('key');
  const remember = $('remember');
  remember.checked = localStorage.getItem(STORED_KEY) !== null;
  key.value = sessionStorage.getItem(STORED_KEY) || localStorage.getItem(STORED_KEY) || '';

  function keepKey() {
    sessionStorage.removeItem(STORED_KEY);
    localStorage.removeItem(STORED_KEY);
    if (key.value) (remember.checked ? localStorage : sessionStorage).setItem(STORED_KEY, key.value);
  }

  // the gallery follows the key as it is typed or pasted, a moment after the last keystroke
  let keyTimer = null;
  key.addEventListener('input', () => {
    keepKey();
    clearTimeout(keyTimer);
    keyTimer = setTimeout(keyChanged, 400);
  });
  $('keys').addEventListener('submit', (event) => {
    event.preventDefault();
    keyChanged();
  });

  function keyChanged() {
    clearTimeout(keyTimer);
    keyTimer = null;
    reload();
  }
  remember.addEventListener('change', keepKey);
  $('forget').addEventListener('click', () => {
    key.value = '';
    remember.checked = false;
    sessionStorage.removeItem(STORED_KEY);
    localStorage.removeItem(STORED_KEY);
    keyChanged();
    say('The key is forgotten on this computer.');
    key.focus();
  });

  // ---- talking to the server ----

  /** An API refusal or an unreachable server, in plain words; param names the request field it is about. */
  class Problem extends Error {
    constructor(message, details) {
      super(message);
      Object.assign(this, { status: 0, param: null, code: null, offline: false }, details);
    }
  }

  function plainWords(status, error) {
    if (status === 401) return key.value ? 'The server did not accept this API key.' : 'Enter your API key first.';
    if (status === 413) return 'That is too large for the server (see its --max-upload-mb).';
    if (status === 429) return 'The server\'s queue is full. Wait for a video to finish, then try again.';
    if (status >= 500) return 'The server had a problem with this request. Try again; if it keeps happening, look at the server\'s log.';
    return (error && error.message) || 'The server refused this (HTTP ' + status + ').';
  }

  async function api(path, options = {}) {
    // A request sent with a key typed a moment ago first shows that key's gallery. Otherwise the gallery would be
    // cleared for the new key after this request's card is in it, and stay empty if the server is out of reach then.
    if (keyTimer !== null) keyChanged();
    let res;
    try {
      res = await fetch(path, { ...options, headers: { Authorization: 'Bearer ' + key.value, ...(options.headers || {}) } });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new Problem('Could not reach the server. It may be restarting; the studio keeps trying.', { offline: true });
    }
    if (!res.ok) {
      let error = null;
      try { error = (await res.json()).error; } catch (e) { /* not JSON */ }
      throw new Problem(plainWords(res.status, error), { status: res.status, param: error && error.param, code: error && error.code });
    }
    backOnline();
    return res;
  }

  const postJson = (path, body) => api(path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });

  const sleep = (ms, signal) => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (signal) signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

  // ---- messages: the page's status line, the connection line, and errors next to the field they are about ----

  function say(text) {
    $('status').textContent = text;
  }

  function showError(element, text, field) {
    element.textContent = text || '';
    element.hidden = !text;
    if (field) {
      if (text) field.setAttribute('aria-invalid', 'true');
      else field.removeAttribute('aria-invalid');
    }
  }

  let offline = false;

  function connectionLost(retryMs) {
    offline = true;
    $('connection').textContent = 'Lost the connection to the server. Trying again in ' + Math.round(retryMs / 1000) + ' s…';
    $('connection').className = 'notice';
  }

  // Back in touch: what was said about the lost connection is no longer true, and videos may have changed meanwhile.
  function backOnline() {
    if (!offline) return;
    offline = false;
    $('connection').textContent = '';
    $('connection').className = '';
    document.querySelectorAll('[data-offline]').forEach((element) => {
      element.removeAttribute('data-offline');
      showError(element, '');
    });
    gallery();
  }

  /**
   * Puts a problem next to the field it is about: fields maps the API's param names to {field, error}; a problem
   * without a known param goes to fallback, a refused key to the key field, an unreachable server to the connection line.
   */
  function place(problem, fields, fallback) {
    if (problem.status === 401) {
      showError($('key-error'), problem.message, key);
      key.focus();
      return;
    }
    const target = (problem.param && fields[problem.param]) || { error: fallback };
    showError(target.error, problem.message, target.field);
    if (problem.offline) target.error.setAttribute('data-offline', '');
    if (target.field) target.field.focus();
  }

  function clearErrors(fields, fallback) {
    Object.values(fields).forEach(({ field, error }) => showError(error, '', field));
    showError(fallback, '');
  }

  // a field's error goes as soon as the field is changed
  document.addEventListener('input', (event) => {
    const ids = (event.target.getAttribute('aria-describedby') || '').split(' ');
    ids.filter((id) => id.endsWith('-error')).forEach((id) => showError($(id), '', event.target));
  });

  // Ctrl+Enter (Cmd+Enter on a Mac) sends the form of the box that has the focus
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    const form = event.target.closest && event.target.closest('form');
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // ---- making a video ----

  const makeFields = Object.fromEntries(['prompt', 'seed', 'guidance', 'seconds', 'size'].map((name) =>
    [name, { field: $(name), error: $(name + '-error') }]));
  makeFields.input_reference = { field: $('reference'), error: $('reference-error') };
  makeFields.model = { error: $('make-error') };

  $('make').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(makeFields, $('make-error'));
    const prompt = $('prompt').value.trim();
    if (!prompt) {
      showError($('prompt-error'), 'Write a prompt first: what should the video show?', $('prompt'));
      $('prompt').focus();
      return;
    }
    const form = new FormData();
    form.append('prompt', prompt);
    ['seed', 'guidance', 'seconds', 'size'].forEach((name) => { if ($(name).value) form.append(name, $(name).value); });
    if ($('strict').checked) form.append('strict', 'true');
    if ($('reference').files.length) form.append('input_reference', $('reference').files[0]);
    $('submit').disabled = true;
    try {
      const video = await (await api('/v1/videos', { method: 'POST', body: form })).json();
      queued(video);
      unknownWords(video);
      // the box is free for the next prompt at once; this one waits in its card
      $('prompt').value = '';
    } catch (e) {
      place(e, makeFields, $('make-error'));
    } finally {
      $('submit').disabled = false;
    }
  });

  /** A banner naming the prompt's words the model never saw: it draws nothing for them. */
  function unknownWords(video) {
    const words = (video.strom && video.strom.unknown_words) || [];
    $('prompt-words').hidden = words.length === 0;
    $('prompt-words').textContent = words.length === 0 ? '' : 'The model never saw ' + (words.length === 1 ? 'the word ' : 'the words ')
      + words.join(', ') + ' in training, so it draws nothing for ' + (words.length === 1 ? 'it' : 'them')
      + ': "' + video.prompt + '" will look like something from its own small world. Try one of the examples.';
  }

  /** What the model can draw, from GET /v1/models/{id}: a line, and example prompts that fill the prompt box. */
  async function loadModel() {
    try {
      const list = await (await api('/v1/models')).json();
      const model = list.data[0];
      const strom = (model && model.strom) || {};
      const drawn = strom.can_draw;
      $('can-draw').textContent = drawn ? 'Objects: ' + drawn.objects.map((o) => o.colour + ' ' + o.name).join(', ')
        + '. Motions: ' + drawn.motions.join(', ') + '. Backgrounds: ' + drawn.backgrounds.join(', ') + '. ' + drawn.note + '.' : '';
      const buttons = (strom.examples || []).map((text) => element('button', {
        type: 'button', textContent: text, onclick: () => { $('prompt').value = text; $('prompt').focus(); },
      }));
      $('examples').replaceChildren($('examples-title'), $('can-draw'), ...buttons);
      $('examples').hidden = buttons.length === 0 && !drawn;
    } catch (e) {
      // the gallery reports a bad key or a lost server; the examples only wait for the next load
    }
  }

  /** A video the server has just taken: its card goes first in the gallery and follows it from there. */
  function queued(video) {
    const notes = (video.strom && video.strom.notes) || [];
    say('Queued: ' + video.prompt + (notes.length ? ' (' + notes.join('; ') + ')' : ''));
    $('gallery-empty').hidden = true;
    const li = card(video);
    li.queuedAt = performance.now();
    const old = cardOf(video.id);
    if (old) replace(old, li);
    else $('gallery').prepend(li);
    watch(video.id);
  }

  // ---- following a video: server-sent events, reconnecting with backoff ----

  const watching = new Map();
  const isActive = (v) => v.status === 'queued' || v.status === 'in_progress';
  const cancelled = (v) => v.status === 'failed' && v.error && v.error.code === 'cancelled';
  const shownStatus = (v) => (cancelled(v) ? 'cancelled' : v.status);
  // a card stays while its video waits or runs (its Cancel button does not move under the pointer) and is
  // made anew when the video ends
  const keeps = (li, v) => li.dataset.status === shownStatus(v)
    || (['queued', 'in_progress'].includes(li.dataset.status) && isActive(v));

  /**
   * Follows one video until it ends. Each (re)connection first reads the video's state, so one that finished or
   * failed while the connection was down shows as it is; a dropped stream is retried after 1, 2, 4, 8, 8... s.
   */
  function watch(id) {
    if (watching.has(id)) return;
    const stop = new AbortController();
    watching.set(id, stop);
    (async () => {
      let retryMs = FIRST_RETRY_MS;
      while (!stop.signal.aborted) {
        try {
          const video = await (await api('/v1/videos/' + id, { signal: stop.signal })).json();
          retryMs = FIRST_RETRY_MS;
          show(video);
          if (!isActive(video)) break;
          await stream(id, stop.signal);
          // the server ends a stream after a while (or when idle); a short pause keeps a quick end from spinning
          await sleep(250, stop.signal);
        } catch (e) {
          if (stop.signal.aborted) break;
          if (e.status === 404) {
            drop(id);
            break;
          }
          if (!e.offline) {
            const li = cardOf(id);
            if (li) showError(li.querySelector('.card-error'), e.message);
            break;
          }
          connectionLost(retryMs);
          await sleep(retryMs, stop.signal);
          retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
        }
      }
      if (watching.get(id) === stop) watching.delete(id);
    })();
  }

  function unwatchAll() {
    watching.forEach((stop) => stop.abort());
    watching.clear();
  }

  // Server-sent events read through fetch, since EventSource cannot send the Authorization header.
  async function stream(id, signal) {
    const res = await api('/v1/videos/' + id + '/events', { signal });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        let chunk;
        try {
          chunk = await reader.read();
        } catch (e) {
          if (signal.aborted) return;
          throw new Problem('The connection to the server dropped.', { offline: true });
        }
        if (chunk.done) return;
        buffer += chunk.value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const name = (block.match(/^event: (.*)$/m) || [])[1];
          const data = JSON.parse((block.match(/^data: (.*)$/m) || [])[1] || '{}');
          if (name === 'progress') {
            show(data);
            // the finished video is shown from its thumbnail; the frames the stream sends next are not needed
            if (!isActive(data)) return;
          } else if (name === 'draft') {
            draft(id, data);
          } else if (name === 'deleted' || name === 'done') {
            return;
          }
        }
      }
    } finally {
      reader.cancel().catch(() => { /* already closed */ });
    }
  }

  // drafts arrive while the model works, a few frames at a time
  function draft(id, data) {
    const li = cardOf(id);
    const frames = li && li.querySelector('.frames');
    if (!frames) return;
    let img = frames.children[data.index];
    while (!img) {
      img = document.createElement('img');
      img.alt = '';
      frames.append(img);
      img = frames.children[data.index];
    }
    img.src = 'data:image/png;base64,' + data.png;
    img.alt = 'draft of frame ' + (data.index + 1) + ' of ' + data.frames;
  }

  // ---- the gallery ----

  const cardOf = (id) => [...$('gallery').children].find((li) => li.dataset.id === id);

  /** Shows a video's state: in place while it waits or runs (progress moves), as a new card when it ends. */
  function show(v) {
    const li = cardOf(v.id);
    if (!li) return;
    if (keeps(li, v)) {
      li.dataset.status = shownStatus(v);
      const bar = li.querySelector('progress');
      if (bar) bar.value = v.progress || 0;
      li.querySelector('.meta').textContent = meta(v);
      return;
    }
    replace(li, card(v));
    if (v.status === 'completed') say('Completed: ' + v.prompt);
    else if (cancelled(v)) say('Cancelled: ' + v.prompt);
    else if (v.status === 'failed') say('Failed: ' + v.prompt);
  }

  function replace(old, li) {
    const hadFocus = old.contains(document.activeElement);
    release(old);
    old.replaceWith(li);
    if (hadFocus) li.querySelector('button, [tabindex]')?.focus();
  }

  /** Gives back what a card holds: its object URLs. */
  function release(li) {
    (li.urls || []).forEach((url) => URL.revokeObjectURL(url));
    li.urls = [];
  }

  function drop(id) {
    const stop = watching.get(id);
    if (stop) stop.abort();
    const li = cardOf(id);
    if (li) {
      release(li);
      li.remove();
    }
    $('gallery-empty').hidden = $('gallery').children.length > 0;
  }

  function meta(v) {
    const words = { queued: 'queued', in_progress: 'in progress, ' + (v.progress || 0) + ' %', completed: 'completed',
      failed: 'failed', cancelled: 'cancelled' }[shownStatus(v)] || v.status;
    const bpd = v.strom && v.strom.bits_per_dim != null ? ', ' + v.strom.bits_per_dim.toFixed(3) + ' bits/dim' : '';
    const seed = v.strom && v.strom.seed != null ? ', seed ' + v.strom.seed : '';
    return words + ', ' + v.seconds + ' s, ' + v.size + seed + bpd;
  }

  function element(tag, props = {}, ...children) {
    const el = document.createElement(tag);
    Object.entries(props).forEach(([name, value]) => {
      if (name in el && !name.startsWith('aria') && name !== 'role') el[name] = value;
      else el.setAttribute(name, value);
    });
    el.append(...children);
    return el;
  }

  function card(v) {
    const status = shownStatus(v);
    const li = element('li', { className: 'card' });
    li.dataset.id = v.id;
    li.dataset.status = status;
    li.urls = [];
    li.append(element('p', { className: 'prompt' }, v.prompt), element('p', { className: 'meta' }, meta(v)));
    if (isActive(v)) {
      li.append(
        element('progress', { max: 100, value: v.progress || 0, 'aria-label': 'progress of: ' + v.prompt }),
        element('div', { className: 'frames', role: 'group', 'aria-label': 'drafts of: ' + v.prompt }),
        element('button', { type: 'button', className: 'cancel', onclick: () => cancel(v, li) }, 'Cancel'));
    } else if (v.status === 'completed') {
      completed(v, li);
    } else if (status === 'cancelled') {
      li.append(element('p', { className: 'ended' }, 'Cancelled before it was finished.'));
    } else if (v.error) {
      li.append(element('p', { className: 'error' }, 'Failed: ' + v.error.message));
    }
    li.append(element('p', { className: 'error card-error', hidden: true }), deleteControl(v, li));
    return li;
  }

  async function cancel(v, li) {
    const button = li.querySelector('.cancel');
    button.disabled = true;
    try {
      show(await (await api('/v1/videos/' + v.id + '/cancel', { method: 'POST' })).json());
    } catch (e) {
      button.disabled = false;
      if (e.offline) li.querySelector('.card-error').setAttribute('data-offline', '');
      showError(li.querySelector('.card-error'), e.message);
      // it may have ended meanwhile: show what it is now
      if (!e.offline) watch(v.id);
    }
  }

  /** Delete asks first, in the card: "Delete this video? Yes, delete / No". */
  function deleteControl(v, li) {
    const box = element('div', { className: 'delete' });
    const ask = element('button', { type: 'button', className: 'delete-ask', 'aria-label': 'delete: ' + v.prompt }, 'Delete');
    const question = element('span', { className: 'confirm', hidden: true });
    const yes = element('button', { type: 'button', className: 'delete-yes' }, 'Yes, delete');
    const no = element('button', { type: 'button', className: 'delete-no' }, 'No, keep it');
    question.append(element('span', {}, 'Delete this video? '), yes, ' ', no);
    ask.addEventListener('click', () => {
      ask.hidden = true;
      question.hidden = false;
      no.focus();
    });
    no.addEventListener('click', () => {
      question.hidden = true;
      ask.hidden = false;
      ask.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await api('/v1/videos/' + v.id, { method: 'DELETE' });
        drop(v.id);
        say('Deleted: ' + v.prompt);
      } catch (e) {
        yes.disabled = false;
        if (e.status === 404) drop(v.id);
        else showError(li.querySelector('.card-error'), e.message);
      }
    });
    box.append(ask, question);
    return box;
  }

  async function blob(id, variant) {
    return (await api('/v1/videos/' + id + '/content?variant=' + variant)).blob();
  }

  /** A finished video: its thumbnail (the MP4 loads when it is played), download, and extend, edit and remix. */
  function completed(v, li) {
    const play = element('button', { type: 'button', className: 'play', 'aria-label': 'play: ' + v.prompt });
    const thumbnail = element('img', { alt: '' });
    play.append(thumbnail, element('span', { className: 'play-mark', 'aria-hidden': 'true' }, '▶'));
    blob(v.id, 'thumbnail').then((b) => {
      const url = URL.createObjectURL(b);
      li.urls.push(url);
      thumbnail.src = url;
    }).catch(() => { /* the button still plays it */ });
    let mp4 = null;
    const video = async () => {
      if (!mp4) {
        mp4 = URL.createObjectURL(await blob(v.id, 'video'));
        li.urls.push(mp4);
      }
      return mp4;
    };
    play.addEventListener('click', async () => {
      play.disabled = true;
      try {
        const player = element('video', { controls: true, loop: true, muted: true, autoplay: true, 'aria-label': 'video: ' + v.prompt });
        player.src = await video();
        play.replaceWith(player);
        player.focus();
      } catch (e) {
        play.disabled = false;
        showError(li.querySelector('.card-error'), e.message);
      }
    });
    const download = element('button', { type: 'button', className: 'download', 'aria-label': 'download MP4: ' + v.prompt }, 'Download MP4');
    download.addEventListener('click', async () => {
      try {
        const a = element('a', { href: await video(), download: v.id + '.mp4' });
        document.body.append(a);
        a.click();
        a.remove();
      } catch (e) {
        showError(li.querySelector('.card-error'), e.message);
      }
    });
    const actions = element('div', { className: 'actions' });
    const forms = element('div', { className: 'action-forms' });
    ACTIONS.forEach((action) => {
      const form = actionForm(action, v);
      const open = element('button', { type: 'button', className: 'open-' + action.name, 'aria-expanded': 'false',
        'aria-controls': form.id, 'aria-label': action.title + ': ' + v.prompt }, action.title + '…');
      open.addEventListener('click', () => {
        const opening = form.hidden;
        form.hidden = !opening;
        open.setAttribute('aria-expanded', String(opening));
        if (opening) form.querySelector('textarea').focus();
      });
      form.addEventListener('reset', () => {
        form.hidden = true;
        open.setAttribute('aria-expanded', 'false');
        open.focus();
      });
      actions.append(open, ' ');
      forms.append(form);
    });
    // the settings the video was made with go back into the form: the same seed makes the same clip, another varies it
    const reuse = element('button', { type: 'button', className: 'reuse', 'aria-label': 'reuse settings: ' + v.prompt }, 'Reuse settings');
    reuse.addEventListener('click', () => {
      $('prompt').value = v.prompt;
      $('seed').value = v.strom && v.strom.seed != null ? v.strom.seed : '';
      $('guidance').value = v.strom && v.strom.guidance != null ? v.strom.guidance : '';
      const seconds = [...$('seconds').options].find((o) => o.value === String(v.seconds));
      $('seconds').value = seconds ? seconds.value : '';
      say('Settings of "' + v.prompt + '" are in the form (seed ' + $('seed').value + '): generate to make it again, or change them.');
      $('prompt').focus();
    });
    li.append(play, element('div', { className: 'buttons' }, download, ' ', reuse), actions, forms);
  }

  // Each makes a new video from a finished one, with its own prompt box on the card.
  const ACTIONS = [
    { name: 'extend', title: 'Extend', help: 'Continues this video: its frames open the new one, the prompt says what happens next.',
      seconds: true, send: (v, body) => postJson('/v1/videos/extensions', { ...body, video: { id: v.id } }) },
    { name: 'edit', title: 'Edit', help: 'Remakes this video following the instruction.',
      send: (v, body) => postJson('/v1/videos/edits', { ...body, video: { id: v.id } }) },
    { name: 'remix', title: 'Remix', help: 'Keeps where things are and how they move, under a new prompt.',
      send: (v, body) => postJson('/v1/videos/' + v.id + '/remix', body) },
  ];

  function actionForm(action, v) {
    const id = action.name + '-' + v.id;
    const form = element('form', { id, className: 'action ' + action.name, hidden: true, noValidate: true });
    const prompt = element('textarea', { id: id + '-prompt', name: 'prompt', rows: 2, maxLength: 1000,
      'aria-describedby': id + '-help ' + id + '-prompt-error' });
    const fields = { prompt: { field: prompt, error: element('p', { id: id + '-prompt-error', className: 'error', hidden: true }) } };
    const fallback = element('p', { id: id + '-error', className: 'error', hidden: true });
    form.append(element('label', { htmlFor: prompt.id }, action.title + ' prompt'), prompt,
      element('p', { id: id + '-help', className: 'help' }, action.help + ' Ctrl+Enter sends.'), fields.prompt.error);
    if (action.seconds) {
      const seconds = element('select', { id: id + '-seconds', name: 'seconds', 'aria-describedby': id + '-seconds-error' },
        element('option', { value: '' }, 'model default (2)'), element('option', { value: '1' }, '1'),
        element('option', { value: '4' }, '4'));
      fields.seconds = { field: seconds, error: element('p', { id: id + '-seconds-error', className: 'error', hidden: true }) };
      form.append(element('label', { htmlFor: seconds.id }, 'Seconds to add'), seconds, fields.seconds.error);
    }
    fields.video = { error: fallback };
    form.append(fallback, element('button', { type: 'submit' }, action.title), ' ',
      element('button', { type: 'reset' }, 'Close'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(fields, fallback);
      const text = prompt.value.trim();
      if (!text) {
        showError(fields.prompt.error, 'Write a prompt first.', prompt);
        prompt.focus();
        return;
      }
      const body = { prompt: text };
      if (fields.seconds && fields.seconds.field.value) body.seconds = fields.seconds.field.value;
      const submit = form.querySelector('button[type=submit]');
      submit.disabled = true;
      try {
        queued(await (await action.send(v, body)).json());
        prompt.value = '';
      } catch (e) {
        place(e, fields, fallback);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  /**
   * Reads the list. A card whose video has not changed is kept as it is: rebuilding it would fetch its thumbnail
   * again and stop a playing video. Cards that leave the gallery give back their memory.
   */
  let galleryRetryMs = FIRST_RETRY_MS;
  let galleryRetry;

  // one load at a time; a load asked for meanwhile runs once after it
  let loading = null;
  let again = false;

  function gallery() {
    if (loading) {
      again = true;
      return loading;
    }
    loading = load().finally(() => {
      loading = null;
      if (again) {
        again = false;
        gallery();
      }
    });
    return loading;
  }

  async function load() {
    clearTimeout(galleryRetry);
    if (!key.value) return;
    if ($('examples').hidden) loadModel();
    const asked = performance.now();
    try {
      const list = await (await api('/v1/videos?limit=50')).json();
      galleryRetryMs = FIRST_RETRY_MS;
      showError($('gallery-error'), '');
      showError($('key-error'), '', key);
      const shown = new Map([...$('gallery').children].map((li) => [li.dataset.id, li]));
      // a card queued while the list was on its way is newer than the list: it stays, first
      const listed = new Set(list.data.map((v) => v.id));
      const newer = [...shown.values()].filter((li) => !listed.has(li.dataset.id) && li.queuedAt > asked);
      const cards = newer.concat(list.data.map((v) => {
        const kept = shown.get(v.id);
        if (kept && keeps(kept, v)) {
          show(v);
          return kept;
        }
        return card(v);
      }));
      const staying = new Set(cards);
      shown.forEach((li) => {
        if (!staying.has(li)) release(li);
      });
      $('gallery').replaceChildren(...cards);
      $('gallery-empty').hidden = cards.length > 0;
      list.data.filter(isActive).forEach((v) => watch(v.id));
    } catch (e) {
      if (e.status === 401) place(e, {}, $('gallery-error'));
      else if (e.offline) {
        connectionLost(galleryRetryMs);
        galleryRetry = setTimeout(gallery, galleryRetryMs);
        galleryRetryMs = Math.min(galleryRetryMs * 2, LAST_RETRY_MS);
      }
      else showError($('gallery-error'), e.message);
    }
  }

  /** A new key (or none): what was shown for the old one goes. */
  function reload() {
    clearTimeout(galleryRetry);
    unwatchAll();
    [...$('gallery').children].forEach(release);
    $('gallery').replaceChildren();
    $('gallery-empty').hidden = true;
    showError($('key-error'), '', key);
    showError($('gallery-error'), '');
    if (key.value) gallery();
  }

  $('refresh').addEventListener('click', gallery);
  gallery();
})();
