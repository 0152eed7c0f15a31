from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_buyer_evaluator_roles")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="phone",
            field=models.CharField(blank=True, max_length=20, verbose_name="mobile phone number"),
        ),
        migrations.AddField(
            model_name="user",
            name="notification_channels",
            field=models.CharField(
                choices=[("email", "Email"), ("sms", "Text message (SMS)"), ("email_sms", "Email and text message")],
                default="email",
                max_length=10,
                verbose_name="notifications by",
            ),
        ),
    ]
