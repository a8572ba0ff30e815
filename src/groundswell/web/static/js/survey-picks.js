// After "Add" in a survey's name search, htmx puts a ticked box in the question's
// picks and replaces the button that had focus with "Added": focus would fall back
// to <body> and Tab would start again from the top. Send it back to the name box,
// text selected, ready for the next person. WCAG 2.2, 2.4.3 Focus Order.
document.addEventListener('htmx:afterSettle', function (event) {
  var target = event.detail.target;
  if (!target || !target.id || target.id.indexOf('picked-') !== 0) return;
  var box = document.getElementById('find' + target.id.slice('picked-'.length));
  if (!box) return;
  box.focus();
  box.select();
});
