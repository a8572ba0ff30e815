// Start Swagger UI on the API docs page (an external file: the CSP forbids inline scripts).
window.addEventListener('DOMContentLoaded', function () {
  var target = document.getElementById('swagger-ui');
  if (!target || typeof window.SwaggerUIBundle !== 'function') {
    return;
  }
  window.SwaggerUIBundle({
    url: target.getAttribute('data-openapi-url'),
    dom_id: '#swagger-ui',
    // Deep links put a link inside each operation's expand button, a control
    // inside a control that screen readers cannot reach (axe nested-interactive).
    deepLinking: false,
    // Its highlighter's colours are unreadable on its own backgrounds (1.2:1).
    syntaxHighlight: false,
  });
  // Swagger UI renders its own <main> inside the page's: name it a region
  // instead, so the page keeps one main landmark; and its example boxes
  // scroll, so keyboard users must be able to focus them. React re-renders,
  // so watch.
  var tidy = function () {
    target.querySelectorAll('.highlight-code pre:not([tabindex])').forEach(function (pre) {
      pre.setAttribute('tabindex', '0');
    });
    var operations = document.getElementById('operations');
    if (operations && operations.getAttribute('role') !== 'region') {
      operations.setAttribute('role', 'region');
      operations.setAttribute('aria-label', 'API operations');
    }
  };
  new MutationObserver(tidy).observe(target, { childList: true, subtree: true });
});
