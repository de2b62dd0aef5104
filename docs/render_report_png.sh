#!/bin/sh
# Regenerate docs/report-page1.png: page 1 of the sample report (gps report --year 2016), as the README shows it.
#
# Needs LibreOffice Writer and poppler (Debian: apt-get install libreoffice-writer-nogui poppler-utils
# fonts-noto-cjk fonts-arphic-ukai). The GB2312 fonts a 公文 uses (仿宋_GB2312, 方正小标宋简体, 楷体_GB2312)
# are not free, so a private fontconfig file maps them to the nearest free fonts for this picture only:
# 仿宋/宋体 -> Noto Serif CJK SC, 小标宋 -> Noto Serif CJK SC Bold, 黑体 -> Noto Sans CJK SC, 楷体 -> AR PL UKai CN.
#
# Usage: docs/render_report_png.sh [OUT.png]      (run from anywhere; GPS=path/to/gps to use another gps)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/docs/report-page1.png}
GPS=${GPS:-$ROOT/.venv/bin/gps}
DPI=${DPI:-72}
command -v soffice >/dev/null || { echo "需要 LibreOffice(soffice)" >&2; exit 2; }
command -v pdftoppm >/dev/null || { echo "需要 poppler-utils(pdftoppm)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

cd "$ROOT"   # the repository's gps.toml: data = sample_data, narrative = sample_data/narrative-{year}.md
"$GPS" --quiet report --year 2016 --out "$WORK/report.docx" >/dev/null

alias_block() {  # alias_block FAMILY TARGET
    printf '  <alias binding="same"><family>%s</family><prefer><family>%s</family></prefer></alias>\n' "$1" "$2"
}
{
    echo '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
    echo '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
    for f in 仿宋_GB2312 仿宋 FangSong 宋体 SimSun; do alias_block "$f" "Noto Serif CJK SC"; done
    for f in 黑体 SimHei; do alias_block "$f" "Noto Sans CJK SC"; done
    for f in 楷体_GB2312 楷体 KaiTi; do alias_block "$f" "AR PL UKai CN"; done
    alias_block "Times New Roman" "Liberation Serif"
    echo '  <match target="pattern"><test name="family"><string>方正小标宋简体</string></test>'
    echo '    <edit name="family" mode="assign" binding="same"><string>Noto Serif CJK SC</string></edit>'
    echo '    <edit name="weight" mode="assign"><const>bold</const></edit></match>'
    echo '</fontconfig>'
} > "$WORK/fonts.conf"

FONTCONFIG_FILE="$WORK/fonts.conf" soffice --headless --norestore "-env:UserInstallation=file://$WORK/profile" \
    --convert-to pdf --outdir "$WORK" "$WORK/report.docx" >/dev/null 2>&1
pdftoppm -f 1 -l 1 -r "$DPI" -gray -png -singlefile "$WORK/report.pdf" "$WORK/page1"
cp "$WORK/page1.png" "$OUT"
echo "$OUT ($(wc -c < "$OUT") bytes)"
