// chat_node's page: one WebSocket (/ws) carries JSON events both ways and the
// video as binary messages (4-byte big-endian peer number, then a JPEG).
// Message formats: docs/WEB.md. Text from the network is only ever put in the
// page with textContent, never as HTML.
'use strict';

const MAX_TEXT_BYTES = 65536;   // the protocol's limit for one chat message
const MAX_LOG_LINES = 1000;     // older lines are removed, so a long chat can't grow the page forever

const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.search).get('token');
const peers = new Map();        // id -> { name, address, state, li, tile }
const drawing = new Map();      // peer -> { busy, next }: at most one decode per peer, latest wins
let ws = null;
let retryMs = 1000;

function wsUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws` + (token ? `?token=${encodeURIComponent(token)}` : '');
}

function setLink(text, cls) {
  const b = $('link-state');
  b.textContent = text;
  b.className = 'badge ' + (cls || '');
}

function connect() {
  setLink('connecting…');
  ws = new WebSocket(wsUrl());
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => { retryMs = 1000; setLink('connected', 'up'); };
  ws.onmessage = (e) => (typeof e.data === 'string' ? onEvent(e.data) : onFrame(e.data));
  ws.onclose = (e) => {
    setLink(`disconnected${e.reason ? ': ' + e.reason : ''}`, 'down');
    // The node may be restarting: try again, less and less often.
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10000);
  };
}

function onEvent(data) {
  let ev;
  try { ev = JSON.parse(data); } catch { return; }
  switch (ev.type) {
    case 'state': onState(ev); break;
    case 'text': logLine(ev.time, ev.from, ev.text); break;
    case 'join': upsertPeer(ev, 'connected'); logEvent(ev.time, `${ev.name || 'peer ' + ev.id} joined`); break;
    case 'leave': onLeave(ev); break;
    case 'stats': onStats(ev); break;
    case 'notice': logEvent(ev.time, ev.text); break;
    case 'error': logEvent(ev.time, ev.text, 'error'); break;
    default: break;  // newer nodes may send more; ignore what we don't know
  }
}

function onState(ev) {
  $('node-name').textContent = ev.name || 'chat_node';
  document.title = `${ev.name || 'chat_node'} — chat_node`;
  const list = $('addresses');
  list.replaceChildren(...(ev.addresses || []).map((a) => el('li', '', a)));
  for (const id of [...peers.keys()]) removePeer(id);
  for (const p of ev.peers || []) upsertPeer(p, p.state || 'connected');
}

function onLeave(ev) {
  const p = peers.get(ev.id);
  const name = (p && p.name) || ev.name || `peer ${ev.id}`;
  logEvent(ev.time, `${name} left${ev.reason ? ' (' + ev.reason + ')' : ''}`);
  if (!p) return;
  p.state = 'left';
  renderPeer(p);
  p.tile.classList.add('gone');
  // Keep the last picture a moment so people see who left, then tidy up.
  setTimeout(() => { if (peers.get(ev.id) === p && p.state === 'left') removePeer(ev.id); }, 5000);
}

function onStats(ev) {
  for (const s of ev.peers || []) {
    const out = $(`stats-${s.id}`);
    if (!out) continue;
    const parts = [];
    if (s.fps != null) parts.push(`${Number(s.fps).toFixed(1)} fps`);
    if (s.latency_ms != null) parts.push(`${Number(s.latency_ms).toFixed(0)} ms`);
    if (s.drops != null) parts.push(`${s.drops} drop${s.drops === 1 ? '' : 's'}`);
    // What our video to this peer gives way to: the link's rate, its queue, the rung.
    const l = s.link;
    if (l && l.kbps > 0) {
      const rate = l.kbps >= 1000 ? `${(l.kbps / 1000).toFixed(1)} Mbit/s` : `${l.kbps.toFixed(0)} kbit/s`;
      const sent = l.quality ? `q${l.quality} ${l.width}x${l.height}` : 'nothing yet';
      parts.push(`link ${rate}, ${Number(l.queue_ms).toFixed(0)} ms queued, rung ${l.rung}: ${sent}`);
    }
    out.textContent = parts.join(' · ');
  }
}

function upsertPeer(info, state) {
  let p = peers.get(info.id);
  if (!p) {
    p = { id: info.id, li: el('li'), tile: makeTile(info.id) };
    peers.set(info.id, p);
    $('peers').append(p.li);
    $('tiles').append(p.tile);
    $('no-video').hidden = true;
  }
  p.name = info.name || p.name || `peer ${info.id}`;
  p.address = info.address || p.address || '';
  p.state = state;
  p.tile.classList.remove('gone');
  renderPeer(p);
}

function removePeer(id) {
  const p = peers.get(id);
  if (!p) return;
  p.li.remove();
  p.tile.remove();
  peers.delete(id);
  drawing.delete(id);
  $('no-video').hidden = peers.size > 0;
}

function renderPeer(p) {
  p.li.replaceChildren(el('strong', '', p.name), ' ', el('span', `state ${p.state === 'left' ? 'left' : ''}`, p.state),
                       el('span', 'addr', p.address));
  p.tile.querySelector('.who').textContent = p.name;
}

function makeTile(id) {
  const fig = el('figure', 'tile');
  fig.id = `tile-${id}`;
  const canvas = el('canvas');
  canvas.id = `video-${id}`;
  canvas.width = 320;
  canvas.height = 240;
  const cap = el('figcaption');
  const stats = el('span', 'stats');
  stats.id = `stats-${id}`;
  cap.append(el('span', 'who'), stats);
  fig.append(canvas, cap);
  return fig;
}

// Binary message: 4-byte big-endian peer number, then one JPEG.
function onFrame(buf) {
  if (buf.byteLength < 5) return;
  const peer = new DataView(buf).getUint32(0);
  const blob = new Blob([new Uint8Array(buf, 4)], { type: 'image/jpeg' });
  let d = drawing.get(peer);
  if (!d) { d = { busy: false, next: null }; drawing.set(peer, d); }
  if (d.busy) { d.next = blob; return; }  // decoding the previous one: keep only the newest
  draw(peer, d, blob);
}

function draw(peer, d, blob) {
  d.busy = true;
  createImageBitmap(blob).then((bmp) => {
    const canvas = $(`video-${peer}`);
    if (canvas) {
      if (canvas.width !== bmp.width || canvas.height !== bmp.height) {
        canvas.width = bmp.width;
        canvas.height = bmp.height;
      }
      canvas.getContext('2d').drawImage(bmp, 0, 0);
    }
    bmp.close();
  }).catch(() => { /* a frame that doesn't decode is skipped */ }).finally(() => {
    d.busy = false;
    const next = d.next;
    d.next = null;
    if (next && drawing.get(peer) === d) draw(peer, d, next);
  });
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = String(text);
  return e;
}

// Times arrive as milliseconds since the epoch; microseconds and ISO strings are accepted too.
function clock(t) {
  let d = new Date();
  if (typeof t === 'number') d = new Date(t > 1e14 ? t / 1000 : t);
  else if (typeof t === 'string' && !Number.isNaN(Date.parse(t))) d = new Date(t);
  return d.toTimeString().slice(0, 8);
}

function appendLog(li) {
  const log = $('log');
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.append(li);
  while (log.children.length > MAX_LOG_LINES) log.firstElementChild.remove();
  if (atBottom) log.scrollTop = log.scrollHeight;
}

function logLine(time, from, text) {
  const li = el('li');
  li.append(el('span', 'time', clock(time)), el('span', 'from', from || '?'), el('span', 'text', text || ''));
  appendLog(li);
}

function logEvent(time, text, cls) {
  const li = el('li', cls || 'event');
  li.append(el('span', 'time', clock(time)), el('span', '', `* ${text || ''}`));
  appendLog(li);
}

function send(obj) {
  if (!ws || ws.readyState !== WebSocket.OPEN) { logEvent(undefined, 'not connected to the node', 'error'); return false; }
  ws.send(JSON.stringify(obj));
  return true;
}

function sendInput() {
  const input = $('input');
  const text = input.value;
  if (text.trim() === '') return;
  if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) {
    logEvent(undefined, `message too long (over ${MAX_TEXT_BYTES} bytes)`, 'error');
    return;
  }
  if (send({ type: 'text', text })) input.value = '';
}

$('input').addEventListener('keydown', (e) => {
  // Enter sends, Shift+Enter is a new line; never while an input method is composing.
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    sendInput();
  }
});
$('send-form').addEventListener('submit', (e) => { e.preventDefault(); sendInput(); });
$('connect-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const to = $('connect-to').value.trim();
  if (to && send({ type: 'connect', to })) {
    logEvent(undefined, `connecting to ${to}…`);
    $('connect-to').value = '';
  }
});

connect();
