#!/usr/bin/env bash
# branchq developer entry point. From a fresh clone:
#   deploy/dev.sh run    set up, then start the demo branch (server on SQLite + device emulators)
#   deploy/dev.sh test   set up, then run the checks and the whole test suite
#   deploy/dev.sh setup  only install system packages and the virtualenv (.venv)
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-noto-cjk: Chinese on screens and receipts; postgresql: the PostgreSQL tests; socat: serial
# ptys; Qt's offscreen/xcb platforms: libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0
# libdbus-1-3; QtMultimedia: libpulse0; espeak-ng + sox: the lobby's voice pack; pulseaudio: the
# lobby's sound-device test plays into a null sink; chromium: the phone page and console tests
# (Playwright drives Debian's browser, not its own download).
APT_PACKAGES=(fonts-noto-cjk postgresql socat libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0
  libfontconfig1 libglib2.0-0 libdbus-1-3 libpulse0 espeak-ng sox pulseaudio chromium)
PY=${PYTHON:-python3}

need_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing system packages: ${missing[*]}"
  local SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup() {
  if command -v apt-get >/dev/null 2>&1; then need_apt; fi
  if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    "$PY" -m venv .venv
  fi
  local stamp=.venv/.branchq-installed
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "== installing branchq and its dependencies into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[dev]'
    touch "$stamp"
  fi
  # the lobby's default voice pack (espeak-ng clips; kept out of git under var/)
  if [ ! -f var/voice/default/manifest.toml ]; then
    echo "== generating the lobby voice pack in var/voice/default (espeak-ng)"
    .venv/bin/branchq lobby make-voice-pack var/voice/default >/dev/null
  fi
}

run_tests() {
  echo "== ruff"
  .venv/bin/ruff check .
  .venv/bin/ruff format --check .
  echo "== import contracts"
  .venv/bin/lint-imports
  echo "== mypy (strict on server/ and drivers/)"
  .venv/bin/mypy server drivers
  echo "== pytest"
  # the ci Hypothesis profile: the long property tests run 30% of their examples (see
  # tests/hypothesis_budget.py); BRANCHQ_HYPOTHESIS_PROFILE=thorough runs them all
  export BRANCHQ_HYPOTHESIS_PROFILE=${BRANCHQ_HYPOTHESIS_PROFILE:-ci}
  set +e
  .venv/bin/python -m pytest "$@"
  local rc=$?
  set -e
  if [ $rc -eq 5 ]; then
    echo "pytest collected no tests: that is a failure for branchq, not a pass" >&2
    return 1
  fi
  return $rc
}

cmd=${1:-}
shift || true
case "$cmd" in
  setup) setup ;;
  test) setup; run_tests "$@" ;;
  run) setup; exec .venv/bin/branchq demo "$@" ;;
  *) sed -n '2,5p' "$0"; exit 2 ;;
esac
