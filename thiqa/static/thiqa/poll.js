// Status areas that follow background work (a compilation PDF being prepared): an element
// with data-poll takes, every two seconds, the content of the element of the same id in the
// page its address returns, until that element no longer asks to be polled.
(function () {
  "use strict";
  const area = document.querySelector("[data-poll]");
  if (!area || !area.id) return;

  async function poll() {
    try {
      const reply = await fetch(area.dataset.poll, { credentials: "same-origin" });
      if (reply.ok) {
        const page = new DOMParser().parseFromString(await reply.text(), "text/html");
        const fresh = page.getElementById(area.id);
        if (fresh) {
          area.innerHTML = fresh.innerHTML;
          if (!fresh.dataset.poll) {
            delete area.dataset.poll;
            return;
          }
        }
      }
    } catch (error) {
      // the network failed: ask again at the next beat
    }
    setTimeout(poll, 2000);
  }

  setTimeout(poll, 2000);
})();
