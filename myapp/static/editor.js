// The editor's live preview. Progressive enhancement only: without this file the "Preview"
// button shows the same preview on a page of its own, and the form works either way.
//
// After each pause in typing (400 ms) the form is posted to the preview route, which answers
// with the body rendered and sanitized as a save would (or a 422 saying what is wrong with it).
// Title and description are shown as text, as typed.

const PAUSE_MS = 400;

const form = document.querySelector("form[data-preview-url]");
const region = document.querySelector(".editor-preview .preview-content");

if (form && region) {
  let timer = 0;
  let latest = 0; // answers that arrive out of order: only the newest request's is shown

  const show = (bodyHtml, message) => {
    const title = document.createElement("h3");
    title.className = "preview-title";
    title.textContent = form.elements.namedItem("title").value.trim() || "Untitled";
    const parts = [title];
    const description = form.elements.namedItem("description").value.trim();
    if (description) {
      const paragraph = document.createElement("p");
      paragraph.className = "preview-description";
      paragraph.textContent = description;
      parts.push(paragraph);
    }
    if (message) {
      const note = document.createElement("p");
      note.className = "preview-error";
      note.textContent = message;
      parts.push(note);
    } else {
      const body = document.createElement("div");
      body.className = "article-body preview-body";
      body.innerHTML = bodyHtml; // sanitized by the server (nh3), as on the article page
      parts.push(body);
    }
    region.replaceChildren(...parts);
  };

  const refresh = async () => {
    const request = ++latest;
    let bodyHtml = "";
    let message = "";
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        body: new FormData(form),
        headers: {
          Accept: "text/html",
          "X-Requested-With": "fetch",
          "X-CSRFToken": form.elements.namedItem("csrf_token").value,
        },
        credentials: "same-origin",
        redirect: "manual", // signed out: the sign-in page is no preview
      });
      if (response.ok) {
        bodyHtml = await response.text();
      } else if (response.status === 422) {
        message = await response.text();
      } else if (response.status === 429) {
        message = "The preview is taking a break: it will update again in a minute.";
      } else if (response.type === "opaqueredirect") {
        message = "You are signed out: sign in again to see the preview.";
      } else {
        message = "We couldn't update the preview just now.";
      }
    } catch {
      message = "We couldn't reach the server to update the preview.";
    }
    if (request === latest) show(bodyHtml, message);
  };

  form.addEventListener("input", (event) => {
    if (!["title", "description", "body"].includes(event.target.name)) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, PAUSE_MS);
  });
}
