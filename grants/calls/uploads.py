"""What an application may carry as attachments (the policy; the checks are core.uploads')."""

from core.uploads import check_content_matches_type

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".odt", ".jpg", ".jpeg", ".png", ".txt", ".csv")


def validate_attachment(file) -> None:
    """Refuse files of another type, too large, empty, or whose content does not match their name."""
    check_content_matches_type(file, accepted=ALLOWED_EXTENSIONS, max_bytes=MAX_ATTACHMENT_BYTES)
