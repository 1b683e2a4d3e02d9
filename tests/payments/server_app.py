from django.apps import AppConfig


class PaymentsTestPurposesConfig(AppConfig):
    """Registers the tests' purpose in the ASGI server process started by a browser test."""

    name = "tests.payments"
    label = "payments_test_purposes"

    def ready(self):
        from tests.payments.purposes import register

        register()
