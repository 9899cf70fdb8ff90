import os

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

VARIABLES = ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_EMAIL")


class Command(BaseCommand):
    help = (
        "Create the admin user from DJANGO_SUPERUSER_USERNAME, _PASSWORD and _EMAIL if it does not exist yet. "
        "An existing user is left as it is. Does nothing when the variables are not set."
    )

    def handle(self, *args, **options):
        # Read here rather than in settings: these are one-off deploy inputs,
        # the same variables Django's own createsuperuser --noinput reads.
        username, password, email = (os.environ.get(name, "").strip() for name in VARIABLES)
        if not (username or password or email):
            self.stdout.write("No DJANGO_SUPERUSER_* variables set; no admin user created.")
            return
        missing = [name for name, value in zip(VARIABLES, (username, password, email), strict=True) if not value]
        if missing:
            raise CommandError(f"Set {', '.join(missing)} too, or none of the DJANGO_SUPERUSER_* variables.")
        user_model = get_user_model()
        with transaction.atomic():
            if user_model.objects.filter(username=username).exists():
                self.stdout.write(f"Admin user {username!r} exists; left unchanged.")
                return
            user = user_model(username=username, email=email, is_staff=True, is_superuser=True)
            try:
                user.full_clean(exclude=["password"])
            except ValidationError as exc:
                raise CommandError(f"Cannot create admin user {username!r}: {exc.messages[0]}") from None
            user.set_password(password)
            user.save()
        self.stdout.write(self.style.SUCCESS(f"Admin user {username!r} created."))
