"""The student's model card passes the runtime's own validator (src/models/model-card.ts),
compiled by the repo's tsc into a temp dir and run with node. Skipped until export has run."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "training/configs/student_x2_realtime.json"
CARD_TS = REPO / "src/models/model-card.ts"


def _card_path() -> Path:
    return REPO / "models" / (json.loads(CONFIG.read_text())["id"] + ".json")


@pytest.mark.skipif(not CARD_TS.exists() or not _card_path().exists(), reason="no card schema or no exported card yet")
def test_student_card_validates_with_runtime_schema(tmp_path):
    tsc = REPO / "node_modules/.bin/tsc"
    if shutil.which("node") is None or not tsc.exists():
        pytest.skip("node or tsc not installed")
    out = tmp_path / "ts"
    build = subprocess.run([str(tsc), "--outDir", str(out), "--rootDir", str(REPO / "src"), "--module", "nodenext",
                            "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck", "--types", "node",
                            "--strict", str(CARD_TS)], cwd=REPO, capture_output=True, text=True, timeout=180)
    assert build.returncode == 0, build.stdout + build.stderr
    (out / "package.json").write_text('{"type": "module"}')
    card = _card_path()
    script = ("import {parseModelCard} from './ts/models/model-card.js'; import {readFileSync} from 'node:fs';"
              f"const c = parseModelCard(readFileSync({json.dumps(str(card))}, 'utf8'), 'models/{card.name}',"
              f" {{expectedId: {json.dumps(card.stem)}}}); console.log(JSON.stringify(c));")
    run = subprocess.run(["node", "--input-type=module", "-e", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    parsed = json.loads(run.stdout)
    assert parsed["input"]["colour"] == "luma" and parsed["scale"] == 2 and parsed["tier"] == "quality"
    onnx_file = card.with_suffix(".onnx")
    assert onnx_file.exists(), f"{onnx_file} missing next to its card"
