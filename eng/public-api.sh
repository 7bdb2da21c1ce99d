#!/usr/bin/env bash
# Regenerates src/*/PublicAPI.Unshipped.txt from the code: empties each file, builds the src projects
# with the public API analyzer, and writes back what it reports as undeclared (RS0016), sorted.
# Run it after changing or merging a public surface, then review `git diff -- '*PublicAPI*'`.
# Idempotent: a second run writes the same files. Shipped files are left alone (created if missing);
# when a release ships, move the Unshipped lines into Shipped by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

header='#nullable enable'
projects=(src/*/*.csproj)
list=$(mktemp --suffix=.slnx -p .)
log=$(mktemp)
backup=$(mktemp -d)
trap 'rm -rf "$list" "$log" "$backup"' EXIT

{
    echo '<Solution>'
    for project in "${projects[@]}"; do
        echo "  <Project Path=\"$project\" />"
        dir=$(dirname "$project")
        mkdir -p "$backup/$dir"
        [ -f "$dir/PublicAPI.Unshipped.txt" ] && cp "$dir/PublicAPI.Unshipped.txt" "$backup/$dir/"
        [ -f "$dir/PublicAPI.Shipped.txt" ] || echo "$header" > "$dir/PublicAPI.Shipped.txt"
        echo "$header" > "$dir/PublicAPI.Unshipped.txt"
    done
    echo '</Solution>'
} > "$list"

# Warnings stay warnings here: every public symbol is undeclared until the files are written back.
if ! dotnet build "$list" -c Release -nologo -v:q -p:TreatWarningsAsErrors=false -clp:NoSummary > "$log" 2>&1; then
    grep -E ': error ' "$log" | sort -u >&2 || cat "$log" >&2
    for project in "${projects[@]}"; do
        dir=$(dirname "$project")
        if [ -f "$backup/$dir/PublicAPI.Unshipped.txt" ]; then cp "$backup/$dir/PublicAPI.Unshipped.txt" "$dir/"; fi
    done
    echo "public-api.sh: the build failed; the Unshipped files are as they were." >&2
    exit 1
fi

for project in "${projects[@]}"; do
    dir=$(dirname "$project")
    full=$(realpath "$project")
    {
        echo "$header"
        grep -F "[$full]" "$log" \
            | grep -F 'warning RS0016:' \
            | sed -E "s/.*warning RS0016: Symbol '(.*)' is not part of the declared public API.*/\1/" \
            | LC_ALL=C sort -u
    } > "$dir/PublicAPI.Unshipped.txt"
    echo "$dir/PublicAPI.Unshipped.txt: $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) symbols"
done
