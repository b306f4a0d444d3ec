"""Start the local test provider: `python -m tests.gbizid.provider.serve <data dir>`.

Binds an ephemeral port of 127.0.0.1 and prints `READY <base url>` once it answers. Exits when
its standard input closes, so that it never outlives the test run that started it, even if
that run is killed.
"""

import os
import sys
import threading

CALLBACK_PATH = "/account/gbizid/callback/"
# Any port of 127.0.0.1 and localhost (loopback, RFC 8252 §7.3), and Django's test client.
REDIRECT_URIS = " ".join(
    f"http://{host}{CALLBACK_PATH}" for host in ("127.0.0.1", "localhost", "testserver")
)


def _rsa_private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _exit_when_parent_goes() -> None:
    sys.stdin.read()
    os._exit(0)


def main() -> None:
    os.environ["GBIZID_PROVIDER_DIR"] = sys.argv[1]
    os.environ["GBIZID_PROVIDER_RSA_KEY"] = _rsa_private_key_pem()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.gbizid.provider.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    Application.objects.update_or_create(
        client_id=os.environ["GBIZID_PROVIDER_CLIENT_ID"],
        defaults={
            "name": "pre-transfer report portal",
            "client_secret": os.environ["GBIZID_PROVIDER_CLIENT_SECRET"],
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": REDIRECT_URIS,
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
        },
    )
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    threading.Thread(target=_exit_when_parent_goes, daemon=True).start()
    print(f"READY http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
