"""Settings parsing: sources in order, tolerant values, URL normalisation."""

import pytest

from ds_lsp import config


def test_defaults_and_environment(monkeypatch):
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-env")
    monkeypatch.setenv("DEEPSEEK_BASE_URL", "https://api.deepseek.com")
    monkeypatch.setenv("DEEPSEEK_MODEL", "deepseek-flash")
    settings, report = config.resolve()
    assert settings.api_key == "sk-env"
    assert settings.base_url == "https://api.deepseek.com/beta"
    assert settings.api_root == "https://api.deepseek.com"
    assert settings.model == "deepseek-flash"
    assert settings.temperature == 0 and 100 <= settings.debounce_ms <= 200
    assert report.invalid == [] and report.unknown == []


def test_later_sources_win(monkeypatch):
    monkeypatch.setenv("DEEPSEEK_MODEL", "env")
    settings, _ = config.resolve(
        {"model": "init", "debounceMs": 50}, {"model": "pulled"}, {"debounceMs": 10}
    )
    assert (settings.model, settings.debounce_ms) == ("pulled", 10)


@pytest.mark.parametrize(
    "raw, problem",
    [
        ({"maxTokens": 99999}, "maxTokens"),
        ({"temperature": "hot"}, "temperature"),
        ({"enable": "maybe"}, "enable"),
        ({"completionItems": "sometimes"}, "completionItems"),
        ({"baseUrl": "ftp://x"}, "baseUrl"),
        ({"exclude": [1, 2]}, "exclude"),
    ],
)
def test_bad_values_are_reported_and_keep_the_default(raw, problem):
    settings, report = config.resolve(raw)
    assert len(report.invalid) == 1 and report.invalid[0].startswith(problem)
    assert settings == config.resolve()[0]


def test_bad_key_value_is_never_echoed():
    _, report = config.resolve({"apiKey": 12345})
    assert "12345" not in report.invalid[0]


def test_unknown_keys_are_listed_and_key_not_in_repr():
    settings, report = config.resolve({"apiKey": "sk-hidden", "colour": "blue"})
    assert report.unknown == ["colour"]
    assert "sk-hidden" not in repr(settings)


def test_base_url_normalisation():
    assert config.normalize_base_url("https://api.deepseek.com/") == "https://api.deepseek.com/beta"
    assert config.normalize_base_url("http://127.0.0.1:8/v1/") == "http://127.0.0.1:8/v1"
    assert config.section({"ds-lsp": {"a": 1}}) == {"a": 1}


def test_a_key_with_a_stray_character_is_refused():
    settings, report = config.resolve({"apiKey": "sk-abc\u2019"})
    assert settings.api_key != "sk-abc\u2019" and report.invalid[0].startswith("apiKey")
    assert "\u2019" not in report.invalid[0]
