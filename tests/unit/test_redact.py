"""Secrets are masked: registered ones, Bearer tokens, sk- keys, secret-named fields."""

from __future__ import annotations

import logging
import sys

import pytest

from ds_lsp import masking, redact


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Authorization: Bearer abcdefghijkl123", "abcdefghijkl123"),
        ("authorization: bearer abc.def-ghi_jkl", "abc.def-ghi_jkl"),
        ("key sk-0123456789abcdef in the body", "sk-0123456789abcdef"),
        ('{"apiKey": "plain-value-1"}', "plain-value-1"),
        ("{'llamaCppApiKey': 'plain-value-2', 'x': 1}", "plain-value-2"),
        ('"codestralApiKey":"plain-value-3', "plain-value-3"),  # cut off mid-value
        ("api_key='plain-value-4'", "plain-value-4"),
        ('{"token": "plain-value-5"}', "plain-value-5"),
    ],
)
def test_secret_shapes_are_masked(text: str, gone: str) -> None:
    assert gone not in redact.redact(text)


@pytest.mark.parametrize(
    "text",
    ['{"maxTokens": 256}', '"completion_tokens": 12', "prompt_cache_hit_tokens=3", "ask-me"],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact.redact(text) == text


def test_key_settings_anywhere_in_settings_are_registered() -> None:
    redact.register_from(
        {
            "initializationOptions": {"ds-lsp": {"openaiFimApiKey": "reg-secret-one"}},
            "items": [{"apiKey": "reg-secret-two"}],
            "model": "not-a-secret",
        }
    )
    assert redact.redact("x reg-secret-one y reg-secret-two") == "x sk-*** y sk-***"
    assert redact.redact("not-a-secret") == "not-a-secret"


def test_only_the_settings_key_fields_are_registered() -> None:
    """A workspace naming thousands of settings like secrets registers none of them."""
    redact.register_from(
        [{f"x{i}Token": f"value-{i:05}", "password": "pass-word"} for i in range(99)]
    )
    assert redact.redact("value-00042 pass-word") == "value-00042 pass-word"


def test_the_formatter_masks_tracebacks_too() -> None:
    redact.register("traceback-secret-77")
    formatter = masking.RedactingFormatter("%(message)s")
    try:
        raise ValueError("failed with traceback-secret-77")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, "f", 1, "boom %s", ("arg",), None)
        record.exc_info = sys.exc_info()
    assert "traceback-secret-77" not in formatter.format(record)


def test_the_registry_is_bounded_and_keeps_the_first_secrets(monkeypatch) -> None:
    monkeypatch.setattr(redact, "_SECRETS", {})
    redact.register("users-own-key-0001")
    for i in range(5000):
        redact.register(f"flooded-secret-{i:05d}")
    assert len(redact.registered()) == redact.MAX_SECRETS
    assert "users-own-key-0001" not in redact.redact("key users-own-key-0001")
