// Progressive enhancement only: every page works without this file.

// Forms marked data-confirm, or the buttons so marked, ask before they submit (deleting an
// article or a comment, unpublishing an article). Without JavaScript the server asks instead, on
// a page of its own; a "yes" here tells it the question was already answered.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const button = event.submitter;
  const question =
    (button && button.dataset.confirm) || (form instanceof HTMLFormElement && form.dataset.confirm);
  if (!question) return;
  if (!window.confirm(question)) {
    event.preventDefault();
  } else if (!form.elements.namedItem("confirm")) {
    const answer = document.createElement("input");
    Object.assign(answer, { type: "hidden", name: "confirm", value: "yes" });
    form.append(answer);
  }
});

// Favorite and follow buttons update in place. The form posts as it would without JavaScript;
// the page it comes back to holds the new buttons, which replace every copy of the old ones on
// this page (an article shows its buttons twice). Any failure falls back to the plain post.
const enhancedKey = (form) => form.dataset.enhance + " " + form.action.replace(/\/(un)?(favorite|follow)$/, "");

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (event.defaultPrevented || !(form instanceof HTMLFormElement) || !form.dataset.enhance) return;
  event.preventDefault();
  const key = enhancedKey(form);
  const hadFocus = form.contains(document.activeElement);
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  try {
    const response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
    if (!response.ok) throw new Error(`status ${response.status}`);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = [...page.querySelectorAll("form[data-enhance]")].find((f) => enhancedKey(f) === key);
    if (!fresh) throw new Error("no button in the answer");
    const copies = [...document.querySelectorAll("form[data-enhance]")].filter((f) => enhancedKey(f) === key);
    for (const copy of copies) {
      const replacement = document.importNode(fresh, true);
      // Each copy keeps its own "next": the page and place it came from.
      const next = copy.elements.namedItem("next");
      const nextField = replacement.elements.namedItem("next");
      if (next && nextField) nextField.value = next.value;
      copy.replaceWith(replacement);
      if (copy === form && hadFocus) replacement.querySelector("button").focus();
    }
  } catch {
    form.submit(); // the plain post, and its redirect back to this place
  }
});

// The editor's time zone for scheduling is UTC without JavaScript. With it, it is the browser's
// own, and a time the server filled in (in UTC, for a scheduled article) is shown in that zone.
function localInputValue(date, timeZone) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit",
  });
  for (const { type, value } of format.formatToParts(date)) parts[type] = value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

for (const select of document.querySelectorAll("select[data-browser-zone]")) {
  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    continue;
  }
  if (!zone || zone === select.value || ![...select.options].some((o) => o.value === zone)) {
    continue;
  }
  const input = select.form && select.form.elements.namedItem("publishAt");
  if (input && input.value) {
    const moment = new Date(`${input.value}Z`);
    if (!Number.isNaN(moment.getTime())) input.value = localInputValue(moment, zone);
  }
  select.value = zone;
}
