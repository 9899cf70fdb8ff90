"""The Dockerfile copies the code of every project app the settings install,
and the entry point knows every role the README lists: an app added without
its COPY line, or a role without its branch, would break only the image,
which no test here can build."""

import re

from django.conf import settings

from conftest import PROJECT_ROOT


def test_every_installed_project_app_is_copied_into_the_image():
    copied = set(re.findall(r"^COPY (\S+)/ \1/$", (PROJECT_ROOT / "Dockerfile").read_text(), flags=re.MULTILINE))
    project_apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (PROJECT_ROOT / app.split(".")[0]).is_dir()}

    assert project_apps, settings.INSTALLED_APPS
    assert project_apps <= copied, f"not copied by the Dockerfile: {sorted(project_apps - copied)}"


def test_the_entrypoint_has_a_branch_for_every_role():
    entrypoint = (PROJECT_ROOT / "scripts" / "docker-entrypoint.sh").read_text()
    branches = set(re.findall(r"^  ([a-z-]+)\)$", entrypoint, flags=re.MULTILINE))

    assert {"web", "bridge", "worker", "worker-beat", "beat"} <= branches, branches
    assert re.search(r"^  bridge\)\n(?:    #.*\n)*    exec python manage\.py run_bridge \"\$@\"$", entrypoint, re.M)
