"""Settings parsing: sources in order, tolerant values, URL normalisation."""

from urllib.parse import urlsplit

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
        {"model": "init", "temperature": 0.5}, workspace=[{"temperature": 0.7}, {"maxLines": 3}]
    )
    assert (settings.model, settings.temperature, settings.max_lines) == ("init", 0.7, 3)


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
    assert len(report.invalid) == 1 and report.invalid[0].startswith(f"`{problem}` must be")
    assert settings == config.resolve()[0]


def test_bad_key_value_is_never_echoed():
    _, report = config.resolve({"apiKey": 12345})
    assert "12345" not in report.invalid[0]


def test_unknown_keys_are_listed_and_key_not_in_repr():
    settings, report = config.resolve({"apiKey": "sk-hidden", "colour": "blue"})
    assert report.unknown == ["colour"]
    assert "sk-hidden" not in repr(settings)


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("https://api.deepseek.com", "https://api.deepseek.com/beta"),
        ("https://api.deepseek.com/", "https://api.deepseek.com/beta"),
        ("https://api.deepseek.com/v1", "https://api.deepseek.com/beta"),
        ("https://api.deepseek.com/v1/", "https://api.deepseek.com/beta"),
        ("https://api.deepseek.com/beta/", "https://api.deepseek.com/beta"),
        ("https://gateway.example/v1", "https://gateway.example/v1"),
    ],
    ids=["bare", "slash", "openai-style-v1", "v1-slash", "beta", "other-host"],
)
def test_deepseek_base_urls_map_to_the_beta_endpoint(given: str, url: str) -> None:
    assert config.resolve({"baseUrl": given})[0].base_url == url


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (
            {"debounceMs": "fast"},
            "`debounceMs` must be a number of milliseconds from 0 to 5000 "
            '(got "fast"); keeping 150',
        ),
        (
            {"maxPrefixChars": -1},
            "`maxPrefixChars` must be a number of characters from 0 to "
            "1e+06 (got -1); keeping 6000",
        ),
        ({"enable": "maybe"}, '`enable` must be true or false (got "maybe"); keeping true'),
        (
            {"multiline": "often"},
            '`multiline` must be one of auto, always, never (got "often"); keeping "auto"',
        ),
        (
            {"priceOutput": "free"},
            "`priceOutput` must be a price in USD per 1M tokens from 0 "
            'to 1000 (got "free"); keeping unset',
        ),
    ],
    ids=["words-for-ms", "negative-chars", "bool", "choice", "price"],
)
def test_a_bad_value_is_one_line_saying_what_is_expected_and_kept(raw: dict, line: str) -> None:
    _, report = config.resolve(raw)
    assert report.invalid == [line]
    assert "\n" not in line


def test_a_bad_value_keeps_the_value_in_effect_before_not_the_default() -> None:
    before, _ = config.resolve({"debounceMs": 90})
    after, report = config.resolve({"debounceMs": "fast"}, previous=before)
    assert after.debounce_ms == 90 and report.invalid[0].endswith("keeping 90")


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("debounceMS", "debounceMs"),
        ("debounce_ms", "debounceMs"),
        ("maxToken", "maxTokens"),
        ("colour", None),
    ],
)
def test_unknown_keys_get_the_key_they_most_likely_meant(key: str, meant: str | None) -> None:
    assert config.suggestion(key) == meant


# ---- trust layers -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "key, value",
    [
        ("baseUrl", "https://attacker.example/beta"),
        ("backend", "openai-fim"),
        ("openaiFimBaseUrl", "https://attacker.example"),
        ("codestralBaseUrl", "https://attacker.example"),
        ("llamaCppBaseUrl", "http://127.0.0.1:9999"),
    ],
)
def test_a_workspace_layer_cannot_move_the_key(monkeypatch, key: str, value: str) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-user")
    settings, report = config.resolve({}, workspace=[{key: value}])
    assert settings == config.resolve()[0]
    assert report.ignored == [key] and report.invalid == []


