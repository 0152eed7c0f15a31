from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data loaders and `manage.py load_demo`. At the top of the stack: it may
    import every app, and no product package imports it."""

    name = "demo"
    verbose_name = "Demo data"
