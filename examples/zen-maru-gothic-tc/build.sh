#!/usr/bin/env bash
# Complete Zen Maru Gothic with the Big5 level-1 characters it lacks (shipped model) and build
# build/ZenMaruGothicTC-Regular.otf and .ttf. Works on a copy in build/; sources/ is never written.
# Run it through `tox -e example` from the repository root, or directly with fontcomplete installed.
set -euo pipefail
cd "$(dirname "$0")"
model="${1:-zen-maru-gothic}"
ufo=build/ZenMaruGothicTC-Regular.ufo
source_font=sources/NotoSansCJKtc-Subset.otf
start=$(date +%s)

rm -rf build && mkdir -p build
python tools/prepare_build.py sources/ZenMaruGothic-Regular.ufoz "$ufo"
python -m fontcomplete fill "$ufo" --source "$source_font" --charset big5-1 --model "$model" \
    --proof build/proof.png
python tools/check_build.py "$ufo" --source "$source_font" --charset big5-1
fontmake -u "$ufo" -o otf ttf --overlaps-backend pathops --output-dir build
python tools/check_build.py "$ufo" --source "$source_font" --charset big5-1 \
    --fonts build/ZenMaruGothicTC-Regular.otf build/ZenMaruGothicTC-Regular.ttf
echo "example built in $(( $(date +%s) - start )) s: $(ls build/*.otf build/*.ttf | tr '\n' ' ')"
