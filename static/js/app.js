// Starts the NHS.UK frontend components. Loaded as a module, so no inline script is needed
// (the Content-Security-Policy allows none).
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
