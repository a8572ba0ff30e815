// A "Copy" button (data-copy="ID") copies the text of the input ID. Without
// JavaScript the button stays hidden and the link can be selected and copied.
for (const button of document.querySelectorAll('button[data-copy]')) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.copy + '-status');
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = 'Link copied';
    } catch {
      field.select();
      if (status) status.textContent = 'Select the link and copy it';
    }
  });
}
