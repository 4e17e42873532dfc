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

function albumFilters() {
  const params = new URLSearchParams({ limit: "24" });
  if ($("filter-person").value) params.set("person", $("filter-person").value);
  if ($("filter-place").value.trim()) params.set("place", $("filter-place").value.trim());
  if ($("filter-from").value) params.set("from", `${$("filter-from").value}T00:00:00Z`);
  if ($("filter-to").value) params.set("to", `${$("filter-to").value}T23:59:59Z`);
  return params;
}

async function loadAlbum(fresh) {
  if (fresh) { cursor = null; $("album").replaceChildren(); }
  const params = albumFilters();
  if (cursor) params.set("cursor", cursor);
  let page;
  try {
    page = await api(`/v1/captures?${params}`);
    show($("album-status"), fresh && !page.captures.length ? "nothing here" : "");
  } catch (err) {
    show($("album-status"), err.message, true);
    return;
  }
  for (const c of page.captures) {
    const where = c.place ? `${c.place.city}, ${c.place.country}` : "";
    const picture = c.poster_url ? `<img src="${esc(c.poster_url)}" alt="">` : `<img alt="">`;
    $("album").append(item(`${picture}${esc(c.captured_at.slice(0, 10))} ${esc(where)}`));
  }
  cursor = page.next_cursor;
  $("more").hidden = !cursor;
}

const label = (p) => p.name || `someone (${p.faces} faces)`;

async function loadPeople() {
  const { people } = await api("/v1/people");
  $("people").replaceChildren();
  const picker = $("filter-person");
  const chosen = picker.value;
  picker.replaceChildren(new Option("anyone", ""), ...people.map((p) => new Option(label(p), p.person_id)));
  picker.value = chosen;
  for (const p of people) {
    const others = people.filter((o) => o.person_id !== p.person_id);
    const li = item(`<img alt=""><input value="${esc(p.name || "")}" placeholder="name" aria-label="name">
      <input value="${esc(p.relationship || "")}" placeholder="who (wife, me…)" aria-label="relationship">
      <button class="name">Name</button>
      <select class="into" aria-label="merge into"><option value="">merge into…</option>
        ${others.map((o) => `<option value="${esc(o.person_id)}">${esc(label(o))}</option>`).join("")}</select>
      <button class="merge">Merge</button> <button class="faces">Split…</button>
      <div class="split" hidden></div>`);
    li.dataset.person = p.person_id;
    const [name, relationship] = li.querySelectorAll("input");
    const post = (path, body) => api(path, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    });
    const id = encodeURIComponent(p.person_id);
    li.querySelector(".name").onclick = async () => {
      await post(`/v1/people/${id}`, { name: name.value, relationship: relationship.value || null });
      li.querySelector(".name").textContent = "Named ✓";
    };
    li.querySelector(".merge").onclick = async () => {
      const into = li.querySelector(".into").value;
      if (!into) return;
      await post(`/v1/people/${id}/merge`, { into });
      setTimeout(loadPeople, 1500);
    };
    li.querySelector(".faces").onclick = () => splitForm(li, p, post);
    $("people").append(li);
    faceInto(li.querySelector("img"), p.person_id);
  }
}

async function splitForm(li, person, post) {
  // Each face with where it was seen; the ticked ones become a new person.
  const box = li.querySelector(".split");
  const { faces } = await api(`/v1/people/${encodeURIComponent(person.person_id)}/faces`);
  box.replaceChildren();
  for (const f of faces) {
    const row = document.createElement("label");
    row.innerHTML = `<input type="checkbox" value="${esc(f.face_id)}"> in ${esc(f.capture_id.slice(0, 8))} at ${f.t.toFixed(1)} s`;
    box.append(row);
  }
  const go = document.createElement("button");
  go.textContent = "Split the ticked faces off";
  go.onclick = async () => {
    const ticked = [...box.querySelectorAll("input:checked")].map((c) => c.value);
    try {
      await post(`/v1/people/${encodeURIComponent(person.person_id)}/split`, { face_ids: ticked });
      box.hidden = true;
      setTimeout(loadPeople, 1500);
    } catch (err) {
      const why = document.createElement("p");
      why.className = "error";
      why.textContent = err.message;
      box.append(why);
    }
  };
  box.append(go);
  box.hidden = false;
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
$("filters").addEventListener("submit", (event) => { event.preventDefault(); loadAlbum(true); });
if (token) signIn();
