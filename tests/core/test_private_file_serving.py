"""How a permission-checked view hands over a private file, in each of the operator's modes
(PRIVATE_FILES_SERVE, docs/operations.md): streamed by Django, sent by nginx from an
internal location, or a short-lived signed URL on S3-compatible storage. The S3 case runs
the real SDK (django-storages on boto3) against a local S3 server (moto)."""

import socket
import urllib.parse
import urllib.request
from types import SimpleNamespace

import boto3
import pytest
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import override_settings
from storages.backends.s3 import S3Storage

from core.private_files import (
    PrivateInMemoryStorage,
    download_name,
    serve_private_file,
    unguessable_name,
)


def stored(content=b"%PDF-1.4 budget", name="applications/0123456789abcdef0123456789abcdef.pdf"):
    storage = PrivateInMemoryStorage()
    return SimpleNamespace(storage=storage, name=storage.save(name, ContentFile(content)))


def test_names_are_random_and_keep_only_a_plain_extension():
    first, second = unguessable_name("reports", "Photo of Zhang San.JPG"), unguessable_name("reports", "x.jpg")
    assert first.startswith("reports/") and first.endswith(".jpg") and "Zhang" not in first
    assert first != second
    assert unguessable_name("reports", "evil.php%00.jpg ").endswith(tuple("0123456789abcdef"))  # odd suffix dropped


def test_the_download_name_is_the_title_with_the_stored_extension():
    assert download_name("Budget", "applications/abc.pdf") == "Budget.pdf"
    assert download_name("budget.PDF", "applications/abc.pdf") == "budget.PDF"
    assert download_name("../../etc/passwd", "applications/abc.pdf") == "..-..-etc-passwd.pdf"
    assert download_name("", "applications/abc") == "file"


def test_django_streams_the_file_with_safe_headers():
    response = serve_private_file(stored(), filename="预算 budget.pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 budget"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''%E9%A2%84%E7%AE%97%20budget.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_missing_file_is_a_404_not_a_500():
    file = stored()
    file.storage.delete(file.name)
    with pytest.raises(Http404):
        serve_private_file(file, filename="a.pdf")


@override_settings(PRIVATE_FILES_SERVE="x-accel-redirect", PRIVATE_FILES_INTERNAL_PREFIX="/_private/")
def test_nginx_sends_the_file_from_its_internal_location():
    file = stored()
    response = serve_private_file(file, filename="Budget.pdf", as_attachment=False)
    assert response.content == b""  # the bytes never pass through Python
    assert response["X-Accel-Redirect"] == f"/_private/{file.name}"
    assert response["Content-Disposition"] == 'inline; filename="Budget.pdf"'
    assert response["Content-Type"] == "application/pdf"
    file.storage.delete(file.name)
    with pytest.raises(Http404):
        serve_private_file(file, filename="Budget.pdf")


@pytest.fixture
def s3_server():
    moto_server = pytest.importorskip("moto.server")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def test_on_s3_the_reader_is_sent_to_a_url_signed_for_a_minute(s3_server):
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
    boto3.client("s3", endpoint_url=s3_server, **credentials).create_bucket(Bucket="hub")
    storage = S3Storage(
        bucket_name="hub",
        endpoint_url=s3_server,
        access_key="testing",
        secret_key="testing",
        region_name="us-east-1",
        location="private",
        default_acl="private",
        querystring_auth=True,
        querystring_expire=60,
        file_overwrite=False,
        signature_version="s3v4",
    )
    name = storage.save(unguessable_name("applications", "Budget.pdf"), ContentFile(b"%PDF-1.4 budget"))
    grants = boto3.client("s3", endpoint_url=s3_server, **credentials).get_object_acl(
        Bucket="hub", Key=f"private/{name}"
    )
    assert not [g for g in grants["Grants"] if g["Grantee"].get("URI", "").endswith("AllUsers")]

    with override_settings(PRIVATE_FILES_SERVE="signed-url", PRIVATE_FILES_URL_SECONDS=60):
        response = serve_private_file(SimpleNamespace(storage=storage, name=name), filename="预算.pdf")
    assert response.status_code == 302
    location = response["Location"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
    assert "filename*=utf-8''%E9%A2%84%E7%AE%97.pdf" in query["response-content-disposition"][0]
    with urllib.request.urlopen(location) as fetched:  # the local S3 server
        assert fetched.read() == b"%PDF-1.4 budget"
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert fetched.headers["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
