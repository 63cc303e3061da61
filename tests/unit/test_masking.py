"""Secrets in prompt text: private keys found, key shapes masked with stable placeholders,
code and look-alikes left alone, all in linear time, and bodies that always encode."""

from __future__ import annotations

import json
import time

import pytest

from ds_lsp import masking, redact
from ds_lsp.masking import PrivateKeyFound, holds_private_key, mask, outgoing_body, unmask

AWS_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
RSA_BODY = "MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi6Z1n5bXjFeEd1n2TJ9sVz0eRq"

MASKED = [
    (
        "aws-credentials",
        f"aws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}\n",
        [AWS_ID, AWS_SECRET],
    ),
    ("aws-secret-next-to-its-id", f'["{AWS_ID}", "{AWS_SECRET}"]', [AWS_ID, AWS_SECRET]),
    ("aws-temporary-key", "key = 'ASIAY34FZKBOKMUTVV7A'", ["ASIAY34FZKBOKMUTVV7A"]),
    (
        "github-classic",
        'token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"',
        ["ghp_16C7e42F292c6912E7710c838347Ae178B4a"],
    ),
    (
        "github-oauth-in-gh-hosts-yml",
        "    oauth_token: gho_16C7e42F292c6912E7710c838347Ae178B4a\n",
        ["gho_16C7e42F292c6912E7710c838347Ae178B4a"],
    ),
    (
        "github-fine-grained",
        "GITHUB=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
        ["github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"],
    ),
    ("gitlab", "glpat-abcdEFGH1234ijklMNOP", ["glpat-abcdEFGH1234ijklMNOP"]),
    (
        "slack-bot",
        'slack = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"',
        ["xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"],
    ),
    (
        "slack-webhook",
        "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghij1234567890",
        ["abcdefghij1234567890"],
    ),
    (
        "openai-project",
        'OpenAI(api_key="sk-proj-abc123DEF456ghi789JKL012mno345")',
        ["sk-proj-abc123DEF456ghi789JKL012mno345"],
    ),
    (
        "anthropic",
        'k = "sk-ant-api03-abcdefghijklmnop1234567890"',
        ["sk-ant-api03-abcdefghijklmnop1234567890"],
    ),
    (
        "deepseek",
        "DEEPSEEK_API_KEY=sk-0123456789abcdef0123456789abcdef",
        ["sk-0123456789abcdef0123456789abcdef"],
    ),
    (
        "google",
        'GOOGLE = "AIzaSyA1234567890abcdefghijklmnopqrstuv"',
        ["AIzaSyA1234567890abcdefghijklmnopqrstuv"],
    ),
    (
        "stripe-live",
        'stripe.api_key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"',
        ["sk_live_4eC39HqLyjWDarjtT1zdp7dc"],
    ),
    ("stripe-restricted", "rk_live_4eC39HqLyjWDarjtT1zdp7dc", ["rk_live_4eC39HqLyjWDarjtT1zdp7dc"]),
    (
        "jwt",
        "Authorization: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
        ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N"],
    ),
    (
        "npm",
        "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789",
        ["npm_abcdefghijklmnopqrstuvwxyz0123456789"],
    ),
    (
        "pypi",
        "password = pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5",
        ["pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5"],
    ),
    (
        "huggingface",
        "HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyzABCDEFGH",
        ["hf_abcdefghijklmnopqrstuvwxyzABCDEFGH"],
    ),
    (
        "cargo-credentials",
        '[registry]\ntoken = "cio1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d"\n',
        ["cio1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d"],
    ),
    (
        "bearer-header",
        'h = {"Authorization": "Bearer abcdefghijklmnopqrstuvwxyz0123456789"}',
        ["abcdefghijklmnopqrstuvwxyz0123456789"],
    ),
    (
        "postgres-url",
        'DATABASE_URL = "postgres://admin:s3cr3t-pa55@db.example.com:5432/app"',
        ["s3cr3t-pa55"],
    ),
    ("redis-url-no-user", "REDIS=redis://:hunter22@localhost:6379", ["hunter22"]),
    (
        "python-settings",
        'DB_PASSWORD = "correct horse"\nSECRET_KEY = "django-insecure-abc123"',
        ["correct horse", "django-insecure-abc123"],
    ),
    ("json-field", '{"client_secret": "Zm9vYmFyYmF6cXV4"}', ["Zm9vYmFyYmF6cXV4"]),
    ("dotenv", "PASSWORD=hunter22\nexport GH_TOKEN=abcdef123456\n", ["hunter22", "abcdef123456"]),
    ("yaml", "db:\n  password: Tr0ub4dor&3\n", ["Tr0ub4dor&3"]),
    ("annotated", 'api_key: str = "abcdef123456"', ["abcdef123456"]),
    ("go-short-assign", 'apiToken := "abcdef123456"', ["abcdef123456"]),
    ("php-array", "'password' => 'hunter2!'", ["hunter2!"]),
    (
        "azure-connection-string",
        "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=bm90LWEtcmVhbC1rZXk0NTY3ODk=;",
        ["bm90LWEtcmVhbC1rZXk0NTY3ODk="],
    ),
]


