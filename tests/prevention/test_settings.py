from __future__ import annotations

from pathlib import Path

from prevention.storage.settings import PROJECT_DIR, Settings, env_names

DOC = (PROJECT_DIR / "docs" / "settings.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_with_its_variable():
    missing = [f"{name} ({', '.join(env_names(name))})" for name in Settings.model_fields
               if f"`{name}`" not in DOC or any(f"`{v}`" not in DOC for v in env_names(name))]
    assert not missing, f"add these settings to docs/settings.md: {missing}"


def test_database_url_defaults_to_a_sqlite_file_under_var(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PREVENTION_DATABASE_URL", raising=False)
    url = Settings().database_url
    assert url == f"sqlite:///{PROJECT_DIR / 'var' / 'prevention.sqlite3'}"


def test_database_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert Settings().database_url == "postgresql+psycopg://u@h/db"


def test_prefixed_settings_are_read(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PREVENTION_IMPORT_BATCH_SIZE", "1000")
    monkeypatch.setenv("PREVENTION_DATA_DIR", str(tmp_path))
    s = Settings()
    assert s.import_batch_size == 1000 and s.data_dir == tmp_path
