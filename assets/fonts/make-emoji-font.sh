#!/usr/bin/env bash
# Rebuilds NotoEmoji-Regular.ttf: Google's monochrome Noto Emoji (SIL OFL 1.1, see OFL.txt),
# as packaged by Fontsource on the npm registry, converted from WOFF to TrueType (egui reads
# TrueType/OpenType only). The font covers the emoji of Unicode 15 that egui's built-in emoji
# font lacks (🙂, skin tones, regional indicators…).
# Needs: npm, python3 with fonttools (pip install fonttools).
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @fontsource/noto-emoji@5.3.2 >/dev/null && tar xzf fontsource-noto-emoji-5.3.2.tgz)
python3 - "$tmp/package/files/noto-emoji-emoji-400-normal.woff" NotoEmoji-Regular.ttf <<'PY'
import sys
from fontTools.ttLib import TTFont
font = TTFont(sys.argv[1])
font.flavor = None
font.save(sys.argv[2])
PY
cp "$tmp/package/LICENSE" OFL.txt
echo "wrote NotoEmoji-Regular.ttf"