@pytest.mark.parametrize(
    ("text", "secrets"), [(t, s) for _, t, s in MASKED], ids=[i for i, _, _ in MASKED]
)
def test_secret_shapes_are_masked_with_placeholders(text, secrets):
    masked, found = mask(text)
    for secret in secrets:
        assert secret not in masked
    assert found and all(f.placeholder in masked for f in found)
    assert unmask(masked) == text


LEFT_ALONE = [
    ("call", "password = get_password()"),
    ("attribute", "token = self.token"),
    ("environment-lookup", 'api_key = os.environ["API_KEY"]'),
    ("template", "password: ${DB_PASSWORD}"),
    ("placeholder-text", 'password: "<your-password>"'),
    ("stars", 'password = "********"'),
    ("comparison", 'if token == "abc":'),
    ("loop", "for key in keys: pass"),
    ("setting", "max_tokens = 4096"),
    ("sk-word", "import sk-learn-compat"),
    ("url-with-port", 'url = "https://example.com:8080/path"'),
    ("identifier-prefix", "const taskAKIAIOSFODNN7EXAMPLE = 1"),
    ("prose", "The bearer of this letter is welcome."),
    ("key-parser", 'if line == "-----BEGIN RSA PRIVATE KEY-----":\n    return parse(rest)'),
    ("form-labels", '{"password": "Password", "confirm_password": "Confirm password"}'),
]


@pytest.mark.parametrize("text", [t for _, t in LEFT_ALONE], ids=[i for i, _ in LEFT_ALONE])
def test_code_and_look_alikes_are_left_alone(text):
    assert mask(text) == (text, [])


def test_the_same_secret_gets_the_same_placeholder_and_another_a_different_one():
    one, _ = mask("a = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'")
    two, _ = mask("b = ghp_16C7e42F292c6912E7710c838347Ae178B4a # again")
    other, _ = mask("c = ghp_26C7e42F292c6912E7710c838347Ae178B4a")
    first = one.split("'")[1]
    assert first.startswith("REDACTED_GITHUB_TOKEN_")
    assert first in two and first not in other


