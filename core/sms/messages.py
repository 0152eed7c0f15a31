"""The messages that also go by SMS, each with its parameters in the order of the cloud
template's variables ({1}, {2} ...). The text is `templates/sms/<message>.txt` in both
languages; the cloud's template id per language is in SMS_TEMPLATE_IDS (settings). A
message named here goes by SMS to the recipients who chose it, through core.notify."""

SMS_MESSAGES: dict[str, tuple[str, ...]] = {
    # Deadline reminders of milestone reports (grants.awards.services.send_report_reminders).
    "awards_report_due_soon": ("milestone", "due_date"),
    "awards_report_due_very_soon": ("milestone", "due_date"),
    "awards_report_overdue": ("milestone", "due_date"),
    # Payment notices to the payee's managers (grants.payments.services).
    "payments_approved": ("reference", "amount"),
    "payments_paid": ("reference", "amount"),
}