def test_the_users_own_config_may_move_the_key() -> None:
    settings, report = config.resolve({"baseUrl": "https://gw.example/beta", "apiKey": "sk-a"})
    assert settings.base_url == "https://gw.example/beta" and report.ignored == []


def test_a_workspace_layer_giving_its_own_key_may_give_its_url(monkeypatch) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-user")
    layer = {"baseUrl": "https://team-gw.example/beta", "apiKey": "sk-team"}
    settings, report = config.resolve({}, workspace=[layer])
    assert (settings.base_url, settings.api_key) == ("https://team-gw.example/beta", "sk-team")
    assert report.ignored == []
    switched, report = config.resolve(
        {}, workspace=[{"backend": "codestral", "codestralApiKey": "sk-team-mistral"}]
    )
    assert switched.backend == "codestral" and report.ignored == []


def test_a_workspace_layer_can_add_exclude_patterns_but_never_remove_any() -> None:
    settings, _ = config.resolve({}, workspace=[{"exclude": []}, {"exclude": ["build/*"]}])
    assert set(config.DEFAULT_EXCLUDE) <= set(settings.exclude)
    assert "build/*" in settings.exclude
    own, _ = config.resolve({"exclude": ["*.secret"]})  # the user's own config may replace it
    assert own.exclude == ["*.secret"]


@pytest.mark.parametrize(
    ("raw", "refused"),
    [
        ({"baseUrl": "http://gw.example/beta", "apiKey": "sk-a"}, True),
        ({"baseUrl": "http://127.0.0.1:8080/beta", "apiKey": "sk-a"}, False),
        ({"baseUrl": "http://localhost:8080/beta", "apiKey": "sk-a"}, False),
        ({"backend": "openai-fim", "openaiFimBaseUrl": "http://10.0.0.5:11434"}, False),
        ({"openaiFimBaseUrl": "http://10.0.0.5:11434", "openaiFimApiKey": "sk-o"}, True),
    ],
    ids=["remote-with-key", "loopback", "localhost", "lan-without-key", "lan-with-key"],
)
def test_a_key_never_travels_over_plain_http_to_another_machine(raw: dict, refused: bool) -> None:
    settings, report = config.resolve(raw)
    url_key = "baseUrl" if "baseUrl" in raw else "openaiFimBaseUrl"
    assert bool(report.invalid) is refused
    if refused:
        assert "clear text" in report.invalid[0] and url_key in report.invalid[0]
        assert urlsplit(config.FIELDS[url_key].default).scheme in ("http", "https")
        kept = getattr(settings, config.FIELDS[url_key].name)
        assert kept == config.field_default(config.FIELDS[url_key])


def test_base_url_normalisation():
    assert config.normalize_base_url("https://api.deepseek.com/") == "https://api.deepseek.com/beta"
    assert config.normalize_base_url("http://127.0.0.1:8/v1/") == "http://127.0.0.1:8/v1"
    assert config.section({"ds-lsp": {"a": 1}}) == {"a": 1}


def test_a_key_with_a_stray_character_is_refused():
    settings, report = config.resolve({"apiKey": "sk-abc\u2019"})
    assert settings.api_key != "sk-abc\u2019" and report.invalid[0].startswith("`apiKey`")
    assert "\u2019" not in report.invalid[0]


@pytest.mark.parametrize("bad_key", [1, "é", ["x"], True, ""], ids=repr)
def test_an_invalid_workspace_key_never_carries_its_url(monkeypatch, bad_key) -> None:
    """An invalid key of the workspace's own would be replaced by the user's: so its URL
    must not count either."""
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-user")
    layer = {"apiKey": bad_key, "baseUrl": "https://evil.example/beta"}
    settings, report = config.resolve({}, workspace=[layer])
    assert (settings.base_url, settings.api_key) == (config.DEFAULT_BASE_URL, "sk-user")
    assert set(report.ignored) == {"apiKey", "baseUrl"}
    switched, _ = config.resolve(
        {},
        workspace=[
            {
                "backend": "codestral",
                "codestralApiKey": bad_key,
                "codestralBaseUrl": "https://evil.example",
            }
        ],
    )
    assert switched.backend == "deepseek"


