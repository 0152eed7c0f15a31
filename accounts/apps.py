from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from accounts import admin_config, admin_shortcuts, admin_sidebar, data_version

        data_version.connect()
        admin_sidebar.install()
        admin_shortcuts.install()
        admin_config.install()
