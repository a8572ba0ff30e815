// Start the NHS.UK frontend components (header menu, skip link, buttons, details).
import { initAll } from '../vendor/nhsuk/nhsuk-frontend.min.js';

initAll();