def test_a_url_a_workspace_once_gave_never_survives_its_withdrawal() -> None:
    trusted = {"openaiFimBaseUrl": "http://10.0.0.5:11434", "openaiFimApiKey": "sk-user"}
    hostile = {"openaiFimApiKey": "sk-attacker", "openaiFimBaseUrl": "https://evil.example"}
    first, _ = config.resolve(trusted, workspace=[hostile])
    assert first.openai_fim_api_key == "sk-attacker"  # their key, their URL: allowed
    after, report = config.resolve(trusted, workspace=[{}], previous=first)
    assert after.openai_fim_base_url != "https://evil.example"
    assert after.openai_fim_api_key == "sk-user"
    assert "evil" not in " ".join(report.invalid)


def test_a_bad_url_from_the_users_own_config_never_keeps_a_workspace_url(monkeypatch) -> None:
    monkeypatch.setenv("DEEPSEEK_BASE_URL", "api.deepseek.com")  # no scheme: invalid
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-user")
    earlier, _ = config.resolve(
        {}, workspace=[{"baseUrl": "https://evil.example/beta", "apiKey": "sk-theirs"}]
    )
    settings, _ = config.resolve({}, previous=earlier)
    assert settings.base_url == config.DEFAULT_BASE_URL


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8/x", True),
        ("http://127.5.5.5/x", True),
        ("http://localhost/x", True),
        ("http://[::1]:8/x", True),
        ("http://127.attacker.example/x", False),
        ("http://10.0.0.1/x", False),
    ],
)
def test_loopback_means_this_machine(url: str, loopback: bool) -> None:
    assert config.is_loopback(url) is loopback


def test_a_workspace_cannot_add_an_unbounded_exclude_list() -> None:
    many = [f"p{i}/*" for i in range(config.MAX_WORKSPACE_EXCLUDES + 50)]
    settings, report = config.resolve({}, workspace=[{"exclude": many}])
    assert len(settings.exclude) == len(config.DEFAULT_EXCLUDE) + config.MAX_WORKSPACE_EXCLUDES
    assert any("new patterns" in line for line in report.invalid)


# ---- what a workspace may spend (issue 21) -----------------------------------------------------
SPENDING = {
    "maxTokens": 4096,
    "generateMaxTokens": 8192,
    "maxPrefixChars": 1_000_000,
    "maxSuffixChars": 1_000_000,
    "contextFilesBudget": 100_000,
    "windowBlockLines": 1,
    "cacheSize": 1_000_000,
    "priceCacheHit": 0,
    "priceCacheMiss": 0,
    "priceOutput": 0,
    "nextEditLines": 50,
}


def test_a_workspace_layer_cannot_set_what_the_key_spends() -> None:
    settings, report = config.resolve(
        {}, workspace=[dict(SPENDING), {"prefetch": False, "nextEdit": False}]
    )
    assert settings == config.resolve()[0]
    assert sorted(report.ignored) == sorted([*SPENDING, "prefetch", "nextEdit"])
    (line,) = report.messages()
    assert line.startswith("`maxTokens`, `cacheSize`, ")
    assert "from the workspace settings are ignored" in line
    assert all(f"`{key}`" in line for key in SPENDING)


def test_the_users_own_config_sets_what_the_key_spends() -> None:
    settings, report = config.resolve(dict(SPENDING))
    assert (settings.max_tokens, settings.price_output) == (4096, 0)
    assert report.messages() == []


