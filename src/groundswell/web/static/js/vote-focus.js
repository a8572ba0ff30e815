// After a vote, htmx swaps in the next statement card and the button that had
// focus is gone: focus would fall back to <body> and Tab would start again from
// the top of the page. Move it to the new card's heading (focusable from script
// only), so a keyboard or screen-reader user hears the next statement and the
// next Tab reaches its Agree button. WCAG 2.2, 2.4.3 Focus Order.
document.addEventListener('htmx:load', function (event) {
  var card = event.detail.elt;
  if (!card || card.id !== 'statement-card') return;
  var heading = card.querySelector('h2');
  if (!heading) return;
  heading.setAttribute('tabindex', '-1');
  heading.focus();
});
