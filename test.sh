#!/usr/bin/env bash
# The README's test command: installs the system packages the suite needs (test-packages.txt),
# then runs the Maven build with its tests. Arguments go to Maven (default: -B verify).
#   ./test.sh                     everything
#   ./test.sh -pl sample-app -am verify   a part
# Without root or password-less sudo, a missing package stops it within seconds, printing the
# one line that installs them all.
set -euo pipefail
cd "$(dirname "$0")"

packages=()
while read -r name _; do
	[[ -z "$name" || "$name" == \#* ]] && continue
	packages+=("$name")
done < test-packages.txt

# A package counts as installed when dpkg says so, or when a command of its name is on the PATH:
# NodeSource's nodejs package brings its own npm and conflicts with Debian's npm package, so
# installing "npm" there fails ("held broken packages") although npm is there.
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$' || command -v "$1" >/dev/null 2>&1
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
	for p in "${packages[@]}"; do
		installed "$p" || missing+=("$p")
	done
else
	echo "test.sh: not a Debian/Ubuntu system (no dpkg-query); make sure these are installed: ${packages[*]}" >&2
	echo "  (Fedora: dnf install chromium chromedriver ...; macOS: brew install --cask chromium; brew install chromedriver ...)" >&2
fi

if ((${#missing[@]})); then
	if [[ $(id -u) -eq 0 ]]; then
		sudo=()
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		echo "test.sh: missing system packages: ${missing[*]}" >&2
		echo "Install them, then run ./test.sh again:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
		exit 3
	fi
	echo "test.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq
	"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null
fi

if (($#)); then
	exec ./mvnw "$@"
fi
exec ./mvnw -B verify
