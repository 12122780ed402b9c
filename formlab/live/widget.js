// formlab's live coach in the browser (anywidget front end of formlab.live.widget.LiveCoachWidget).
//
// The browser owns the camera, the kernel owns the judgement. Start asks the kernel to load the
// pose model; once it answers "ready" the camera is opened (getUserMedia) and frames are grabbed to
// a canvas, encoded as JPEG and sent to the kernel as a comm message with one binary buffer and the
// frame's time stamp. One frame is in flight at a time: a frame grabbed while the previous one is
// still being judged is dropped and counted (the live engine's drop rule), and the count rides on
// the next frame sent. Each reply carries the landmarks, rep count, verdicts and the new events;
// the skeleton is drawn on a canvas over the preview and each cue is spoken (speech synthesis, or a
// short WebAudio beep where speech is unavailable) and written to the cue log, whose entries say
// how the cue was played (data-played="speech" | "beep" | "none").
//
// Nothing is loaded from files or the network: everything goes through the widget's comm, so the
// same code runs in JupyterLab, Notebook 7, Colab and on a remote server.

const SPEECH_START_TIMEOUT_MS = 1500; // no "start" from speechSynthesis by then: beep instead
const BEEP_HZ = 880;
const BEEP_S = 0.18;
const WAITING_MS = 3000; // a reply this late: say the kernel is busy (another cell running?)
const STATS_SYNC_MS = 1000; // browser_stats reach the kernel at most this often
const TRACE_LENGTH = 3000; // frames kept in root.formlabTrace (for tests and debugging)

function rgb(c, alpha = 1) {
  return `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${alpha})`;
}

