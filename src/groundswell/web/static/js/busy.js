// A form with data-busy="ID" shows the element ID (a role="status" line) and
// disables its button once submitted: heavy pages say they are working.
document.addEventListener('submit', (event) => {
  const form = event.target;
  const id = form instanceof HTMLFormElement ? form.dataset.busy : undefined;
  if (!id) return;
  const note = document.getElementById(id);
  if (note) note.hidden = false;
  form.setAttribute('aria-busy', 'true');
  for (const button of form.querySelectorAll('button[type="submit"]')) button.disabled = true;
});
