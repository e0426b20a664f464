"""`archive-service bench`: every workload reports against its raw baseline."""
import json

from click.testing import CliRunner

from archive_service.cli import main

FILE_WORKLOADS = {"label_pdf", "scan_upload", "scan_download"}
DB_WORKLOADS = {"lookup_call[sqlite]", "lookup_http[sqlite]", "ledger_page_http[sqlite]"}


def test_bench_small_prints_ratios_and_writes_json(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/bench.db")
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(main, ["bench", "--scale", "small", "--json", str(out)])
    report = json.loads(out.read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in report["results"]}
    assert set(by_name) >= FILE_WORKLOADS | DB_WORKLOADS
    assert not [r for r in report["results"] if r.get("error")], result.output
    assert result.exit_code == 0, result.output
    assert all(by_name[name]["ratio"] > 0 for name in {"label_pdf", "scan_upload", "scan_download"} | DB_WORKLOADS)
    assert "label_decode" not in by_name, "reading labels back is the full scale's; tests/adapters reads a sheet"
    ledger = by_name["ledger_page_http[sqlite]"]
    assert ledger["rows"] == 50 and ledger["statements"] > 0
    assert "label_pdf" in result.output and "ratio" in result.output
    assert not (tmp_path / "bench.db").exists(), "the bench works in a scratch database, never DATABASE_URL's"
