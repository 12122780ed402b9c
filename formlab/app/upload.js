// formlab's file upload: the file goes to the kernel in chunks, each sent when the kernel asks
// for it, so a phone video of hundreds of megabytes never becomes one websocket message (Jupyter's
// server refuses a message over 10 MiB and drops the page's connection) and never sits whole in
// the browser's or the server's memory. The kernel decides: it refuses a file over the size limit
// from its size alone, before any byte is sent.
const CHUNK_BYTES = 2 * 1024 * 1024;

function render({ model, el }) {
  el.classList.add("formlab-upload");
  const label = document.createElement("label");
  label.className = "formlab-upload-button";
  const input = document.createElement("input");
  input.type = "file";
  const text = document.createElement("span");
  label.append(input, text);
  el.append(label);
  let file = null;

  const sync = () => {
    input.accept = model.get("accept");
    input.disabled = model.get("disabled");
    label.classList.toggle("formlab-disabled", model.get("disabled"));
    text.textContent = model.get("description");
  };
  model.on("change:accept", sync);
  model.on("change:disabled", sync);
  model.on("change:description", sync);
  sync();

  input.addEventListener("change", () => {
    file = input.files && input.files.length ? input.files[0] : null;
    if (file) {
      model.send({ type: "start", name: file.name, size: file.size, mime: file.type });
    }
  });
  model.on("msg:custom", async (msg) => {
    if (msg.type === "next" && file) {
      const buffer = await file.slice(msg.offset, msg.offset + CHUNK_BYTES).arrayBuffer();
      model.send({ type: "chunk", offset: msg.offset }, undefined, [buffer]);
    } else if (msg.type === "end") {
      file = null;
      input.value = ""; // the same file may be chosen again
    }
  });
}

export default { render };
