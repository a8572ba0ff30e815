// Start Swagger UI on the API docs page (an external file: the CSP forbids inline scripts).
window.addEventListener('DOMContentLoaded', function () {
  var target = document.getElementById('swagger-ui');
  if (!target || typeof window.SwaggerUIBundle !== 'function') {
    return;
  }
  window.SwaggerUIBundle({
    url: target.getAttribute('data-openapi-url'),
    dom_id: '#swagger-ui',
    deepLinking: true,
  });
});
