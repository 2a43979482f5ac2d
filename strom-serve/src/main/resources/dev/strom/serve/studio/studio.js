// The studio talks to the same Videos API as any client, with the key the user typed.
(() => {
  const $ = (id) => document.getElementById(id);
  const key = $('key');
  key.value = localStorage.getItem('strom-key') || '';
  key.addEventListener('change', () => localStorage.setItem('strom-key', key.value));

  const auth = () => ({ Authorization: 'Bearer ' + key.value });

  async function api(path, options = {}) {
    const res = await fetch(path, { ...options, headers: { ...auth(), ...(options.headers || {}) } });
    if (!res.ok) {
      let message = res.status + ' ' + res.statusText;
      try { message = (await res.json()).error.message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return res;
  }

  function say(text, isError) {
    $('status').textContent = text;
    $('status').className = isError ? 'error' : '';
  }

  // Server-sent events read through fetch, since EventSource cannot send the Authorization header.
  async function follow(id) {
    const res = await api('/v1/videos/' + id + '/events');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    $('frames').replaceChildren();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const name = (block.match(/^event: (.*)$/m) || [])[1];
        const data = JSON.parse((block.match(/^data: (.*)$/m) || [])[1] || '{}');
        if (name === 'progress') {
          $('progress').hidden = false;
          $('progress').value = data.progress;
          say(data.status === 'failed' ? 'Failed: ' + data.error.message : data.status.replace('_', ' ') + ' ' + data.progress + '%',
              data.status === 'failed');
        } else if (name === 'draft' || name === 'frame') {
          // drafts arrive while the model works; the finished frames then replace them one by one
          let img = $('frames').children[data.index];
          if (!img) {
            img = document.createElement('img');
            $('frames').append(img);
          }
          img.src = 'data:image/png;base64,' + data.png;
          img.alt = (name === 'draft' ? 'draft of frame ' : 'frame ') + (data.index + 1) + ' of ' + data.frames;
        }
      }
    }
    await gallery();
  }

  $('make').addEventListener('submit', async (event) => {
    event.preventDefault();
    localStorage.setItem('strom-key', key.value);
    const form = new FormData();
    form.append('prompt', $('prompt').value);
    if ($('seed').value) form.append('seed', $('seed').value);
    if ($('guidance').value) form.append('guidance', $('guidance').value);
    if ($('seconds').value) form.append('seconds', $('seconds').value);
    if ($('reference').files.length) form.append('input_reference', $('reference').files[0]);
    $('submit').disabled = true;
    try {
      const video = await (await api('/v1/videos', { method: 'POST', body: form })).json();
      say('queued');
      (video.strom.notes || []).forEach((n) => say($('status').textContent + ' (' + n + ')'));
      await follow(video.id);
    } catch (e) {
      say(e.message, true);
    } finally {
      $('submit').disabled = false;
    }
  });

  async function blobUrl(id, variant) {
    const res = await api('/v1/videos/' + id + '/content?variant=' + variant);
    return URL.createObjectURL(await res.blob());
  }

  async function card(v) {
    const li = document.createElement('li');
    li.dataset.id = v.id;
    li.dataset.status = v.status;
    const title = document.createElement('p');
    title.textContent = v.prompt;
    const meta = document.createElement('p');
    const bpd = v.strom.bits_per_dim == null ? '' : ', ' + v.strom.bits_per_dim.toFixed(3) + ' bits/dim';
    meta.textContent = v.status + ', ' + v.seconds + ' s, ' + v.size + ', seed ' + v.strom.seed + bpd;
    meta.className = 'meta';
    li.append(title, meta);
    if (v.status === 'completed') {
      const url = await blobUrl(v.id, 'video');
      const video = document.createElement('video');
      video.src = url;
      video.controls = true;
      video.loop = true;
      video.muted = true;
      video.setAttribute('aria-label', 'video: ' + v.prompt);
      const download = document.createElement('a');
      download.href = url;
      download.download = v.id + '.mp4';
      download.textContent = 'Download';
      // a remix keeps where things are and how they move, and takes what the prompt box now says
      const remix = document.createElement('button');
      remix.type = 'button';
      remix.textContent = 'Remix with the prompt above';
      remix.setAttribute('aria-label', 'remix with the prompt above: ' + v.prompt);
      remix.addEventListener('click', async () => {
        const prompt = $('prompt').value.trim();
        if (!prompt) {
          say('Write the new prompt in the prompt box, then remix.', true);
          return;
        }
        try {
          const made = await (await api('/v1/videos/' + v.id + '/remix', {
            method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt }),
          })).json();
          say('queued');
          await follow(made.id);
        } catch (e) {
          say(e.message, true);
        }
      });
      li.append(video, document.createElement('br'), download, ' ', remix);
    } else if (v.status === 'failed' && v.error) {
      const err = document.createElement('p');
      err.className = 'error';
      err.textContent = v.error.message;
      li.append(err);
    }
    const del = document.createElement('button');
    del.type = 'button';
    del.textContent = 'Delete';
    del.setAttribute('aria-label', 'delete video: ' + v.prompt);
    del.addEventListener('click', async () => {
      await api('/v1/videos/' + v.id, { method: 'DELETE' });
      forget(li);
      li.remove();
    });
    li.append(' ', del);
    return li;
  }

  // A card whose video has not changed is kept as it is: rebuilding it would fetch the whole video again
  // and stop it playing. Cards that leave the gallery give back their video's memory.
  async function gallery() {
    if (!key.value) return;
    try {
      const list = await (await api('/v1/videos?limit=50')).json();
      const shown = new Map([...$('gallery').children].map((li) => [li.dataset.id, li]));
      const cards = await Promise.all(list.data.map((v) => {
        const kept = shown.get(v.id);
        return kept && kept.dataset.status === v.status ? kept : card(v);
      }));
      const staying = new Set(cards);
      shown.forEach((li) => { if (!staying.has(li)) forget(li); });
      $('gallery').replaceChildren(...cards);
    } catch (e) {
      say(e.message, true);
    }
  }

  function forget(li) {
    const video = li.querySelector('video');
    if (video) URL.revokeObjectURL(video.src);
  }

  $('refresh').addEventListener('click', gallery);
  gallery();
})();
