// Autosave for the report editor: a few seconds after the last change, the form's fields
// (not its files) are posted to the form's data-autosave address; the reply carries the
// new revision, which the next save and the buttons send back.
(function () {
  "use strict";
  const form = document.querySelector("form[data-autosave]");
  if (!form || !form.dataset.autosave) return;
  const status = form.querySelector(".autosave-status");
  const revision = form.querySelector("input[name=revision]");
  let timer = null;
  let busy = false;

  async function save() {
    if (busy) { timer = setTimeout(save, 1000); return; }
    busy = true;
    const data = new FormData(form);
    for (const [name, value] of [...data.entries()]) {
      if (value instanceof File) data.delete(name);
    }
    try {
      const reply = await fetch(form.dataset.autosave, { method: "POST", body: data, credentials: "same-origin" });
      const body = await reply.json();
      if (body.saved) {
        revision.value = body.revision;
        status.textContent = form.dataset.savedText ? form.dataset.savedText.replace("%s", body.at) : body.at;
        status.dataset.state = "saved";
      } else {
        status.textContent = body.error;
        status.dataset.state = "error";
      }
    } catch (error) {
      status.dataset.state = "error";
    } finally {
      busy = false;
    }
  }

  form.addEventListener("input", function (event) {
    if (event.target.type === "file") return;
    clearTimeout(timer);
    timer = setTimeout(save, 3000);
  });
})();
