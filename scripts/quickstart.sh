#!/usr/bin/env bash
# Set up everything the analyser needs on a fresh Debian machine, then run it.
#   bash scripts/quickstart.sh app    install, then open the analyser (main job)
#   bash scripts/quickstart.sh test   install, then run the full test suite
# Re-running is cheap: installed pieces are detected and skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

debian_packages() {
  local missing=()
  command -v tesseract >/dev/null || missing+=(tesseract-ocr)
  for lang in rus kaz eng; do
    if ! { command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx "$lang"; }; then
      missing+=("tesseract-ocr-$lang")
    fi
  done
  command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  command -v chromium >/dev/null || missing+=(chromium)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

python_env() {
  [ -x .venv/bin/python ] || python3 -m venv .venv
  local stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[test]"
    touch "$stamp"
  fi
}

debian_packages
python_env

case "$mode" in
  app)
    sample=$(ls corpora/agreements/*.docx 2>/dev/null | head -n 1 || true)
    if [ -f app.py ]; then
      exec .venv/bin/streamlit run app.py
    elif [ -n "$sample" ]; then
      exec .venv/bin/analyser analyse "$sample"
    else
      echo "No app.py and no sample agreement in corpora/agreements/" >&2
      exit 1
    fi
    ;;
  test)
    set +e
    .venv/bin/python -m pytest -q "${@:2}"
    rc=$?
    if [ "$rc" = 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi
    exit "$rc"
    ;;
  *)
    echo "usage: bash scripts/quickstart.sh app|test" >&2
    exit 2
    ;;
esac
