// Reverie's web app: plain JavaScript against the gateway's JSON API, with the token in localStorage.
"use strict";

const $ = (id) => document.getElementById(id);
let token = localStorage.getItem("reverie-token") || "";
let cursor = null;

async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${token}`, ...(options.headers || {}) };
  const response = await fetch(path, { ...options, headers });
  const body = (response.headers.get("content-type") || "").includes("json") ? await response.json() : null;
  if (!response.ok) throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
  return body;
}

function item(html) {
  const li = document.createElement("li");
  li.innerHTML = html;
  return li;
}

const esc = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function show(el, text, error = false) {
  el.textContent = text;
  el.classList.toggle("error", error);
}

async function signIn(event) {
  event?.preventDefault();
  token = $("token").value.trim() || token;
  try {
    const places = await api("/v1/places");
    localStorage.setItem("reverie-token", token);
    $("who").textContent = "signed in";
    $("app").hidden = false;
    $("signin").hidden = true;
    await Promise.all([loadAlbum(true), loadPeople(), loadMemories()]);
    return places;
  } catch (err) {
    show($("who"), `sign-in failed: ${err.message}`, true);
  }
}

async function loadAlbum(fresh) {
  if (fresh) { cursor = null; $("album").replaceChildren(); }
  const page = await api(`/v1/captures?limit=24${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
  for (const c of page.captures) {
    const where = c.place ? `${c.place.city}, ${c.place.country}` : "";
    const picture = c.poster_url ? `<img src="${esc(c.poster_url)}" alt="">` : `<img alt="">`;
    $("album").append(item(`${picture}${esc(c.captured_at.slice(0, 10))} ${esc(where)}`));
  }
  cursor = page.next_cursor;
  $("more").hidden = !cursor;
}

async function loadPeople() {
  const { people } = await api("/v1/people");
  $("people").replaceChildren();
  for (const p of people) {
    const li = item(`<img alt=""><input value="${esc(p.name || "")}" placeholder="name" aria-label="name">
      <input value="${esc(p.relationship || "")}" placeholder="who (wife, me…)" aria-label="relationship">
      <button>Name</button>`);
    const [name, relationship] = li.querySelectorAll("input");
    li.querySelector("button").onclick = async () => {
      await api(`/v1/people/${encodeURIComponent(p.person_id)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: name.value, relationship: relationship.value || null }),
      });
      li.querySelector("button").textContent = "Named ✓";
    };
    $("people").append(li);
    faceInto(li.querySelector("img"), p.person_id);
  }
}

async function faceInto(img, personId) {
  // <img> cannot send the token: fetch the face and show it as a blob URL.
  const response = await fetch(`/v1/people/${encodeURIComponent(personId)}/face.jpg`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (response.ok) img.src = URL.createObjectURL(await response.blob());
}

function tusUpload(file, onProgress) {
  // Resumable (tus-js-client): a dropped connection continues from the server's offset, and a file chosen again
  // after a reload resumes too (its URL is kept in localStorage by the file's fingerprint).
  return new Promise((resolve, reject) => {
    let captureId = null;
    const upload = new tus.Upload(file, {
      endpoint: "/v1/uploads",
      headers: { Authorization: `Bearer ${token}` },
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000],
      metadata: { filename: file.name },
      removeFingerprintOnSuccess: true,
      onProgress,
      onAfterResponse: (req, res) => { captureId = res.getHeader("Reverie-Capture-Id") || captureId; },
      onSuccess: () => resolve(captureId),
      onError: (err) => {
        const body = err.originalResponse ? err.originalResponse.getBody() : "";
        let message = err.message;
        try { message = JSON.parse(body).error || message; } catch { /* not JSON: tus-js-client's own message */ }
        reject(new Error(message));
      },
    });
    upload.findPreviousUploads().then((previous) => {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  });
}

async function upload(event) {
  event.preventDefault();
  const files = [...$("files").files];
  const total = files.reduce((sum, f) => sum + f.size, 0) || 1;
  const bar = $("upload-progress");
  bar.hidden = false;
  bar.value = 0;
  let before = 0;
  let done = 0;
  for (const file of files) {
    show($("upload-status"), `uploading ${file.name} (${done + 1} of ${files.length})…`);
    try {
      await tusUpload(file, (sent) => { bar.value = (before + sent) / total; });
      done += 1;
      before += file.size;
    } catch (err) {
      show($("upload-status"), `${file.name}: ${err.message}`, true);
      return;
    }
  }
  bar.value = 1;
  show($("upload-status"), `${done} uploaded`);
  setTimeout(() => loadAlbum(true), 1500);
}

async function search(event) {
  event.preventDefault();
  $("results").replaceChildren();
  try {
    const found = await api(`/v1/search?q=${encodeURIComponent($("query").value)}`);
    if (!found.results.length) $("results").append(item("nothing found"));
    for (const r of found.results) {
      const where = r.place ? ` — ${esc(r.place)}` : "";
      const li = item(`<img alt=""><span>${esc(r.captured_at.slice(0, 10))}${where} (at ${r.t.toFixed(1)} s)</span>`);
      $("results").append(li);
      moment(li, r);
    }
  } catch (err) {
    $("results").append(item(`<span class="error">${esc(err.message)}</span>`));
  }
}

async function moment(li, result) {
  // A result is its poster; a click plays the clip itself from the matched moment.
  const capture = await api(`/v1/captures/${encodeURIComponent(result.capture_id)}`);
  const img = li.querySelector("img");
  if (capture.poster_url) img.src = capture.poster_url;
  img.title = "play from here";
  img.onclick = () => {
    const video = document.createElement("video");
    video.controls = true;
    video.muted = true;
    video.playsInline = true;
    video.className = "moment";
    video.src = `${capture.media_url}#t=${result.t.toFixed(1)}`;
    img.replaceWith(video);
    video.play().catch(() => {});
  };
}

async function follow(memoryId) {
  // Server-Sent Events over fetch (EventSource cannot send the token)
  const response = await fetch(`/v1/memories/${memoryId}/events`, { headers: { Authorization: `Bearer ${token}` } });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const data = buffer.slice(0, end).split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5)).join("");
      buffer = buffer.slice(end + 2);
      if (!data) continue;
      const update = JSON.parse(data);
      show($("memory-status"), `memory ${update.status}${update.reason ? `: ${update.reason}` : ""}`, update.status === "failed");
      if (update.playlist_url) play(update.playlist_url);
      if (update.status === "rendered" || update.status === "failed") return update;
    }
  }
  return null;
}