PRIVATE_KEYS = [
    ("rsa", f"-----BEGIN RSA PRIVATE KEY-----\n{RSA_BODY}\n-----END RSA PRIVATE KEY-----\n"),
    ("openssh", f"-----BEGIN OPENSSH PRIVATE KEY-----\n{RSA_BODY}\n"),
    ("pkcs8", f"-----BEGIN PRIVATE KEY-----\n{RSA_BODY}\n"),
    ("encrypted", f"-----BEGIN ENCRYPTED PRIVATE KEY-----\n{RSA_BODY}\n"),
    ("ec-with-headers", f"-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\n{RSA_BODY}"),
    ("pgp", f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF{RSA_BODY}\n"),
    ("in-a-string", f'KEY = "-----BEGIN DSA PRIVATE KEY-----\\n{RSA_BODY}\\n"'),
    ("putty", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\nAAAA\n"),
]


@pytest.mark.parametrize("text", [t for _, t in PRIVATE_KEYS], ids=[i for i, _ in PRIVATE_KEYS])
def test_private_keys_are_found(text):
    assert holds_private_key("code before\n" + text)
    with pytest.raises(PrivateKeyFound):
        outgoing_body({"prompt": "x = 1\n", "suffix": text})


def test_a_public_key_or_certificate_is_not_a_private_key():
    assert not holds_private_key(f"-----BEGIN PUBLIC KEY-----\n{RSA_BODY}\n")
    assert not holds_private_key(f"-----BEGIN CERTIFICATE-----\n{RSA_BODY}\n")


def test_a_body_is_masked_everywhere_and_lone_surrogates_become_replacement_characters():
    seen: list = []
    body = {
        "model": "m",
        "messages": [{"role": "user", "content": "t = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'"}],
        "prompt": "x = '\ud800'",
    }
    data = outgoing_body(body, seen.append)
    sent = json.loads(data.decode("utf-8"))
    assert "ghp_16C7" not in data.decode("utf-8")
    assert sent["prompt"] == "x = '\ufffd'" and sent["model"] == "m"
    assert [f.kind for f in seen[0]] == ["github-token"]


def test_an_emoji_split_into_a_surrogate_pair_stays_whole():
    assert masking.without_lone_surrogates("a\ud83d\ude00b\udc00") == "a😀b\ufffd"


HOSTILE = [
    ("one-token-run", "a" * 2_000_000),
    ("anchor-floods", "ghp_" * 300_000 + "sk-" * 300_000 + "eyJ." * 200_000),
    ("named-floods", "token=" * 300_000 + "password: " * 100_000),
    ("url-floods", "a://b:" * 200_000 + "x://" * 200_000),
    ("aws-floods", "AKIAIOSFODNN7EXAMPLE " * 50_000 + "A" * 400_000),
    ("private-key-floods", "-----BEGIN RSA PRIVATE KEY----- " * 50_000),
]


@pytest.mark.parametrize("text", [t for _, t in HOSTILE], ids=[i for i, _ in HOSTILE])
def test_hostile_text_is_masked_in_linear_time(text):
    """Two megabytes of the worst shapes in well under a few seconds (a quadratic scan
    would take minutes); the bound is generous so a busy machine does not fail it."""
    started = time.process_time()
    masked, _ = mask(text)
    holds_private_key(text)
    assert time.process_time() - started < 5
    assert len(masked) <= len(text) * 2


def test_a_key_ds_lsp_holds_is_masked_whatever_its_shape():
    redact.register("plain-llama-key-7f3a")
    masked, found = mask("LLAMA = 'plain-llama-key-7f3a'  # mine")
    assert "plain-llama-key-7f3a" not in masked and found[0].kind == "api-key"


def test_a_secret_is_masked_the_same_whether_its_line_was_seen_before_or_not() -> None:
    """Lines are masked once and remembered; a remembered line gives what a fresh one gives,
    and an AWS secret key on the line after its key id is still found (it spans lines)."""
    text = 'TOKEN = "ghp_' + "a1B2c3D4e5" * 4 + '"\nx = 1\n'
    first, found_first = masking.mask(text)
    again, found_again = masking.mask("y = 2\n" + text)
    assert "ghp_" not in first and again.endswith(first)
    assert found_first == found_again
    aws = "id = AKIAIOSFODNN7EXAMPLE\nsecret = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    masked, _ = masking.mask(aws)
    assert "wJalrXUtnFEMI" not in masked and "AKIAIOSFODNN7EXAMPLE" not in masked
