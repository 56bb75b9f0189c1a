// Progressive enhancement only: every page works without this file.

// Forms marked data-confirm, or the buttons so marked, ask before they submit (deleting an
// article or a comment, unpublishing an article).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const button = event.submitter;
  const question =
    (button && button.dataset.confirm) || (form instanceof HTMLFormElement && form.dataset.confirm);
  if (question && !window.confirm(question)) {
    event.preventDefault();
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