function median(values) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render({ model, el: root }) {
  const style = model.get("style");
  root.classList.add("formlab-live");

  // ------------------------------------------------------------------ layout
  const bar = el("div", "formlab-live-bar");
  const startBtn = el("button", "formlab-live-start", "Start camera");
  const stopBtn = el("button", "formlab-live-stop", "Stop");
  stopBtn.disabled = true;
  const status = el("span", "formlab-live-status", "stopped");
  bar.append(startBtn, stopBtn, status);

  const stage = el("div", "formlab-live-stage");
  const video = el("video", "formlab-live-video");
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  const overlay = el("canvas", "formlab-live-overlay");
  const reps = el("div", "formlab-live-reps", "0");
  const cueBox = el("div", "formlab-live-cue", "");
  stage.append(video, overlay, reps, cueBox);

  const verdicts = el("div", "formlab-live-verdicts");
  const stats = el("div", "formlab-live-stats", "");
  const cueLog = el("ol", "formlab-live-cue-log");
  cueLog.setAttribute("aria-label", "cues played");
  root.append(bar, stage, verdicts, stats, cueLog);

  const css = el("style");
  css.textContent = `
    .formlab-live { font-family: sans-serif; max-width: 720px; }
    .formlab-live-bar { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
    .formlab-live-status { font-size: 12px; color: #555; }
    .formlab-live-stage { position: relative; background: #111; min-height: 120px; }
    .formlab-live-video { display: block; width: 100%; }
    .formlab-live-overlay { position: absolute; left: 0; top: 0; width: 100%; height: 100%; pointer-events: none; }
    .formlab-live-reps { position: absolute; left: 10px; top: 6px; font-size: 42px; font-weight: bold;
      color: #fff; text-shadow: 0 0 4px #000; }
    .formlab-live-cue { position: absolute; left: 0; right: 0; bottom: 10px; text-align: center;
      font-size: 28px; font-weight: bold; color: #fff; text-shadow: 0 0 6px #000; }
    .formlab-live-verdicts { display: flex; flex-wrap: wrap; gap: 4px; margin: 6px 0; }
    .formlab-live-verdict { padding: 2px 8px; border-radius: 10px; font-size: 12px; color: #111; }
    .formlab-live-stats { font-size: 11px; color: #666; }
    .formlab-live-cue-log { font-size: 12px; color: #333; margin: 4px 0; max-height: 8em; overflow-y: auto; }
  `;
  root.append(css);

  // ------------------------------------------------------------------- state
  const grab = document.createElement("canvas");
  let stream = null;
  let running = false;
  let ready = false;
  let inFlight = 0; // frames sent and not yet answered
  let sending = Promise.resolve(); // the frames' sends, chained in the order they were grabbed
  let waiting = false;
  let liveStatus = "";
  let seq = 0;
  let sent = 0;
  let dropped = 0;
  let droppedUnreported = 0;
  let lastGrabMs = -Infinity;
  let t0Ms = null;
  let lastT = -1;
  const sentAt = new Map(); // seq -> performance.now() when grabbed
  const latenciesMs = [];
  const kernelMs = [];
  let lastSyncMs = -Infinity;
  root.formlabTrace = []; // per frame sent: t_s, the camera frame's media time, grab-to-draw latency
  const repTimes = [];
  let audio = null;
  let videoCallback = null;
  let timer = null;

  function setStatus(text) {
    status.textContent = text;
    root.dataset.status = text;
  }

  function showStats(sync = false) {
    const p50 = median(latenciesMs.slice(-100));
    const kernelP50 = median(kernelMs.slice(-100));
    root.dataset.framesSent = String(sent);
    root.dataset.framesDropped = String(dropped);
    root.dataset.latencyP50Ms = p50 === null ? "" : p50.toFixed(0);
    root.dataset.kernelP50Ms = kernelP50 === null ? "" : kernelP50.toFixed(0);
    stats.textContent =
      `frames sent ${sent} · dropped ${dropped}` +
      (p50 === null ? "" : ` · latency p50 ${p50.toFixed(0)} ms`) +
      (kernelP50 === null ? "" : ` (kernel ${kernelP50.toFixed(0)} ms)`);
    const nowMs = performance.now();
    if (!sync && nowMs - lastSyncMs < STATS_SYNC_MS) return; // a sync is a message the kernel handles too
    lastSyncMs = nowMs;
    model.set("browser_stats", {
      frames_sent: sent,
      frames_dropped: dropped,
      latency_p50_ms: p50,
      kernel_p50_ms: kernelP50,
      latencies_ms: latenciesMs.slice(-1000),
    });
    model.save_changes();
  }

  // ------------------------------------------------------------ sound and cues
  function ensureAudio() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!audio && Ctx) audio = new Ctx();
    if (audio && audio.state === "suspended") audio.resume();
  }

  function beep(entry) {
    ensureAudio();
    if (!audio) {
      entry.dataset.played = "none";
      return;
    }
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = BEEP_HZ;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(audio.destination);
    osc.onended = () => {
      entry.dataset.played = "beep";
    };
    const now = audio.currentTime;
    osc.start(now);
    osc.stop(now + BEEP_S);
  }

  function play(entry, text) {
    const synth = window.speechSynthesis;
    if (!model.get("speak") || !synth || typeof SpeechSynthesisUtterance === "undefined") {
      beep(entry);
      return;
    }
    let settled = false;
    const fallback = () => {
      if (settled) return;
      settled = true;
      beep(entry);
    };
    const u = new SpeechSynthesisUtterance(text);
    u.onstart = () => {
      if (settled) return;
      settled = true;
      entry.dataset.played = "speech";
    };
    u.onerror = fallback;
    setTimeout(fallback, SPEECH_START_TIMEOUT_MS);
    synth.speak(u);
  }

  function cue(event) {
    const text = event.text || event.check;
    cueBox.textContent = text;
    const entry = el("li", "formlab-live-cue-entry", `rep ${event.rep}: ${text}`);
    entry.dataset.check = event.check || "";
    entry.dataset.rep = String(event.rep);
    entry.dataset.text = text;
    entry.dataset.played = "pending";
    cueLog.append(entry);
    cueLog.scrollTop = cueLog.scrollHeight;
    play(entry, text);
  }

  function announceRep(event) {
    // the engine puts the count to say in "text" when reps are announced
    if (!event.text || !model.get("speak") || !window.speechSynthesis) return;
    if (typeof SpeechSynthesisUtterance === "undefined") return;
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(event.text));
  }

  // ----------------------------------------------------------------- drawing
  function draw(msg) {
    const w = video.videoWidth || grab.width;
    const h = video.videoHeight || grab.height;
    if (overlay.width !== w || overlay.height !== h) {
      overlay.width = w;
      overlay.height = h;
    }
    const ctx = overlay.getContext("2d");
    ctx.clearRect(0, 0, w, h);
    const xy = msg.landmarks_xy;
    const vis = msg.visibility || [];
    if (xy) {
      const faintBelow = style.faint_below_visibility;
      const lw = Math.max(2, w / 200);
      for (const [a, b, side] of style.edges) {
        const pa = xy[a];
        const pb = xy[b];
        if (!pa || !pb) continue;
        const faint = (vis[a] ?? 1) < faintBelow || (vis[b] ?? 1) < faintBelow;
        ctx.strokeStyle = rgb(style.sides[side], faint ? 0.35 : 1);
        ctx.lineWidth = lw;
        ctx.beginPath();
        ctx.moveTo(pa[0] * w, pa[1] * h);
        ctx.lineTo(pb[0] * w, pb[1] * h);
        ctx.stroke();
      }
      xy.forEach((p, i) => {
        const faint = (vis[i] ?? 1) < faintBelow;
        ctx.fillStyle = rgb(style.sides[style.landmark_sides[i]], faint ? 0.35 : 1);
        ctx.beginPath();
        ctx.arc(p[0] * w, p[1] * h, lw * 1.2, 0, 2 * Math.PI);
        ctx.fill();
      });
    }
    reps.textContent = String(msg.rep_count);
    root.dataset.reps = String(msg.rep_count);
    verdicts.replaceChildren(
      ...Object.entries(msg.verdicts || {}).map(([check, verdict]) => {
        const chip = el("span", "formlab-live-verdict", `${check}: ${verdict}`);
        chip.dataset.verdict = verdict;
        const c = style.verdicts[verdict] || style.verdicts.not_assessable;
        chip.style.background = rgb(c);
        return chip;
      }),
    );
  }

  // ------------------------------------------------------------------ frames
  function tick(meta) {
    if (!running || !ready || video.readyState < 2) return;
    const nowMs = performance.now();
    const maxFps = model.get("max_fps");
    // capped: a frame less than 1/max_fps after the last grab slot is not grabbed at all (nor counted)
    if (maxFps > 0 && nowMs - lastGrabMs < 1000 / maxFps - 1) return;
    lastGrabMs = nowMs;
    if (inFlight >= Math.max(1, model.get("frames_in_flight") || 1)) {
      dropped += 1;
      droppedUnreported += 1;
      const oldest = sentAt.values().next().value; // the longest unanswered frame
      const waitedMs = nowMs - (oldest ?? nowMs);
      if (waitedMs > WAITING_MS && !waiting) {
        waiting = true;
        setStatus("waiting for the kernel (busy with a cell?)");
      }
      return;
    }
    if (t0Ms === null) t0Ms = nowMs;
    let t = (nowMs - t0Ms) / 1000;
    if (t <= lastT) t = lastT + 1e-6;
    lastT = t;
    const vw = video.videoWidth;
    const vh = video.videoHeight;
    const scale = Math.min(1, model.get("send_width") / vw);
    grab.width = Math.round(vw * scale);
    grab.height = Math.round(vh * scale);
    grab.getContext("2d").drawImage(video, 0, 0, grab.width, grab.height);
    inFlight += 1;
    const mySeq = ++seq;
    sentAt.set(mySeq, nowMs);
    const trace = root.formlabTrace;
    trace.push({ seq: mySeq, t_s: t, media_s: meta ? meta.mediaTime : null, latency_ms: null });
    if (trace.length > TRACE_LENGTH) trace.shift();
    const report = droppedUnreported;
    droppedUnreported = 0;
    const encoded = new Promise((resolve) => {
      grab.toBlob(resolve, "image/jpeg", model.get("jpeg_quality")); // copies the canvas now
    });
    // sent in the order grabbed, whatever order the encodings finish in: time must increase
    sending = sending.then(async () => {
      const blob = await encoded;
      if (!blob || !running) {
        inFlight = Math.max(0, inFlight - 1);
        sentAt.delete(mySeq);
        return;
      }
      const buffer = await blob.arrayBuffer();
      if (!running) return;
      sent += 1;
      model.send({ type: "frame", seq: mySeq, t_s: t, dropped: report }, undefined, [buffer]);
    });
  }

  function schedule() {
    if (!running) return;
    if (video.requestVideoFrameCallback) {
      videoCallback = video.requestVideoFrameCallback((_now, meta) => {
        tick(meta);
        schedule();
      });
    } else {
      timer = setTimeout(() => {
        tick();
        schedule();
      }, 1000 / 60);
    }
  }

  // ----------------------------------------------------------------- control
  async function openCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("no camera API here (the page must be served over https or from localhost)");
    }
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    video.srcObject = stream;
    await video.play();
  }

  function stop(reason) {
    running = false;
    ready = false;
    if (videoCallback !== null && video.cancelVideoFrameCallback) {
      video.cancelVideoFrameCallback(videoCallback);
    }
    if (timer !== null) clearTimeout(timer);
    videoCallback = timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    overlay.getContext("2d").clearRect(0, 0, overlay.width, overlay.height); // no camera, no skeleton
    startBtn.disabled = false;
    stopBtn.disabled = true;
    root.dataset.running = "false";
    model.send({ type: "stop", dropped: droppedUnreported });
    droppedUnreported = 0;
    setStatus(reason || "stopped");
    showStats(true);
  }

  startBtn.addEventListener("click", () => {
    ensureAudio(); // a click is the user gesture browsers want before sound
    running = true;
    ready = false;
    inFlight = 0;
    waiting = false;
    seq = sent = dropped = droppedUnreported = 0;
    t0Ms = null;
    lastT = -1;
    lastGrabMs = -Infinity;
    latenciesMs.length = 0;
    kernelMs.length = 0;
    root.formlabTrace = [];
    repTimes.length = 0;
    delete root.dataset.repTimes;
    sentAt.clear();
    cueBox.textContent = "";
    reps.textContent = "0";
    root.dataset.reps = "0";
    startBtn.disabled = true;
    stopBtn.disabled = false;
    root.dataset.running = "true";
    setStatus("loading the pose model…");
    model.send({ type: "start" });
  });
  stopBtn.addEventListener("click", () => stop("stopped"));

  model.on("msg:custom", async (msg) => {
    if (msg.type === "ready") {
      if (!running) return;
      try {
        await openCamera();
      } catch (err) {
        stop(`camera: ${err.message || err}`);
        return;
      }
      ready = true;
      liveStatus = `live: ${msg.exercise} (${msg.model})`;
      setStatus(liveStatus);
      schedule();
    } else if (msg.type === "update") {
      inFlight = Math.max(0, inFlight - 1);
      lastGrabMs = -Infinity; // the kernel is free: send the next camera frame, whatever the cap
      const t = sentAt.get(msg.seq);
      sentAt.delete(msg.seq);
      if (!running) return;
      if (waiting) {
        waiting = false;
        setStatus(liveStatus);
      }
      draw(msg);
      if (t !== undefined) {
        const latency = performance.now() - t;
        latenciesMs.push(latency);
        const entry = root.formlabTrace.find((e) => e.seq === msg.seq);
        if (entry) entry.latency_ms = latency;
      }
      if (typeof msg.process_ms === "number") kernelMs.push(msg.process_ms);
      for (const event of msg.events || []) {
        if (event.event === "cue") cue(event);
        else if (event.event === "rep") {
          repTimes.push(event.t_s);
          root.dataset.repTimes = JSON.stringify(repTimes); // when each rep was confirmed (s since Start)
          announceRep(event);
        }
      }
      showStats();
    } else if (msg.type === "error") {
      inFlight = 0;
      stop(`error: ${msg.message}`);
    }
  });

  return () => {
    if (running) stop("closed");
  };
}

export default { render };
