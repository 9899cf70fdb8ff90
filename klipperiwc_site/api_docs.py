"""The interactive API docs (Swagger UI, Redoc) under the site's Content-Security-Policy.

Neither page runs an inline script: Swagger UI takes its init script from
drf-spectacular's split view (the same URL with ``?script``), Redoc from
static/js/docs/redoc-init.js. The viewers' bundles come from the sidecar
package, served by the site itself.

Redoc styles itself with ``<style>`` elements it creates from script
(styled-components, and the CSS of perfect-scrollbar, inserted as its bundle
loads): its page allows styles carrying this response's nonce, which
redoc-init.js gives to each ``<style>`` element a script of the page creates.
Styles in markup stay refused there too. Its search runs in a worker it
starts from a blob: URL.
"""

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

REDOC_POLICY = {"style-src": [NONCE], "worker-src": [SELF, "blob:"]}


def swagger_view():
    return SpectacularSwaggerSplitView.as_view(url_name="api-schema")


def redoc_view():
    return csp_update(REDOC_POLICY)(SpectacularRedocView.as_view(url_name="api-schema"))
