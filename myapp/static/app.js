// Progressive enhancement only: every page works without this file.
// Forms marked data-confirm ask before they submit (deleting an article or a comment).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement && form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