let hls = null;

function play(playlistUrl) {
  // Progressive playback: the HLS playlist is there a tenth of a second after the request, long before the MP4.
  // hls.js sends the token to the gateway (the playlist); the segments are presigned S3 URLs and need none.
  const player = $("player");
  if (player.dataset.playlist === playlistUrl) return;
  if (hls) hls.destroy();
  player.dataset.playlist = playlistUrl;
  player.dataset.source = "hls";
  player.hidden = false;
  if (window.Hls && Hls.isSupported()) {
    hls = new Hls({
      xhrSetup: (xhr, url) => {
        if (new URL(url, location.href).origin === location.origin) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
      },
    });
    hls.loadSource(playlistUrl);
    hls.attachMedia(player);
    hls.on(Hls.Events.MANIFEST_PARSED, () => player.play().catch(() => {}));
  } else {
    player.dataset.source = "none";
    show($("memory-status"), "this browser cannot play HLS: wait for the MP4", true);
  }
}

async function loadMemories() {
  const { memories } = await api("/v1/memories?limit=20");
  $("memories").replaceChildren();
  for (const m of memories) {
    const li = item(`<button>${esc(m.text)}</button> ${esc(m.status)}${m.duration_s ? ` · ${m.duration_s.toFixed(0)} s` : ""}`);
    li.querySelector("button").onclick = () => showMemory(m.memory_id);
    $("memories").append(li);
  }
}

async function showMemory(memoryId) {
  const memory = await api(`/v1/memories/${memoryId}`);
  $("memory-segments").replaceChildren();
  for (const s of memory.segments || []) {
    $("memory-segments").append(item(`${s.start_s.toFixed(1)}–${s.end_s.toFixed(1)} s: ${esc(s.why || "")}`));
  }
  if (memory.playlist_url) play(memory.playlist_url);
  if (memory.video_url) {
    $("download").href = memory.video_url;
    $("download").hidden = false;
    show($("memory-status"), `memory ready: ${memory.duration_s.toFixed(1)} s`);
  } else if (memory.status === "failed") {
    show($("memory-status"), `memory failed: ${memory.reason}`, true);
  }
  return memory;
}

async function createMemory(event) {
  event.preventDefault();
  $("player").hidden = true;
  $("download").hidden = true;
  $("memory-segments").replaceChildren();
  try {
    const asked = await api("/v1/memories", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: $("memory-text").value }),
    });
    show($("memory-status"), asked.cached ? "memory ready (made before)" : "memory requested…");
    if (!asked.cached) await follow(asked.memory_id);
    await showMemory(asked.memory_id);
    await loadMemories();
  } catch (err) {
    show($("memory-status"), err.message, true);
  }
}

$("signin").addEventListener("submit", signIn);
$("upload").addEventListener("submit", upload);
$("search").addEventListener("submit", search);
$("memory").addEventListener("submit", createMemory);
$("more").addEventListener("click", () => loadAlbum(false));
if (token) signIn();
