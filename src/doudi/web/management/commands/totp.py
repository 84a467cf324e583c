from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from doudi.accounts.actions import user_totp_device


class Command(BaseCommand):
    help = "Demo only: print a demo account's current TOTP code."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if not settings.DOUDI_DEMO:
            raise CommandError("doudi totp is available in the demo settings only")
        user = get_user_model().objects.filter(username=username).first()
        device = user_totp_device(user=user) if user else None
        if device is None:
            raise CommandError(f"{username} has no confirmed TOTP device")
        self.stdout.write(
            f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        )
