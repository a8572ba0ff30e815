// Tell the NHS.UK frontend styles that JavaScript runs (kept out of the page: the CSP forbids inline scripts).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
