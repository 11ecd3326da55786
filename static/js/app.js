// Starts the NHS.UK frontend components. Loaded as a module, so no inline script is needed.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

initAll();