def test_a_workspace_repeating_the_users_value_is_not_reported() -> None:
    """VS Code sends every setting in every layer: a value equal to the user's is no attempt."""
    settings, report = config.resolve(
        {"maxTokens": 300}, workspace=[{"maxTokens": 300, "cacheSize": 512, "model": None}]
    )
    assert settings.max_tokens == 300 and report.messages() == []


@pytest.mark.parametrize(
    ("layer", "model"),
    [
        ({"model": "deepseek-v4-pro"}, None),
        ({"model": "team-model", "apiKey": "sk-team"}, "team-model"),
        ({"codestralModel": "codestral-2501"}, "codestral-latest"),
    ],
    ids=["alone", "with its key", "another backend's alone"],
)
def test_a_workspace_sets_a_model_only_with_a_key_of_its_own(
    monkeypatch, layer: dict, model: str | None
) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-user")
    settings, report = config.resolve({}, workspace=[layer])
    assert (settings.model if "model" in layer else settings.codestral_model) == model
    assert bool(report.ignored) is (model != layer.get("model", layer.get("codestralModel")))


def test_the_restricted_list_holds_what_a_workspace_may_not_set_freely() -> None:
    restricted = set(config.restricted_keys())
    assert set(config.user_only_keys()) == {*SPENDING, "prefetch", "nextEdit"}
    assert {"baseUrl", "backend", "apiKey", "model", "codestralModel"} <= restricted
    assert set(config.user_only_keys()) <= restricted
    assert not {"temperature", "exclude", "enable", "multiline"} & restricted


def test_thousands_of_unknown_keys_make_one_short_line() -> None:
    layer = {f"unknownSetting{i}": i for i in range(8000)}
    layer["debounceMS"] = 1
    _, report = config.resolve(layer, workspace=[layer, layer])
    (line,) = report.messages()
    assert line.startswith("unknown settings ignored: `unknownSetting0`, ")
    assert line.endswith(" and 7,993 more (see the ds-lsp README)") and len(line) < 600
    assert len(report.unknown) == 8001  # each key once, whichever layers gave it


def test_an_unknown_key_is_quoted_short_and_printable() -> None:
    _, report = config.resolve({"x`\n" + "y" * 10_000: 1})
    (line,) = report.messages()
    assert line.startswith("unknown setting `x??yyy") and len(line) < 200


def test_one_unknown_key_keeps_its_did_you_mean() -> None:
    _, report = config.resolve({"debounceMS": 1})
    assert report.messages() == ["unknown setting `debounceMS` ignored; did you mean `debounceMs`?"]


def test_many_bad_values_are_capped() -> None:
    layer = {key: "bad" for key, f in config.FIELDS.items() if isinstance(f.default, int)}
    _, report = config.resolve(layer)
    lines = report.messages()
    assert len(lines) == 11 and lines[-1].endswith("keep theirs (see the log)")


def test_a_workspace_with_its_own_endpoint_and_key_is_told(monkeypatch) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-user")
    layer = {"baseUrl": "https://team-gw.example/beta", "apiKey": "sk-team"}
    settings, report = config.resolve({}, workspace=[layer, layer])
    assert settings.base_url == "https://team-gw.example/beta"
    (line,) = report.messages()
    assert line.startswith("the workspace settings send completions to https://team-gw.example")
    assert "with a key of their own, not to https://api.deepseek.com/beta" in line
    _, own_key_only = config.resolve({}, workspace=[{"apiKey": "sk-team"}])
    assert own_key_only.messages() == []  # the same endpoint: nothing was redirected


def test_a_refused_url_falls_back_to_the_next_layer_down(monkeypatch) -> None:
    monkeypatch.setenv("DEEPSEEK_BASE_URL", "https://gw.example/beta")
    init = {"baseUrl": "http://remote.example/beta", "apiKey": "sk-a"}
    settings, report = config.resolve(init)
    assert settings.base_url == "https://gw.example/beta"
    assert report.invalid[0].endswith("keeping https://gw.example/beta")
    assert not report.notices  # the user's own layers: nothing to say about a workspace
